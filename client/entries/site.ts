// On every page: times in the reader's zone, confirmations on destructive forms, the narrow screen's menu, keyboard access to blocks that scroll, a workshop learner's notices.
import { confirmForms, localTimes } from '../pages/api.js';
import { mountNotices } from '../pages/notices.js';
import { navMenu } from '../pages/nav-menu.js';
import { keyboardScrollable } from '../pages/scrollers.js';

function start(): void {
  localTimes();
  confirmForms();
  navMenu();
  keyboardScrollable();
  void mountNotices();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
