/**
 * The browser's side of /ws/terminal: hello with what it already has, output handed to xterm.js
 * and acknowledged once rendered (flow control, see shared/terminal-protocol.ts), keystrokes sent
 * in bounded pieces, and reconnection with backoff when the socket drops.
 */
import {
  closeCodes,
  flowControl,
  reconnect,
  terminalLimits,
  type ClientFrame,
  type LabStatusView,
  type ServerFrame,
} from '../../shared/terminal-protocol.js';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting'; inMs: number }
  | { kind: 'ended'; reason: string; message: string }
  | { kind: 'replaced' }
  | { kind: 'gave-up' };

export interface ConnectionEvents {
  /** A new shell (or one whose earlier output was lost): the screen should be cleared first. */
  hello(frame: Extract<ServerFrame, { type: 'hello' }>, fresh: boolean): void;
  /** Output to render; call `rendered` once it is on screen. */
  output(data: Uint8Array, rendered: () => void): void;
  lab(status: LabStatusView): void;
  error(message: string, hint?: string): void;
  state(state: ConnectionState): void;
}

export class TerminalConnection {
  private ws?: WebSocket;
  private terminalId?: string;
  /** Bytes of output received from the current shell (its sequence number). */
  private received = 0;
  /** Bytes rendered by xterm.js, and the last count acknowledged. */
  private rendered = 0;
  private acked = 0;
  private attempt = 0;
  private failingSince?: number;
  private retryTimer?: number;
  private pingTimer?: number;
  private pongDeadline?: number;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly size: () => { cols: number; rows: number },
    private readonly on: ConnectionEvents,
  ) {}

  connect(): void {
    window.clearTimeout(this.retryTimer);
    this.stopped = false;
    this.on.state({ kind: 'connecting' });
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      const { cols, rows } = this.size();
      this.sendFrame({ type: 'hello', terminal: this.terminalId, seq: this.terminalId ? this.received : undefined, cols, rows });
      this.startPings();
    };
    ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      if (typeof ev.data !== 'string') return this.output(new Uint8Array(ev.data));
      let frame: ServerFrame;
      try {
        frame = JSON.parse(ev.data) as ServerFrame;
      } catch {
        return;
      }
      this.frame(frame);
    };
    ws.onclose = (ev) => this.closed(ws, ev.code, ev.reason);
  }

  private frame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello': {
        const fresh = frame.terminal !== this.terminalId || frame.truncated;
        this.terminalId = frame.terminal;
        this.received = frame.from;
        this.rendered = frame.from;
        this.acked = frame.from;
        this.attempt = 0;
        this.failingSince = undefined;
        this.on.hello(frame, fresh);
        this.on.state({ kind: 'open' });
        break;
      }
      case 'lab':
        this.on.lab(frame.status);
        break;
      case 'pong':
        this.pongDeadline = undefined;
        break;
      case 'exit':
        this.lastExit = frame;
        break;
      case 'error':
        this.on.error(frame.message, frame.hint);
        break;
    }
  }

  private lastExit?: Extract<ServerFrame, { type: 'exit' }>;

  private output(data: Uint8Array): void {
    this.received += data.length;
    const terminal = this.terminalId;
    this.on.output(data, () => {
      if (terminal !== this.terminalId) return;
      this.rendered += data.length;
      // Acknowledge every ackEveryBytes rendered: the server resumes a paused shell on these.
      if (this.rendered - this.acked >= flowControl.ackEveryBytes) {
        this.acked = this.rendered;
        this.sendFrame({ type: 'ack', seq: this.rendered });
      }
    });
  }

  private closed(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.stopPings();
    this.ws = undefined;
    if (this.stopped) return;
    if (code === closeCodes.replaced) return this.on.state({ kind: 'replaced' });
    if (code === closeCodes.ended) {
      const exit = this.lastExit;
      this.lastExit = undefined;
      this.terminalId = undefined;
      // A restarted shell or a reset lab brings a new shell by itself; any other end waits for the learner.
      if (exit?.reason === 'reset' || exit?.reason === 'restart') return this.retry(0);
      return this.on.state({ kind: 'ended', reason: exit?.reason ?? 'exited', message: exit?.message ?? reason ?? 'The shell ended.' });
    }
    this.retry();
  }

  /** Reconnects with exponential backoff (250 ms doubling to 5 s), giving up after two minutes. */
  private retry(delay?: number): void {
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.failingSince > reconnect.giveUpAfterMs) return this.on.state({ kind: 'gave-up' });
    const inMs = delay ?? Math.min(reconnect.maxDelayMs, reconnect.firstDelayMs * 2 ** this.attempt++);
    this.on.state({ kind: 'reconnecting', inMs });
    this.retryTimer = window.setTimeout(() => this.connect(), inMs);
  }

  /** After an end or giving up: start over (a new shell if the old one is gone). */
  restart(): void {
    this.attempt = 0;
    this.failingSince = undefined;
    this.connect();
  }

  /** Ends the shell and everything running in it; a new one starts in the same lab. */
  restartShell(): void {
    if (this.ws?.readyState === WebSocket.OPEN && this.terminalId) this.sendFrame({ type: 'restart' });
    else this.restart();
  }

  /** Drops the socket as a network failure would (the shell stays; a reconnect follows). */
  drop(): void {
    this.ws?.close(4000, 'dropped by the page');
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.terminalId !== undefined;
  }

  /** Sends keystrokes or pasted text in pieces the server accepts. */
  input(data: string): void {
    for (let i = 0; i < data.length; i += terminalLimits.inputChunkChars) {
      this.sendFrame({ type: 'data', data: data.slice(i, i + terminalLimits.inputChunkChars) });
    }
  }

  resize(cols: number, rows: number): void {
    this.sendFrame({ type: 'resize', cols, rows });
  }

  private sendFrame(frame: ClientFrame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private startPings(): void {
    this.stopPings();
    this.pingTimer = window.setInterval(() => {
      if (this.pongDeadline !== undefined && Date.now() > this.pongDeadline) {
        // No pong for a whole interval: the connection is dead even if the browser has not noticed.
        this.ws?.close(4000, 'no pong');
        return;
      }
      this.pongDeadline ??= Date.now() + 20_000;
      this.sendFrame({ type: 'ping', t: Date.now() });
    }, 20_000);
  }

  private stopPings(): void {
    window.clearInterval(this.pingTimer);
    this.pongDeadline = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.stopPings();
    window.clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'page closed');
  }
}
