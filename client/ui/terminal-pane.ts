/**
 * The terminal pane around xterm.js: connection state, an overlay when the shell is not there
 * (lab being created, shell ended, opened in another tab, connection lost), and search.
 */
import type { ConnectionState } from '../terminal/connection.js';
import type { TerminalHandle } from '../terminal.js';
import type { LabStatusView } from '../../shared/terminal-protocol.js';
import { h } from './dom.js';
import { workshopEnded } from '../pages/notices.js';

export interface TerminalPane {
  state(s: ConnectionState): void;
  lab(s: LabStatusView): void;
  error(message: string, hint?: string): void;
}

export interface TerminalPaneOptions {
  /** What to do when the lab is lost, naming only a control this page has (the lesson page's "Create a new lab"; an exam has none). */
  lostLabHint?: string;
}

export function setupTerminalPane(pane: HTMLElement, terminal: () => TerminalHandle | undefined, options: TerminalPaneOptions = {}): TerminalPane {
  const lostLabHint = options.lostLabHint ?? 'Use "Create a new lab" at the top.';
  const conn = pane.querySelector<HTMLElement>('.conn-state')!;
  const overlay = pane.querySelector<HTMLElement>('.terminal-overlay')!;
  let lab: LabStatusView = { state: 'none' };
  let connection: ConnectionState = { kind: 'connecting' };
  let error: { message: string; hint?: string } | undefined;

  const setOverlay = (title: string, detail?: string, action?: { label: string; run: () => void } | { label: string; href: string }) => {
    const children: (Node | null)[] = [h('p', { class: 'overlay-title' }, title), detail ? h('p', { class: 'overlay-detail' }, detail) : null];
    if (action && 'href' in action) children.push(h('a', { class: 'btn btn-primary', href: action.href }, action.label));
    else if (action) {
      const b = h('button', { type: 'button', class: 'btn btn-primary' }, action.label);
      b.addEventListener('click', action.run);
      children.push(b);
    }
    overlay.replaceChildren(h('div', { class: 'overlay-card', role: 'status' }, ...children));
    overlay.hidden = false;
    if (action) (overlay.querySelector('button') as HTMLButtonElement | null)?.focus({ preventScroll: true });
  };

  const render = () => {
    const labels: Record<ConnectionState['kind'], string> = {
      connecting: 'Connecting…',
      open: 'Connected',
      reconnecting: 'Reconnecting…',
      ended: 'Shell ended',
      replaced: 'Open in another tab',
      'gave-up': 'Disconnected',
    };
    conn.textContent = labels[connection.kind];
    conn.dataset.kind = connection.kind;
    const restart = () => {
      error = undefined;
      terminal()?.restart();
    };
    if (error) return setOverlay(error.message, error.hint, { label: 'Try again', run: restart });
    switch (connection.kind) {
      case 'open':
        overlay.hidden = true;
        return;
      case 'ended':
        // The workshop ended: the lab is deleted and the session gone, so no new shell is offered.
        if (connection.reason === 'workshop-ended') return setOverlay(workshopEnded.title, `${workshopEnded.detail} ${workshopEnded.where}`, workshopEnded.link);
        // The lab went with the shell (reaped, deleted): say so, rather than promise a lab that is gone.
        if (lab.state === 'none' || lab.state === 'lost') return setOverlay(connection.message, 'A fresh lab is created when you start again; it takes a few seconds.', { label: 'Start a new lab', run: restart });
        return setOverlay(connection.message, 'Your lab is still there. A new shell starts in it.', { label: 'Start a new shell', run: restart });
      case 'replaced':
        return setOverlay('Your terminal is open in another tab.', 'Only one tab at a time shows it.', { label: 'Use it here', run: restart });
      case 'gave-up':
        return setOverlay('The connection to the server was lost.', 'Check that the server is running, then try again.', { label: 'Try again', run: restart });
      case 'reconnecting':
        if (overlay.hidden) return; // a short drop: keep the screen, the header says we are reconnecting
    }
    if (lab.state === 'creating') return setOverlay('Creating your lab…', `${lab.step} (${Math.min(lab.done + 1, lab.total)} of ${lab.total}). Your own cluster starts in a few seconds.`);
    if (lab.state === 'lost') return setOverlay('Your lab was lost.', `${lab.reason}. ${lostLabHint}`);
    setOverlay(connection.kind === 'reconnecting' ? 'Reconnecting…' : 'Starting your terminal…');
  };

  // Search in the scrollback: Ctrl+Shift+F or the toolbar field; Enter / Shift+Enter for next / previous.
  const form = pane.querySelector<HTMLFormElement>('.terminal-search');
  const input = form?.querySelector<HTMLInputElement>('input');
  if (form && input) {
    const find = (back: boolean) => {
      const t = terminal();
      if (!t || !input.value) return;
      const opts = { caseSensitive: false, decorations: { matchOverviewRuler: '#888', activeMatchColorOverviewRuler: '#f90', activeMatchBackground: '#f9c74f' } };
      if (back) t.search.findPrevious(input.value, opts);
      else t.search.findNext(input.value, opts);
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      find(false);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.shiftKey) {
        e.preventDefault();
        find(true);
      } else if (e.key === 'Escape') {
        input.value = '';
        terminal()?.search.clearDecorations();
        terminal()?.focus();
      }
    });
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.code === 'KeyF') {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  pane.querySelector<HTMLButtonElement>('#restart-shell')?.addEventListener('click', () => {
    error = undefined;
    terminal()?.restartShell();
  });

  render();
  return {
    state(s) {
      connection = s;
      if (s.kind === 'open') error = undefined;
      render();
    },
    lab(s) {
      lab = s;
      render();
    },
    error(message, hint) {
      error = { message, hint };
      render();
    },
  };
}
