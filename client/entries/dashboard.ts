// The instructor's workshop dashboard: a live grid of learners × exercises over /ws/workshop,
// lab resets, and a read-only view of any learner's terminal.
import '@xterm/xterm/css/xterm.css';
import { useStylesheet, api, el, localTimes } from '../pages/api.js';
import { announce } from '../ui/dom.js';
import { TerminalWatcher } from '../pages/watch-terminal.js';
import type { ErrorFrame } from '../../shared/socket-error.js';
import type { ExerciseState } from '../../shared/exercise.js';

interface Snapshot {
  workshop: { id: number; title: string; state: string; closesAt: string; capacity: number };
  exercises: { id: string; title: string; lessonId: string }[];
  learners: { userId: number; displayName: string; joinedAt: string; lab: string; cells: Record<string, ExerciseState> }[];
  messages: { id: number; body: string; createdAt: string }[];
}
type Frame =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'cell'; userId: number; exerciseId: string; status: ExerciseState }
  | { type: 'lab'; userId: number; state: string }
  | { type: 'message'; message: { id: number; body: string; createdAt: string } }
  | ErrorFrame;

const cellText: Record<ExerciseState, string> = { passed: 'passed', trying: 'trying', 'not-started': 'not started' };
const cellTitle = (learner: string, exercise: string, state: ExerciseState) => `${learner}: ${exercise} — ${cellText[state]}`;

/** Copy buttons (join code and link): the clipboard API where the page is a secure context, else a selected text field. */
function setupCopyButtons(): void {
  document.querySelectorAll<HTMLButtonElement>('button[data-copy]').forEach((b) => {
    const label = b.textContent ?? '';
    b.addEventListener('click', () => {
      const text = b.dataset.copy ?? '';
      const copied = navigator.clipboard?.writeText(text).then(() => true, () => false) ?? Promise.resolve(false);
      void copied.then((ok) => {
        if (!ok) {
          const field = el('textarea', { class: 'sr-only', readonly: true });
          field.value = text;
          document.body.append(field);
          field.select();
          ok = document.execCommand('copy');
          field.remove();
        }
        b.textContent = ok ? 'Copied' : 'Select and copy it';
        announce(ok ? `Copied ${text}` : 'Could not copy: select the text and copy it.', ok ? 'info' : 'error');
        setTimeout(() => (b.textContent = label), 2000);
      });
    });
  });
}

function start(): void {
  useStylesheet('dashboard');
  setupCopyButtons();
  const grid = document.getElementById('grid');
  if (!grid) return;
  const workshopId = Number(grid.dataset.workshop);
  const live = document.getElementById('live-state')!;
  const watchBox = document.getElementById('watch')!;
  const watchName = document.getElementById('watch-name')!;
  const watcher = new TerminalWatcher(document.getElementById('watch-term')!, (s) => (watchBox.dataset.status = s));
  let snapshot: Snapshot | undefined;

  document.getElementById('watch-close')?.addEventListener('click', () => {
    watcher.close();
    watchBox.hidden = true;
  });
  (window as unknown as { kubelabWatcher: TerminalWatcher }).kubelabWatcher = watcher;

  // The page was drawn for a workshop still running; once it ends, the page is drawn again with results only.
  const ended = grid.dataset.state === 'ended';
  const render = (s: Snapshot) => {
    if (s.workshop.state === 'ended' && !ended) return location.reload();
    snapshot = s;
    document.getElementById('ws-count')!.textContent = String(s.learners.length);
    const closes = document.getElementById('ws-closes');
    if (closes) {
      closes.replaceChildren(el('time', { datetime: s.workshop.closesAt }, s.workshop.closesAt));
      localTimes(closes);
    }
    const state = document.getElementById('ws-state');
    if (state) {
      state.textContent = s.workshop.state === 'scheduled' ? 'not open yet' : s.workshop.state;
      state.className = `state ${s.workshop.state}`;
    }
    if (s.learners.length === 0) {
      grid.replaceChildren(el('p', { class: 'muted' }, 'No learner has joined yet. Share the join code or link.'));
      return;
    }
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Learner'), el('th', { scope: 'col' }, 'Lab'), ...s.exercises.map((e) => el('th', { scope: 'col', class: 'ex', 'data-exercise': e.id }, e.title)), ended ? null : el('th', { scope: 'col' }, ''));
    const rows = s.learners.map((l) => {
      const watch = el('button', { type: 'button', class: 'btn btn-small', 'data-watch': String(l.userId) }, 'Terminal');
      watch.addEventListener('click', () => {
        watchName.textContent = l.displayName;
        watchBox.hidden = false;
        watcher.open(l.userId);
        watchBox.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
      });
      // The learner's cluster, live and read-only, in a tab of its own (the grid stays open here).
      const cluster = el('a', { class: 'btn btn-small', href: `/learners/${l.userId}/cluster`, target: '_blank', rel: 'noopener', 'data-cluster': String(l.userId) }, 'Cluster');
      const reset = el('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-reset': String(l.userId) }, 'Reset lab');
      reset.addEventListener('click', () => {
        if (!window.confirm(`Reset the lab of ${l.displayName}? Their cluster goes back to the state it started in: everything they made in it is deleted. Their terminal stays where the lab can be restored in place.`)) return;
        reset.disabled = true;
        api(`/api/workshops/${workshopId}/learners/${l.userId}/reset`, { body: {} })
          .catch((err: Error) => window.alert(err.message))
          .finally(() => (reset.disabled = false));
      });
      return el(
        'tr',
        { 'data-user': String(l.userId) },
        el('th', { scope: 'row' }, el('a', { href: `/users/${l.userId}/progress`, title: `Progress of ${l.displayName}` }, l.displayName)),
        el('td', { class: `lab ${l.lab}`, 'data-lab': '' }, l.lab),
        ...s.exercises.map((e) => {
          const c = l.cells[e.id] ?? 'not-started';
          return el('td', { class: `cell ${c}`, 'data-exercise': e.id, 'data-status': c, title: cellTitle(l.displayName, e.title, c) }, el('span', { class: 'sr-only' }, cellText[c]));
        }),
        ended ? null : el('td', { class: 'actions' }, watch, ' ', cluster, ' ', reset),
      );
    });
    grid.replaceChildren(el('table', { class: 'live-grid' }, el('thead', {}, head), el('tbody', {}, ...rows)));
    const list = document.getElementById('messages');
    if (list) {
      list.replaceChildren(...s.messages.map((m) => el('li', {}, el('time', { datetime: m.createdAt }, m.createdAt), ' ', m.body)));
      localTimes(list);
    }
  };

  const setCell = (userId: number, exerciseId: string, status: ExerciseState) => {
    const td = grid.querySelector<HTMLElement>(`tr[data-user="${userId}"] td[data-exercise="${CSS.escape(exerciseId)}"]`);
    if (!td) return;
    td.className = `cell ${status} changed`;
    td.dataset.status = status;
    td.querySelector('.sr-only')!.textContent = cellText[status];
    const l = snapshot?.learners.find((x) => x.userId === userId);
    if (l) l.cells[exerciseId] = status;
    // The tooltip says the same as the cell.
    const e = snapshot?.exercises.find((x) => x.id === exerciseId);
    if (l && e) td.title = cellTitle(l.displayName, e.title, status);
  };

  let retry = 500;
  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/workshop?id=${workshopId}`);
    ws.addEventListener('open', () => {
      retry = 500;
      live.textContent = 'live';
      live.className = 'live on';
    });
    ws.addEventListener('message', (ev: MessageEvent<string>) => {
      let f: Frame;
      try {
        f = JSON.parse(ev.data) as Frame;
      } catch {
        return;
      }
      if (f.type === 'snapshot') render(f.snapshot);
      else if (f.type === 'cell') setCell(f.userId, f.exerciseId, f.status);
      else if (f.type === 'lab') {
        const td = grid.querySelector<HTMLElement>(`tr[data-user="${f.userId}"] td[data-lab]`);
        if (td) {
          td.textContent = f.state;
          td.className = `lab ${f.state}`;
        }
      } else if (f.type === 'message') {
        const list = document.getElementById('messages');
        if (list) {
          const li = el('li', {}, el('time', { datetime: f.message.createdAt }, f.message.createdAt), ' ', f.message.body);
          list.append(li);
          localTimes(li);
        }
      }
    });
    ws.addEventListener('close', (ev) => {
      live.className = 'live off';
      if (ev.code === 1008) {
        live.textContent = ev.reason || 'not allowed';
        return;
      }
      live.textContent = 'reconnecting…';
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    });
  };
  connect();

  // Messages go out without leaving the page.
  const form = document.getElementById('message-form') as HTMLFormElement | null;
  form?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = form.querySelector<HTMLInputElement>('input[name="body"]')!;
    api(`/api/workshops/${workshopId}/messages`, { body: { body: input.value } })
      .then(() => (input.value = ''))
      .catch((err: Error) => window.alert(err.message));
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
