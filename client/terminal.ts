/**
 * The learner's terminal: xterm.js in a page element, connected to /ws/terminal. Output is
 * written as bytes (never parsed as HTML); the element fits its pane and tells the shell its size.
 *
 *   const t = mountTerminal(document.getElementById('terminal-host')!, { onLab, onState });
 *   t.run('kubectl get nodes');
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import '@xterm/xterm/css/xterm.css';
import type { LabStatusView } from '../shared/terminal-protocol.js';
import { TerminalConnection, type ConnectionState } from './terminal/connection.js';
import { installClipboard } from './terminal/clipboard.js';
import { darkTheme, lightTheme } from './terminal/themes.js';

export interface TerminalOptions {
  onLab?(status: LabStatusView): void;
  onState?(state: ConnectionState): void;
  onError?(message: string, hint?: string): void;
}

export interface TerminalHandle {
  term: Terminal;
  search: SearchAddon;
  connection: TerminalConnection;
  /** Types a command into the shell and runs it. Returns false when the shell is not connected. */
  run(command: string): boolean;
  focus(): void;
  setDark(dark: boolean): void;
  /** Refits to the element (after a layout change). */
  fit(): void;
  restart(): void;
  /** Ends the shell and everything in it; a new shell starts in the same lab. */
  restartShell(): void;
}

export function mountTerminal(host: HTMLElement, opts: TerminalOptions = {}): TerminalHandle {
  const dark = document.documentElement.dataset.theme === 'dark';
  const term = new Terminal({
    allowProposedApi: true, // unicode11
    cursorBlink: true,
    fontFamily: "ui-monospace, 'Cascadia Mono', 'JetBrains Mono', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
    fontSize: 14,
    lineHeight: 1.15,
    scrollback: 5000,
    theme: dark ? darkTheme : lightTheme,
    screenReaderMode: false,
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fit);
  term.loadAddon(search);
  term.loadAddon(new WebLinksAddon());
  const unicode = new Unicode11Addon();
  term.loadAddon(unicode);
  term.unicode.activeVersion = '11';
  term.open(host);
  installClipboard(term);
  const safeFit = () => {
    if (host.clientWidth > 0 && host.clientHeight > 0) {
      try {
        fit.fit();
      } catch {
        /* not laid out yet */
      }
    }
  };
  safeFit();

  let lastWarning: string | undefined;
  let lastParked: string | undefined;
  let lastRestoring = false;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/terminal`;
  const connection = new TerminalConnection(url, () => ({ cols: term.cols, rows: term.rows }), {
    hello(_frame, fresh) {
      if (fresh) term.reset();
    },
    output(data, rendered) {
      term.write(data, rendered);
    },
    lab: (s) => {
      // A lab over one of the server's limits: said where the learner is typing, once per new warning.
      const warning = s.state === 'ready' ? s.warning : undefined;
      if (warning && warning !== lastWarning) term.write(`\r\n\x1b[1;33m[kubelab] ${warning}\x1b[0m\r\n`);
      lastWarning = warning;
      // A parked lab starting again: kubectl waits for it a few seconds, so say why.
      const parked = s.state === 'ready' ? s.parked : undefined;
      if (parked === 'waking' && lastParked !== 'waking') term.write('\r\n\x1b[2m[kubelab] Your lab was paused while unused; starting it again…\x1b[0m\r\n');
      if (!parked && lastParked === 'waking') term.write('\x1b[2m[kubelab] Your lab is back, as you left it.\x1b[0m\r\n');
      lastParked = parked;
      const restoring = s.state === 'ready' && !!s.restoring;
      if (restoring && !lastRestoring) term.write('\r\n\x1b[2m[kubelab] Resetting your lab to its starting state; kubectl waits a few seconds…\x1b[0m\r\n');
      if (!restoring && lastRestoring && s.state === 'ready') term.write('\x1b[2m[kubelab] Your lab is back at its starting state (objects and contexts you made are gone).\x1b[0m\r\n');
      lastRestoring = restoring;
      opts.onLab?.(s);
    },
    error: (m, h) => opts.onError?.(m, h),
    state: (s) => opts.onState?.(s),
  });
  term.onData((d) => connection.input(d));
  term.onResize(({ cols, rows }) => connection.resize(cols, rows));

  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(safeFit);
  });
  observer.observe(host);
  connection.connect();

  return {
    term,
    search,
    connection,
    run(command) {
      if (!connection.connected) return false;
      const text = command.replace(/\r?\n/g, '\r').replace(/\r*$/, '') + '\r';
      connection.input(text);
      term.scrollToBottom();
      return true;
    },
    focus: () => term.focus(),
    setDark: (d) => {
      term.options.theme = d ? darkTheme : lightTheme;
    },
    fit: safeFit,
    restart: () => connection.restart(),
    restartShell: () => connection.restartShell(),
  };
}
