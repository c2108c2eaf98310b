// The instructor's workshop dashboard: a live grid of learners × exercises over /ws/workshop,
// lab resets, and a read-only view of any learner's terminal.
import '@xterm/xterm/css/xterm.css';
import { useStylesheet, api, el, localTimes } from '../pages/api.js';
import { TerminalWatcher } from '../pages/watch-terminal.js';

type Cell = 'passed' | 'trying' | 'not-started';
interface Snapshot {
  workshop: { id: number; title: string; state: string; closesAt: string; capacity: number };
  exercises: { id: string; title: string; lessonId: string }[];
  learners: { userId: number; displayName: string; joinedAt: string; lab: string; cells: Record<string, Cell> }[];
  messages: { id: number; body: string; createdAt: string }[];
}
type Frame =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'cell'; userId: number; exerciseId: string; status: Cell }
  | { type: 'lab'; userId: number; state: string }
  | { type: 'message'; message: { id: number; body: string; createdAt: string } }
  | { type: 'error'; message: string };

const cellText: Record<Cell, string> = { passed: 'passed', trying: 'trying', 'not-started': 'not started' };

function start(): void {
  useStylesheet('dashboard');
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

  const render = (s: Snapshot) => {
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
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Learner'), el('th', { scope: 'col' }, 'Lab'), ...s.exercises.map((e) => el('th', { scope: 'col', title: e.title }, e.id)), el('th', { scope: 'col' }, ''));
    const rows = s.learners.map((l) => {
      const watch = el('button', { type: 'button', class: 'btn btn-small', 'data-watch': String(l.userId) }, 'Terminal');
      watch.addEventListener('click', () => {
        watchName.textContent = l.displayName;
        watchBox.hidden = false;
        watcher.open(l.userId);
        watchBox.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
      });
      const reset = el('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-reset': String(l.userId) }, 'Reset lab');
      reset.addEventListener('click', () => {
        if (!window.confirm(`Reset the lab of ${l.displayName}? Everything in it is deleted and a fresh lab is created.`)) return;
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
          return el('td', { class: `cell ${c}`, 'data-exercise': e.id, 'data-status': c, title: `${l.displayName}: ${e.title} — ${cellText[c]}` }, el('span', { class: 'sr-only' }, cellText[c]));
        }),
        el('td', { class: 'actions' }, watch, ' ', reset),
      );
    });
    grid.replaceChildren(el('table', { class: 'live-grid' }, el('thead', {}, head), el('tbody', {}, ...rows)));
    const list = document.getElementById('messages');
    if (list) {
      list.replaceChildren(...s.messages.map((m) => el('li', {}, el('time', { datetime: m.createdAt }, m.createdAt), ' ', m.body)));
      localTimes(list);
    }
  };

  const setCell = (userId: number, exerciseId: string, status: Cell) => {
    const td = grid.querySelector<HTMLElement>(`tr[data-user="${userId}"] td[data-exercise="${CSS.escape(exerciseId)}"]`);
    if (!td) return;
    td.className = `cell ${status} changed`;
    td.dataset.status = status;
    td.querySelector('.sr-only')!.textContent = cellText[status];
    const l = snapshot?.learners.find((x) => x.userId === userId);
    if (l) l.cells[exerciseId] = status;
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
