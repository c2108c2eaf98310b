// A running exam: the countdown, the lab's state, answers saved as they change (never checked
// while the exam runs), and the submit confirmation. At time-out the server grades; the page reloads.
import { useStylesheet, api, clock } from '../pages/api.js';
import { mountTerminal, type TerminalHandle } from '../terminal.js';
import { setupTerminalPane } from '../ui/terminal-pane.js';

interface Me {
  sitting: { state: string; deadline: string; preparing: boolean } | null;
  lab: { state: string; step?: string; done?: number; total?: number; reason?: string } | null;
  now: string;
}

function start(): void {
  useStylesheet('exam');
  const root = document.getElementById('exam');
  if (!root) return;
  const examId = Number(root.dataset.exam);
  const timer = document.getElementById('exam-timer')!;
  const labEl = document.getElementById('exam-lab')!;
  const saved = document.getElementById('exam-saved')!;
  let deadline = Date.parse(root.dataset.deadline ?? '');
  let skew = 0; // server time - browser time
  let preparing = true;
  // The clock turns red for the last fifth of the time, at most the last five minutes.
  const warnAt = Math.min(300, Number(root.dataset.limitMinutes ?? 0) * 60 * 0.2);

  const tick = () => {
    const left = (deadline - (Date.now() + skew)) / 1000;
    timer.textContent = preparing ? 'starts when your lab is ready' : clock(left);
    timer.classList.toggle('soon', !preparing && left < warnAt);
    if (!preparing && left <= 0) {
      timer.textContent = 'time is up';
      setTimeout(() => location.reload(), 3000);
    }
  };

  const poll = async () => {
    try {
      const me = await api<Me>(`/api/exams/${examId}/me`);
      skew = Date.parse(me.now) - Date.now();
      if (!me.sitting || me.sitting.state !== 'in-progress') return location.reload();
      deadline = Date.parse(me.sitting.deadline);
      preparing = me.sitting.preparing;
      const lab = me.lab;
      labEl.textContent = !lab ? '—' : lab.state === 'creating' ? `starting (${lab.step ?? ''})` : lab.state === 'ready' ? (preparing ? 'setting up the tasks…' : 'ready') : lab.state === 'lost' ? `lost: ${lab.reason ?? ''}` : lab.state;
    } catch {
      /* try again at the next poll */
    }
  };
  // The clock shows as soon as the first poll answers, not a second later (a new tab, a reload).
  void poll().then(tick);
  setInterval(tick, 1000);
  setInterval(() => void poll(), 5000);

  // Quiz answers are saved on every change.
  const save = (itemKey: string, answer: unknown) => {
    saved.textContent = 'saving…';
    api(`/api/exams/${examId}/answers`, { body: { itemKey, answer } })
      .then(() => (saved.textContent = 'answers saved'))
      .catch((err: Error) => (saved.textContent = `not saved: ${err.message}`));
  };
  root.querySelectorAll<HTMLElement>('.question[data-item-key]').forEach((q) => {
    const key = q.dataset.itemKey!;
    const kind = q.dataset.kind;
    const read = (): unknown => {
      if (kind === 'single') {
        const c = q.querySelector<HTMLInputElement>('input[type=radio]:checked');
        return c ? c.value : undefined;
      }
      if (kind === 'multiple') return [...q.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((c) => c.value);
      if (kind === 'short') return q.querySelector<HTMLInputElement>('input[type=text]')?.value ?? '';
      if (kind === 'order') return [...q.querySelectorAll<HTMLElement>('ol.order > li')].map((li) => li.dataset.option ?? '');
      return undefined;
    };
    const changed = () => {
      const a = read();
      if (a !== undefined) save(key, a);
    };
    q.addEventListener('change', changed);
    let typing: number | undefined;
    q.addEventListener('input', () => {
      clearTimeout(typing);
      typing = window.setTimeout(changed, 600);
    });
    q.querySelectorAll<HTMLLIElement>('ol.order > li').forEach((li) => {
      li.querySelector('.up')?.addEventListener('click', () => {
        if (li.previousElementSibling) li.parentElement!.insertBefore(li, li.previousElementSibling);
        changed();
      });
      li.querySelector('.down')?.addEventListener('click', () => {
        if (li.nextElementSibling) li.parentElement!.insertBefore(li.nextElementSibling, li);
        changed();
      });
    });
  });

  // The terminal into the candidate's exam lab, in the same pane as on lesson pages: a second tab
  // takes the shell over, and this one says so and offers to take it back.
  const paneEl = document.getElementById('terminal');
  const host = document.getElementById('terminal-host');
  if (paneEl && host) {
    let t: TerminalHandle | undefined;
    // An exam page has no reset: a lost lab is for the person running the exam.
    const pane = setupTerminalPane(paneEl, () => t, { lostLabHint: 'Tell the person running the exam: this page cannot create a new lab.' });
    t = mountTerminal(host, {
      onLab: (s) => {
        pane.lab(s);
        void poll();
      },
      onState: (s) => pane.state(s),
      onError: (m, hint) => pane.error(m, hint),
    });
    (window as unknown as { kubelab?: unknown }).kubelab = { terminal: () => t };
    window.addEventListener('resize', () => t?.fit());
  }
}

/** After submitting: the page waits for grading and for the instructor to release the results, then shows them. */
function waitForResults(el: HTMLElement): void {
  const examId = Number(el.dataset.exam);
  const check = async () => {
    try {
      const me = await api<{ sitting: { state: string } | null; results: unknown[] | null }>(`/api/exams/${examId}/me`);
      if (me.results || me.sitting?.state !== el.dataset.state) location.reload();
    } catch {
      /* try again at the next poll */
    }
  };
  setInterval(() => void check(), 5000);
}

function main(): void {
  const waiting = document.getElementById('exam-waiting');
  if (waiting) return waitForResults(waiting);
  start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
