/**
 * The Cluster panel: a toolbar (namespace, system namespaces, picture or table), the lab's state
 * ("lab unreachable" while its API server does not answer), the picture or the table, and a ticker
 * of the lab's recent events. Redrawn at most every clusterMapLimits.renderEveryMs, in an
 * animation frame, however many patches arrive meanwhile.
 */
import { clusterMapLimits, type WatchState } from '../../shared/cluster-map.js';
import { h } from '../ui/dom.js';
import { MapConnection, type SocketState } from './connection.js';
import { pictureOf, timeText, type Filter } from './model.js';
import { drawLines, renderPicture } from './picture.js';
import { renderTable } from './table.js';
import './cluster-map.css';

export interface ClusterMapOptions {
  /** The learner whose lab to show, for an instructor; absent for the learner's own. */
  learner?: string;
  /** localStorage key of this viewer's choices (namespace, picture or table). */
  prefsKey: string;
}

export interface ClusterMap {
  /** Opens the socket (if closed) and draws. */
  show(): void;
  /** Closes the socket: nothing is watched for a panel nobody sees. */
  hide(): void;
  focus(): void;
  readonly stats: { renders: number; renderMs: number[]; lastRenderAt: number; patches: number };
}

interface Prefs extends Filter {
  mode: 'picture' | 'table';
}

function loadPrefs(key: string): Prefs {
  const d: Prefs = { mode: 'picture', namespace: '', system: false };
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '{}') as Partial<Prefs>;
    return {
      mode: v.mode === 'table' ? 'table' : 'picture',
      namespace: typeof v.namespace === 'string' ? v.namespace : d.namespace,
      system: v.system === true,
    };
  } catch {
    return d;
  }
}

export function mountClusterMap(container: HTMLElement, o: ClusterMapOptions): ClusterMap {
  const prefs = loadPrefs(o.prefsKey);
  const save = () => {
    try {
      localStorage.setItem(o.prefsKey, JSON.stringify(prefs));
    } catch {
      /* not remembered */
    }
  };

  const live = h('span', { class: 'conn-state cm-live', 'data-kind': 'connecting', 'aria-live': 'polite' }, 'Connecting…');
  const ns = h('select', { class: 'cm-ns', 'aria-label': 'Namespace' }, h('option', { value: '' }, 'All namespaces'));
  const system = h('input', { type: 'checkbox', class: 'cm-system' });
  system.checked = prefs.system;
  const modeButtons = (['picture', 'table'] as const).map((m) => {
    const b = h('button', { type: 'button', class: 'btn btn-small', 'data-mode': m, 'aria-pressed': String(prefs.mode === m) }, m === 'picture' ? 'Picture' : 'Table');
    b.addEventListener('click', () => setMode(m));
    return b;
  });
  const bar = h(
    'div',
    { class: 'cm-bar' },
    h('span', { class: 'title' }, 'Cluster'),
    live,
    h('span', { class: 'spacer' }),
    h('label', { class: 'cm-field' }, h('span', { class: 'sr-only' }, 'Namespace'), ns),
    h('label', { class: 'cm-field cm-check' }, system, 'kube-system'),
    h('div', { class: 'cm-modes', role: 'group', 'aria-label': 'Show the cluster as' }, ...modeButtons),
  );
  const banner = h('div', { class: 'cm-banner', role: 'status' });
  banner.hidden = true;
  const picture = h('div', { class: 'cm-picture', tabindex: '0', 'aria-label': 'Picture of the cluster (the table view says the same in text)' });
  const tables = h('div', { class: 'cm-tables', tabindex: '0', 'aria-label': 'The cluster as tables' });
  const tickerList = h('ol', { class: 'cm-ticker-list' });
  const ticker = h('section', { class: 'cm-ticker', 'aria-label': 'Recent events' }, h('h3', {}, 'Recent events'), tickerList);
  container.classList.add('cluster-map');
  container.replaceChildren(bar, banner, picture, tables, ticker);

  const stats = { renders: 0, renderMs: [] as number[], lastRenderAt: 0, patches: 0 };
  let watch: WatchState = { state: 'waiting', detail: 'connecting' };
  let socket: SocketState = { kind: 'connecting' };
  let readOnly = false;
  const seen = new Set<string>();
  let firstDraw = true;

  const showState = () => {
    let text: string;
    let kind: string;
    let message = '';
    if (socket.kind === 'refused') {
      kind = 'bad';
      text = 'Not allowed';
      message = `This cluster cannot be shown: ${socket.reason}.`;
    } else if (socket.kind !== 'open') {
      kind = 'warn';
      text = socket.kind === 'connecting' ? 'Connecting…' : 'Reconnecting…';
    } else if (watch.state === 'live') {
      kind = 'ok';
      text = readOnly ? 'Live · read-only' : 'Live';
    } else if (watch.state === 'unreachable') {
      kind = 'bad';
      text = 'Lab unreachable';
      message = `Lab unreachable: the lab's API server is not answering (${watch.detail}). The picture shows what was last seen; it comes back by itself.`;
    } else {
      kind = 'warn';
      text = 'Waiting';
      message = `Waiting for the lab: ${watch.detail}.`;
    }
    live.textContent = text;
    // The terminal's indicator colours: open (green), connecting (amber), gave-up (red).
    live.dataset.kind = kind === 'ok' ? 'open' : kind === 'bad' ? 'gave-up' : 'connecting';
    banner.textContent = message;
    banner.dataset.state = kind;
    banner.hidden = !message;
    container.dataset.watch = socket.kind === 'open' ? watch.state : socket.kind;
  };

  const fillNamespaces = (names: string[]) => {
    const want = ['', ...names.filter((n) => prefs.system || !['kube-system', 'kube-public', 'kube-node-lease'].includes(n))];
    if (prefs.namespace && !want.includes(prefs.namespace)) want.push(prefs.namespace);
    const have = [...ns.options].map((x) => x.value);
    if (want.join('\n') !== have.join('\n')) ns.replaceChildren(...want.map((n) => h('option', { value: n }, n || 'All namespaces')));
    ns.value = prefs.namespace;
  };

  const draw = () => {
    const t0 = performance.now();
    const pic = pictureOf(conn.store, prefs);
    fillNamespaces(pic.namespaces);
    const showNs = !prefs.namespace;
    if (prefs.mode === 'picture') {
      renderPicture(picture, pic, conn.store, (id) => !firstDraw && !seen.has(id), showNs);
    } else renderTable(tables, pic, conn.store);
    for (const p of pic.pods) seen.add(p.id);
    firstDraw = false;
    tickerList.replaceChildren(
      ...pic.events.slice(0, 12).map((e) =>
        h(
          'li',
          { 'data-type': e.type },
          h('time', { datetime: e.time }, timeText(e.time)),
          ' ',
          h('span', { class: 'cm-ev-type' }, e.type),
          ' ',
          h('span', { class: 'cm-ev-obj' }, e.object),
          ' ',
          h('strong', {}, e.reason),
          ' ',
          e.message,
        ),
      ),
    );
    if (pic.events.length === 0) tickerList.append(h('li', { class: 'cm-empty' }, 'No events yet.'));
    const ms = performance.now() - t0;
    stats.renders++;
    stats.renderMs.push(ms);
    if (stats.renderMs.length > 500) stats.renderMs.shift();
    stats.lastRenderAt = Date.now();
    container.dataset.renders = String(stats.renders);
  };

  let scheduled = false;
  let lastDraw = 0;
  const schedule = () => {
    if (scheduled || !visible) return;
    scheduled = true;
    const wait = Math.max(0, lastDraw + clusterMapLimits.renderEveryMs - performance.now());
    window.setTimeout(
      () =>
        requestAnimationFrame(() => {
          scheduled = false;
          lastDraw = performance.now();
          draw();
        }),
      wait,
    );
  };

  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/cluster${o.learner ? `?learner=${encodeURIComponent(o.learner)}` : ''}`;
  const conn = new MapConnection(url, {
    changed: schedule,
    patched: () => stats.patches++,
    watch(s) {
      watch = s;
      showState();
    },
    socket(s) {
      socket = s;
      showState();
    },
    hello(f) {
      readOnly = f.readOnly;
      container.dataset.readonly = String(f.readOnly);
      showState();
    },
  });

  const setMode = (m: Prefs['mode']) => {
    prefs.mode = m;
    save();
    for (const b of modeButtons) b.setAttribute('aria-pressed', String(b.dataset.mode === m));
    picture.hidden = m !== 'picture';
    tables.hidden = m !== 'table';
    schedule();
  };
  ns.addEventListener('change', () => {
    prefs.namespace = ns.value;
    save();
    schedule();
  });
  system.addEventListener('change', () => {
    prefs.system = system.checked;
    save();
    schedule();
  });
  // Lines follow layout: a resized pane or a scrolled picture moves the chips.
  new ResizeObserver(() => visible && drawLines(picture)).observe(picture);

  let visible = false;
  setMode(prefs.mode);
  showState();
  const handle: ClusterMap = {
    stats,
    show() {
      visible = true;
      conn.connect();
      schedule();
    },
    hide() {
      visible = false;
      conn.close();
    },
    focus() {
      (prefs.mode === 'picture' ? picture : tables).focus({ preventScroll: true });
    },
  };
  return handle;
}
