/**
 * A terminal client for tests and benchmarks that speaks the browser's protocol over a real
 * WebSocket: hello, typed input, acks after "rendering", and the screen text as it arrives.
 */
import { WebSocket, type RawData } from 'ws';
import { flowControl, type ClientFrame, type ServerFrame } from '../../shared/terminal-protocol.js';

export interface TerminalClient {
  ws: WebSocket;
  /** All output text received (escape sequences included). */
  readonly text: string;
  /** Output text with escape sequences removed. */
  readonly plain: string;
  frames: ServerFrame[];
  hello?: Extract<ServerFrame, { type: 'hello' }>;
  /** Bytes of output received: the seq to reconnect with. */
  seq: number;
  closed?: { code: number; reason: string };
  send(frame: ClientFrame): void;
  type(data: string): void;
  /** Resolves when the plain output (from `since` on) matches; rejects after the timeout. */
  waitFor(pattern: RegExp | string, opts?: { timeoutMs?: number; since?: number }): Promise<string>;
  waitForFrame<T extends ServerFrame['type']>(type: T, timeoutMs?: number): Promise<Extract<ServerFrame, { type: T }>>;
  waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  close(): void;
}

export const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>NOMc78]|\r/g, '');

export function terminalClient(ws: WebSocket, hello: { terminal?: string; seq?: number; cols?: number; rows?: number; ack?: boolean } = {}): TerminalClient {
  const decoder = new TextDecoder();
  let text = '';
  let plainCache = { length: -1, value: '' };
  let acked = 0;
  const listeners = new Set<() => void>();
  const notifyAll = () => listeners.forEach((l) => l());
  const c: TerminalClient = {
    ws,
    get text() {
      return text;
    },
    get plain() {
      if (plainCache.length !== text.length) plainCache = { length: text.length, value: stripAnsi(text) };
      return plainCache.value;
    },
    frames: [],
    seq: hello.seq ?? 0,
    send(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    },
    type(data) {
      c.send({ type: 'data', data });
    },
    waitFor(pattern, opts = {}) {
      const since = opts.since ?? 0;
      const test = () => {
        const p = c.plain.slice(since);
        return typeof pattern === 'string' ? p.includes(pattern) : pattern.test(p);
      };
      return waitUntil(test, () => c.plain.slice(since), opts.timeoutMs ?? 30_000, `output matching ${pattern}`);
    },
    waitForFrame(type, timeoutMs = 30_000) {
      const find = () => c.frames.find((f) => f.type === type);
      return waitUntil(() => !!find(), () => find() as never, timeoutMs, `a ${type} frame`);
    },
    waitForClose(timeoutMs = 30_000) {
      return waitUntil(() => !!c.closed, () => c.closed!, timeoutMs, 'the socket to close');
    },
    close() {
      ws.close();
    },
  };
  function waitUntil<T>(test: () => boolean, value: () => T, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      if (test()) return resolve(value());
      const timer = setTimeout(() => {
        done = true;
        clearTimeout(poll);
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}; output so far:\n${c.plain.slice(-2000)}\nframes: ${JSON.stringify(c.frames.slice(-5))}${c.closed ? `\nclosed: ${JSON.stringify(c.closed)}` : ''}`));
      }, timeoutMs);
      // Polled, not run per frame: a flood of frames would make checking the whole screen each time quadratic.
      let poll = setTimeout(function again() {
        const t0 = Date.now();
        check();
        if (!done) poll = setTimeout(again, Math.max(50, (Date.now() - t0) * 4));
      }, 50);
      let done = false;
      const check = () => {
        if (!done && test()) {
          done = true;
          clearTimeout(timer);
          clearTimeout(poll);
          listeners.delete(check);
          resolve(value());
        }
      };
      listeners.add(check);
    });
  }
  ws.on('open', () => c.send({ type: 'hello', terminal: hello.terminal, seq: hello.seq, cols: hello.cols ?? 100, rows: hello.rows ?? 30 }));
  ws.on('message', (raw: RawData, isBinary: boolean) => {
    const notify = () => (isBinary ? undefined : notifyAll());
    const buf = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    if (isBinary) {
      text += decoder.decode(buf, { stream: true });
      c.seq += buf.length;
      if (hello.ack !== false && c.seq - acked >= flowControl.ackEveryBytes) {
        acked = c.seq;
        c.send({ type: 'ack', seq: c.seq });
      }
    } else {
      const frame = JSON.parse(buf.toString('utf8')) as ServerFrame;
      c.frames.push(frame);
      if (frame.type === 'hello') {
        c.hello = frame;
        c.seq = frame.from;
        acked = frame.from;
      }
    }
    notify();
  });
  ws.on('close', (code, reason) => {
    c.closed = { code, reason: reason.toString() };
    notifyAll();
  });
  ws.on('error', () => notifyAll());
  return c;
}

let marks = 0;

/**
 * Runs a command in a terminal's shell, as typed, and returns what it printed. The end marker is
 * split in the typed line, so only the shell's echo of it (its output) matches.
 */
export async function runInTerminal(c: TerminalClient, command: string, timeoutMs = 60_000): Promise<string> {
  const tag = `DONE${++marks}X`;
  const since = c.plain.length;
  c.type(`${command}; echo "${tag.slice(0, 4)}""${tag.slice(4)}"\r`);
  const out = await c.waitFor(new RegExp(`^${tag}$`, 'm'), { since, timeoutMs });
  const body = out.slice(out.indexOf('\n') + 1);
  return body.slice(0, body.lastIndexOf(tag));
}
