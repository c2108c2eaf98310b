/**
 * Beside the lesson: the terminal, the Cluster panel, or both (terminal above, cluster below).
 * A switch in the bar at the top of that column chooses (buttons, so keyboard reachable;
 * Alt+Shift+C cycles too); the choice is remembered per learner in this browser. A lesson points at the panel with a link to
 * `#cluster-view` (see docs/lesson-format.md): following it shows the panel beside the terminal.
 */
import { h } from '../ui/dom.js';
import { mountClusterMap, type ClusterMap } from './panel.js';

export type SideView = 'terminal' | 'cluster' | 'both';
const views: SideView[] = ['terminal', 'cluster', 'both'];
const labels: Record<SideView, string> = { terminal: 'Terminal', cluster: 'Cluster', both: 'Both' };

export interface SideViewHandle {
  readonly view: SideView;
  set(view: SideView): void;
  readonly map: ClusterMap;
}

/** Wraps the terminal pane in a column with the Cluster panel under it; call before the terminal mounts. */
export function setupSideView(terminalPane: HTMLElement, learner: string, onLayout: () => void): SideViewHandle {
  const key = `kubelab-side-view:${learner}`;
  const side = h('div', { class: 'side-pane', id: 'side-pane' });
  terminalPane.replaceWith(side);
  const clusterPane = h('section', { class: 'cluster-pane', id: 'cluster', 'aria-label': 'Cluster', tabindex: '-1' });
  side.append(terminalPane, clusterPane);
  const map = mountClusterMap(clusterPane, { prefsKey: `kubelab-cluster:${learner}` });

  const buttons = views.map((v) => {
    const b = h('button', { type: 'button', class: 'btn btn-small', 'data-side': v, 'aria-pressed': 'false' }, labels[v]);
    b.addEventListener('click', () => set(v));
    return b;
  });
  const group = h('div', { class: 'side-switch', role: 'group', 'aria-label': 'Beside the lesson', title: 'Alt+Shift+C switches' }, ...buttons);
  // One switch, in whichever bar is on top of the column: the terminal's, or the cluster's when it is alone.
  const terminalBar = terminalPane.querySelector<HTMLElement>('.terminal-bar');
  const clusterBar = clusterPane.querySelector<HTMLElement>('.cm-bar');

  let current: SideView = 'terminal';
  const set = (v: SideView, save = true) => {
    current = v;
    side.dataset.view = v;
    terminalPane.hidden = v === 'cluster';
    clusterPane.hidden = v === 'terminal';
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.side === v));
    const host = v === 'cluster' ? clusterBar : terminalBar;
    if (host && group.parentElement !== host) {
      const hadFocus = group.contains(document.activeElement);
      terminalBar?.classList.toggle('has-switch', host === terminalBar);
      clusterBar?.classList.toggle('has-switch', host === clusterBar);
      host.prepend(group);
      if (hadFocus) group.querySelector<HTMLElement>('[aria-pressed="true"]')?.focus();
    }
    if (v === 'terminal') map.hide();
    else map.show();
    if (save) {
      try {
        localStorage.setItem(key, v);
      } catch {
        /* not remembered */
      }
    }
    onLayout();
  };
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(key);
  } catch {
    /* storage blocked */
  }
  set(views.includes(saved as SideView) ? (saved as SideView) : 'terminal', false);

  document.addEventListener('keydown', (e) => {
    if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyC') {
      e.preventDefault();
      set(views[(views.indexOf(current) + 1) % views.length]!);
    }
  });
  // Lesson links to #cluster-view open the panel, keeping the terminal in sight.
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a[href="#cluster-view"]');
    if (!a) return;
    e.preventDefault();
    if (current === 'terminal') set('both');
    clusterPane.scrollIntoView({ block: 'nearest' });
    map.focus();
  });

  return {
    get view() {
      return current;
    },
    set: (v) => set(v),
    map,
  };
}
