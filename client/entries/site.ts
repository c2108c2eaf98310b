// On every page: times in the reader's zone, confirmations on destructive forms, a workshop learner's notices.
import { confirmForms, localTimes } from '../pages/api.js';
import { mountNotices } from '../pages/notices.js';

function start(): void {
  localTimes();
  confirmForms();
  void mountNotices();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
