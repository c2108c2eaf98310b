/**
 * The lesson page: lesson on the left, the learner's terminal on the right, a divider between
 * them; Run buttons type into the terminal, exercise panels check the cluster, the top bar shows
 * the lab's status and can reset it. A reload comes back to where the learner was reading.
 */
import '../ui/base.css';
import { mountTerminal, type TerminalHandle } from '../terminal.js';
import { setupTheme, onThemeChange } from '../ui/theme.js';
import { setupSplit } from '../ui/split.js';
import { setupLabStatus } from '../ui/lab-status.js';
import { keepReadingPosition } from '../ui/reading-position.js';
import { setupCodeBlocks } from '../ui/code-blocks.js';
import { setupExercises } from '../ui/exercise.js';
import { setupTerminalPane } from '../ui/terminal-pane.js';
import { api } from '../pages/api.js';
import { setupSideView } from '../cluster-map/side-view.js';

setupTheme();

const workspace = document.getElementById('workspace')!;
const lessonPane = document.getElementById('lesson')!;
const host = document.getElementById('terminal-host')!;
const lessonId = document.body.dataset.lesson ?? '';

let terminal: TerminalHandle | undefined;
const side = setupSideView(document.getElementById('terminal')!, document.body.dataset.learner ?? '', () => terminal?.fit());
const pane = setupTerminalPane(document.getElementById('terminal')!, () => terminal);
const labUi = setupLabStatus(
  document.getElementById('lab-status')!,
  { button: document.getElementById('reset-lab') as HTMLButtonElement, dialog: document.getElementById('reset-dialog') as HTMLDialogElement },
);

terminal = mountTerminal(host, {
  onLab(s) {
    labUi.show(s);
    pane.lab(s);
  },
  onState(s) {
    pane.state(s);
    // While the server cannot be reached, nothing is known about the lab: the pill says so, not "Lab ready".
    labUi.connection(s.kind);
    // The workshop ended: the lab is deleted and the learner signed out, so the bars say so and offer no reset or restart.
    if (s.kind === 'ended' && s.reason === 'workshop-ended') {
      labUi.show({ state: 'none', reason: 'the workshop has ended' });
      document.getElementById('reset-lab')?.remove();
      document.getElementById('restart-shell')?.remove();
    }
  },
  onError: (m, hint) => pane.error(m, hint),
});
onThemeChange((t) => terminal?.setDark(t === 'dark'));
setupSplit(workspace, document.getElementById('divider')!, () => terminal?.fit());
// A Run button types into the terminal and leaves the learner there, ready to read or type on.
const runInTerminal = (cmd: string) => {
  const sent = terminal?.run(cmd) ?? false;
  if (sent) terminal?.focus();
  return sent;
};
setupCodeBlocks(lessonPane, runInTerminal);
setupExercises(lessonPane, runInTerminal);
keepReadingPosition(lessonPane, lessonId);

// Tab completes in the shell, so keyboard users leave the terminal with F6 (and come back the same way).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'F6' || e.ctrlKey || e.altKey || e.metaKey) return;
  e.preventDefault();
  if (host.contains(document.activeElement)) lessonPane.focus();
  else terminal?.focus();
});

// Progress: the lesson was opened; once its end has been seen, it counts as read.
if (lessonId) {
  void api('/api/progress/visit', { body: { lessonId } }).catch(() => undefined);
  const end = document.getElementById('lesson-end');
  if (end) {
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        void api('/api/progress/visit', { body: { lessonId, read: true } }).catch(() => undefined);
      }
    });
    seen.observe(end);
  }
}

// For tests and the curious: the page's terminal.
(window as unknown as { kubelab?: unknown }).kubelab = { terminal: () => terminal, side };
