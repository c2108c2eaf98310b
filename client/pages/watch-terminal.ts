/**
 * A learner's terminal, read-only, for their instructor: /ws/terminal-watch?user=N sends the
 * shell's replay and then its output as it comes; this xterm ignores the keyboard and the server
 * ignores anything the socket sends.
 */
import { Terminal } from '@xterm/xterm';

type WatchFrame =
  | { type: 'hello'; cols: number; rows: number; truncated: boolean }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'waiting'; message: string }
  | { type: 'ended'; message: string };

export class TerminalWatcher {
  private term?: Terminal;
  private ws?: WebSocket;

  constructor(private readonly container: HTMLElement, private readonly onStatus: (text: string) => void) {}

  open(userId: number): void {
    this.close();
    const term = new Terminal({ disableStdin: true, cursorBlink: false, convertEol: false, fontSize: 13, scrollback: 5000, cols: 80, rows: 24 });
    this.term = term;
    this.container.replaceChildren();
    term.open(this.container);
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/terminal-watch?user=${userId}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.onStatus('connecting…');
    ws.addEventListener('message', (ev: MessageEvent<ArrayBuffer | string>) => {
      if (typeof ev.data !== 'string') {
        term.write(new Uint8Array(ev.data));
        return;
      }
      let f: WatchFrame;
      try {
        f = JSON.parse(ev.data) as WatchFrame;
      } catch {
        return;
      }
      if (f.type === 'hello') {
        term.reset();
        term.resize(Math.max(20, Math.min(f.cols, 300)), Math.max(5, Math.min(f.rows, 120)));
        this.onStatus(f.truncated ? 'live (older output was dropped)' : 'live');
      } else if (f.type === 'resize') {
        term.resize(Math.max(20, Math.min(f.cols, 300)), Math.max(5, Math.min(f.rows, 120)));
      } else {
        this.onStatus(f.message);
      }
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws === ws) this.onStatus(ev.reason || 'disconnected');
    });
  }

  /** The screen as plain text (what the tests compare with the learner's). */
  screenText(): string {
    const buf = this.term?.buffer.active;
    if (!buf) return '';
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').trimEnd();
  }

  close(): void {
    this.ws?.close();
    this.ws = undefined;
    this.term?.dispose();
    this.term = undefined;
  }
}
