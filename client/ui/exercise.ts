/**
 * Exercise panels: the Check button asks the grader (POST /api/exercises/:id/check), live results
 * arrive over /ws/feedback?exercise=<id>; each check is shown passed or failed with its message.
 */
import { api, ApiError } from './api.js';
import { h } from './dom.js';

export interface CheckResultView {
  title: string;
  passed: boolean;
  message: string;
  points: number;
  maxPoints: number;
  hint?: string;
}

export interface ExerciseResultView {
  exerciseId: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  checks: CheckResultView[];
}

function isResult(v: unknown): v is ExerciseResultView {
  const r = v as ExerciseResultView;
  return !!r && typeof r === 'object' && typeof r.exerciseId === 'string' && typeof r.passed === 'boolean' && Array.isArray(r.checks);
}

export function setupExercises(root: ParentNode): void {
  for (const panel of root.querySelectorAll<HTMLElement>('section.exercise[data-exercise]')) setupExercise(panel);
}

function setupExercise(panel: HTMLElement): void {
  const id = panel.dataset.exercise!;
  const button = panel.querySelector<HTMLButtonElement>('button[data-action="check"]')!;
  const status = panel.querySelector<HTMLElement>('.check-status')!;
  const list = panel.querySelector<HTMLOListElement>('.check-results')!;
  const state = panel.querySelector<HTMLElement>('.exercise-state');
  const setup = panel.querySelector<HTMLButtonElement>('button[data-action="setup"]');
  // Live results appear once the learner has checked (or the exercise passes by itself): not before they start.
  let engaged = panel.classList.contains('passed');

  const show = (r: ExerciseResultView, live: boolean) => {
    list.replaceChildren(
      ...r.checks.map((c) =>
        h(
          'li',
          { class: `check ${c.passed ? 'pass' : 'fail'}` },
          h('span', { class: 'check-icon', 'aria-hidden': 'true' }, c.passed ? '✓' : '✗'),
          h(
            'div',
            { class: 'check-body' },
            h('p', { class: 'check-title' }, c.title, h('span', { class: 'sr-only' }, c.passed ? ' (passed)' : ' (not yet)')),
            c.message && c.message !== c.title ? h('p', { class: 'check-message' }, c.message) : null,
            !c.passed && c.hint ? h('p', { class: 'check-hint' }, h('span', { class: 'label' }, 'Try: '), h('code', {}, c.hint)) : null,
          ),
          c.maxPoints > 0 ? h('span', { class: 'check-points' }, `${c.points}/${c.maxPoints}`) : null,
        ),
      ),
    );
    const passedCount = r.checks.filter((c) => c.passed).length;
    status.textContent = r.passed
      ? `All ${r.checks.length} checks pass. Exercise complete.`
      : `${passedCount} of ${r.checks.length} checks pass${live ? ' (updated live)' : ''}.`;
    status.dataset.kind = r.passed ? 'pass' : 'fail';
    panel.classList.toggle('passed', r.passed);
    if (r.passed && state) {
      state.textContent = 'Passed';
      state.dataset.state = 'passed';
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
      await api('POST', `/api/exercises/${encodeURIComponent(id)}/setup`);
      list.replaceChildren();
      status.textContent = 'Your lab is ready for this exercise.';
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
      const r = await api<unknown>('POST', `/api/exercises/${encodeURIComponent(id)}/check`);
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
    if (engaged || r.passed) show(r, true);
  });
}

/** Live results while the learner works; a few retries, then quiet (the Check button still works). */
function followLive(id: string, onResult: (r: ExerciseResultView) => void): void {
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
    ws.onclose = () => {
      if (!opened) failures++;
      if (failures < 4) window.setTimeout(open, Math.min(30_000, 2000 * 2 ** failures));
    };
  };
  open();
}
