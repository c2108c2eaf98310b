/**
 * Exercise panels: the Check button asks the grader (POST /api/exercises/:id/check), live results
 * arrive over /ws/feedback?exercise=<id>; each check is shown passed or failed with its message.
 */
import { api, ApiError } from '../pages/api.js';
import { h } from './dom.js';
import type { ExerciseResult } from '../../shared/exercise.js';


function isResult(v: unknown): v is ExerciseResult {
  const r = v as ExerciseResult;
  return !!r && typeof r === 'object' && typeof r.exerciseId === 'string' && typeof r.passed === 'boolean' && Array.isArray(r.checks);
}

/** Types commands into the learner's terminal; false when there is no terminal to type into. */
export type TypeIntoTerminal = (commands: string) => boolean;

export function setupExercises(root: ParentNode, typeIntoTerminal?: TypeIntoTerminal): void {
  for (const panel of root.querySelectorAll<HTMLElement>('section.exercise[data-exercise]')) setupExercise(panel, typeIntoTerminal);
}

function setupExercise(panel: HTMLElement, typeIntoTerminal?: TypeIntoTerminal): void {
  const id = panel.dataset.exercise!;
  const button = panel.querySelector<HTMLButtonElement>('button[data-action="check"]')!;
  const status = panel.querySelector<HTMLElement>('.check-status')!;
  const list = panel.querySelector<HTMLOListElement>('.check-results')!;
  const state = panel.querySelector<HTMLElement>('.exercise-state');
  const setup = panel.querySelector<HTMLButtonElement>('button[data-action="setup"]');
  // Live results appear from the learner's first change (or once they check, or once it passes):
  // the state the page opened on is not shown as a list of failures before they start.
  let engaged = panel.classList.contains('passed');
  let opening: string | undefined;

  // A check's hint is a command that fixes it: the last step of help, so it is shown only on
  // request. Which ones the learner opened survives the redraw of every live update.
  const opened = new Set<string>();
  const commandHint = (title: string, hint: string) => {
    const d = h('details', { class: 'check-hint', open: opened.has(title) }, h('summary', {}, 'Show a command that fixes this'), h('code', {}, hint));
    d.addEventListener('toggle', () => (d.open ? opened.add(title) : opened.delete(title)));
    return d;
  };

  // An exercise graded in parts (a capstone): a heading over each part's checks says how many pass.
  const partHeading = (part: string, checks: ExerciseResult['checks']) => {
    const mine = checks.filter((c) => c.part === part);
    const passing = mine.filter((c) => c.passed).length;
    const done = passing === mine.length;
    return h(
      'li',
      { class: `check-part ${done ? 'pass' : 'fail'}`, 'data-part': part },
      h('p', { class: 'check-part-title' }, part),
      h('span', { class: 'check-part-count' }, done ? `all ${mine.length} pass` : `${passing} of ${mine.length} pass`),
    );
  };

  const show = (r: ExerciseResult, live: boolean) => {
    list.replaceChildren(
      ...r.checks.flatMap((c, i) => [
        c.part && c.part !== r.checks[i - 1]?.part ? partHeading(c.part, r.checks) : null,
        h(
          'li',
          { class: `check ${c.passed ? 'pass' : 'fail'}` },
          h('span', { class: 'check-icon', 'aria-hidden': 'true' }, c.passed ? '✓' : '✗'),
          h(
            'div',
            { class: 'check-body' },
            h('p', { class: 'check-title' }, c.title, h('span', { class: 'sr-only' }, c.passed ? ' (passed)' : ' (not yet)')),
            c.message && c.message !== c.title ? h('p', { class: 'check-message' }, c.message) : null,
            !c.passed && c.hint ? commandHint(c.title, c.hint) : null,
          ),
          c.maxPoints > 0 ? h('span', { class: 'check-points' }, `${c.points}/${c.maxPoints}`) : null,
        ),
      ]).filter((li): li is HTMLLIElement => li !== null),
    );
    const passedCount = r.checks.filter((c) => c.passed).length;
    const parts = [...new Set(r.checks.flatMap((c) => (c.part ? [c.part] : [])))];
    const partsDone = parts.filter((p) => r.checks.every((c) => c.part !== p || c.passed)).length;
    status.textContent = r.passed
      ? r.checks.length === 1
        ? 'The check passes. Exercise complete.'
        : `All ${r.checks.length} checks pass. Exercise complete.`
      : `${parts.length ? `${partsDone} of ${parts.length} parts done, ` : ''}${passedCount} of ${r.checks.length} ${r.checks.length === 1 ? 'check passes' : 'checks pass'}${live ? ' (updated live)' : ''}.`;
    status.dataset.kind = r.passed ? 'pass' : 'fail';
    panel.classList.toggle('passed', r.passed);
    if (r.passed && state) {
      state.textContent = 'Passed';
      state.dataset.state = 'passed';
    } else if (state?.dataset.state === 'passed') {
      // Progress keeps the pass; the lab as it is now (after a reset, say) no longer passes.
      state.textContent = 'Passed before';
      state.dataset.state = 'passed-before';
    } else if (state?.dataset.state === 'not-started') {
      state.textContent = 'Not passed yet';
      state.dataset.state = 'trying';
    }
  };

  const busy = async (b: HTMLButtonElement, text: string, work: () => Promise<void>) => {
    b.disabled = true;
    b.setAttribute('aria-busy', 'true');
    status.textContent = text;
    status.dataset.kind = 'busy';
    try {
      await work();
    } catch (err) {
      status.textContent = err instanceof ApiError && err.status === 404 ? 'This server cannot do that yet.' : `${(err as Error).message}${err instanceof ApiError && err.hint ? ` ${err.hint}` : ''}`;
      status.dataset.kind = 'error';
    } finally {
      b.disabled = false;
      b.removeAttribute('aria-busy');
    }
  };

  setup?.addEventListener('click', () =>
    busy(setup, 'Preparing your lab for this exercise…', async () => {
      await api(`/api/exercises/${encodeURIComponent(id)}/setup`, { method: 'POST' });
      list.replaceChildren();
      const foreground = panel.querySelector<HTMLElement>('.exercise-foreground')?.textContent ?? '';
      const typed = foreground.trim() !== '' && typeIntoTerminal?.(foreground.replace(/\s+$/, '')) === true;
      status.textContent = typed ? 'Your lab is ready for this exercise; its first commands are running in your terminal.' : 'Your lab is ready for this exercise.';
      status.dataset.kind = 'info';
    }),
  );

  button.addEventListener('click', async () => {
    engaged = true;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    status.textContent = 'Checking your cluster…';
    status.dataset.kind = 'busy';
    try {
      const r = await api<unknown>(`/api/exercises/${encodeURIComponent(id)}/check`, { method: 'POST' });
      if (!isResult(r)) throw new Error('The grader sent an answer this page does not understand.');
      show(r, false);
    } catch (err) {
      status.textContent = err instanceof ApiError && err.status === 404 ? 'Checking is not available on this server yet.' : `${(err as Error).message}${err instanceof ApiError && err.hint ? ` ${err.hint}` : ''}`;
      status.dataset.kind = 'error';
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });

  followLive(id, (r) => {
    const seen = JSON.stringify(r.checks.map((c) => [c.passed, c.message]));
    if (opening === undefined) opening = seen;
    else if (seen !== opening) engaged = true;
    if (engaged || r.passed) show(r, true);
  });
}

/**
 * Live results while the learner works. Whenever the socket closes (a server restart, a network
 * blip) it opens again, backing off to 10 s, and the server answers with the current result; only
 * a refusal (1008: no such exercise, or an exam in progress) ends it.
 */
function followLive(id: string, onResult: (r: ExerciseResult) => void): void {
  let failures = 0;
  const open = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/feedback?exercise=${encodeURIComponent(id)}`);
    let opened = false;
    ws.onopen = () => {
      opened = true;
      failures = 0;
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      try {
        const msg = JSON.parse(ev.data) as { type?: string };
        if (msg.type === 'result' && isResult(msg)) onResult(msg);
      } catch {
        /* not for us */
      }
    };
    ws.onclose = (ev) => {
      if (ev.code === 1008) return;
      if (!opened) failures++;
      window.setTimeout(open, Math.min(10_000, 500 * 2 ** failures));
    };
  };
  open();
}
