/**
 * One learner's shell: a pty running the (jailed) shell, its output batched into frames, kept in a
 * replay buffer, and sent to at most one attached socket under watermark flow control. The shell
 * outlives the socket: a socket detaches, another attaches and gets what it missed.
 */
import { randomBytes } from 'node:crypto';
import pty, { type IPty } from 'node-pty';
import { WebSocket } from 'ws';
import type { LearnerShell } from '../../sandbox/index.js';
import type { Logger } from '../logger.js';
import { flowControl, terminalLimits, type ExitReason, type ServerFrame } from '../../shared/terminal-protocol.js';
import { ReplayBuffer } from './replay.js';

export interface ShellExit {
  code: number | null;
  reason: ExitReason;
  message: string;
}

export class ShellProcess {
  /** Names this shell: a browser that reconnects with another id gets a fresh screen. */
  readonly id = randomBytes(9).toString('base64url');
  readonly replay = new ReplayBuffer(terminalLimits.replayBytes);
  private readonly pty: IPty;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private batchTimer?: NodeJS.Timeout;
  private recheckTimer?: NodeJS.Timeout;
  private acked = 0;
  private lastFlush = 0;
  private paused = false;
  private socket?: WebSocket;
  private ending?: ShellExit;
  private exited = false;
  /** Read-only watchers (the learner's instructor): replay and live output; nothing they send reaches the pty. */
  private readonly watchers = new Set<WebSocket>();
  /** The pty's size, for watchers to draw the same screen. */
  private cols: number;
  private rows: number;
  /** When input last arrived or a socket last detached: what idleness is measured from. */
  lastActivity = Date.now();

  constructor(
    readonly shell: LearnerShell,
    /** The lab this shell's kubeconfig belongs to. */
    readonly labName: string,
    size: { cols: number; rows: number },
    private readonly log: Logger,
    private readonly onExit: (exit: ShellExit) => void,
  ) {
    const c = shell.command;
    this.cols = size.cols;
    this.rows = size.rows;
    this.pty = pty.spawn(c.file, c.args, { name: c.env.TERM ?? 'xterm-256color', cols: size.cols, rows: size.rows, cwd: c.cwd, env: c.env, encoding: null });
    // With encoding null node-pty hands over raw bytes; its typings still say string.
    this.pty.onData((d: string | Buffer) => this.output(typeof d === 'string' ? Buffer.from(d) : d));
    this.pty.onExit(({ exitCode }) => {
      this.finished = this.finish(exitCode);
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  get attached(): boolean {
    return this.socket !== undefined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Bytes sent (or kept for a socket to come) that the browser has not acknowledged yet. */
  get unacked(): number {
    return this.replay.end - this.acked;
  }

  private output(data: Buffer): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
    const now = performance.now();
    // The first output after a quiet moment (a keystroke's echo) goes out at once; output that keeps
    // coming (a build log, `yes`) is gathered for batchMs into fewer, larger frames.
    if (this.pendingBytes >= flowControl.batchMaxBytes || (!this.batchTimer && now - this.lastFlush >= flowControl.batchMs)) this.flush();
    else this.batchTimer ??= setTimeout(() => this.flush(), flowControl.batchMs);
  }

  private flush(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.pendingBytes === 0) return;
    this.lastFlush = performance.now();
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.replay.push(chunk);
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(chunk, { binary: true });
    for (const w of this.watchers) {
      // A watcher never slows the learner's shell: one that falls behind is closed (it may reconnect).
      if (w.bufferedAmount > flowControl.highWaterBytes) w.close(1013, 'the watcher fell behind');
      else if (w.readyState === WebSocket.OPEN) w.send(chunk, { binary: true });
    }
    this.updateFlow();
  }

  /** Pauses the pty above the high watermark, resumes it below the low one (see shared/terminal-protocol.ts). */
  private updateFlow(): void {
    if (this.exited) return;
    const buffered = this.socket?.bufferedAmount ?? 0;
    if (!this.paused && (this.unacked > flowControl.highWaterBytes || buffered > flowControl.highWaterBytes)) {
      this.paused = true;
      this.pty.pause();
    } else if (this.paused && this.unacked < flowControl.lowWaterBytes && buffered < flowControl.lowWaterBytes) {
      this.paused = false;
      this.pty.resume();
    }
    // The socket's buffer drains without an event: look again shortly while it is the reason for a pause.
    clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
    if (this.paused && buffered >= flowControl.lowWaterBytes) this.recheckTimer = setTimeout(() => this.updateFlow(), 20);
  }

  /**
   * Attaches a socket, replacing any other; sends hello and what the socket's browser missed.
   * Returns the socket it replaced, if any.
   */
  attach(ws: WebSocket, hello: { terminal?: string; seq?: number }, jailed: boolean): WebSocket | undefined {
    const previous = this.socket !== ws ? this.socket : undefined;
    this.flush();
    this.socket = ws;
    this.lastActivity = Date.now();
    const { from, chunks, truncated } = this.replay.since(hello.terminal === this.id ? hello.seq : undefined);
    this.send({ type: 'hello', terminal: this.id, from, seq: this.replay.end, truncated, jailed });
    for (const c of chunks) ws.send(c, { binary: true });
    // Everything before `from` the browser already has (or never will): only the replay is outstanding.
    this.acked = from;
    this.updateFlow();
    return previous;
  }

  /** Adds a read-only watcher: it gets the replay now and output as it comes; its input is never read here. */
  watch(ws: WebSocket): void {
    this.flush();
    const { chunks, truncated } = this.replay.since(undefined);
    ws.send(JSON.stringify({ type: 'hello', cols: this.cols, rows: this.rows, truncated }));
    for (const c of chunks) ws.send(c, { binary: true });
    this.watchers.add(ws);
  }

  unwatch(ws: WebSocket): void {
    this.watchers.delete(ws);
  }

  detach(ws: WebSocket): void {
    if (this.socket !== ws) return;
    this.socket = undefined;
    this.lastActivity = Date.now();
    clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
  }

  isAttached(ws: WebSocket): boolean {
    return this.socket === ws;
  }

  input(data: string): void {
    if (this.exited) return;
    this.lastActivity = Date.now();
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.exited) return;
    try {
      this.pty.resize(cols, rows);
      this.cols = cols;
      this.rows = rows;
      for (const w of this.watchers) if (w.readyState === WebSocket.OPEN) w.send(JSON.stringify({ type: 'resize', cols, rows }));
    } catch (err) {
      this.log.debug('resize of an ending shell', { err });
    }
  }

  ack(seq: number): void {
    // Acks only move forward and never past what was sent; anything else is ignored.
    if (seq <= this.acked || seq > this.replay.end) return;
    this.acked = seq;
    this.updateFlow();
  }

  send(frame: ServerFrame): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Ends the shell (idle, lab reset, server stop); the exit is reported with this reason. */
  end(reason: ExitReason, message: string): Promise<void> {
    if (this.exited) return this.finished ?? Promise.resolve();
    this.ending ??= { code: null, reason, message };
    // Resolves once the shell is wholly gone: its process, and then its jail and API gate (finish).
    const gone = new Promise<void>((resolve) => this.pty.onExit(() => resolve())).then(() => this.finished);
    if (this.paused) this.pty.resume(); // a paused pty would hold back its exit
    try {
      this.pty.kill('SIGHUP');
    } catch {
      /* already gone */
    }
    const hard = setTimeout(() => {
      try {
        process.kill(this.pty.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 2000);
    return gone.finally(() => clearTimeout(hard));
  }

  private finished?: Promise<void>;

  private async finish(code: number): Promise<void> {
    if (this.exited) return;
    this.flush();
    this.exited = true;
    clearTimeout(this.recheckTimer);
    const exit: ShellExit = this.ending ?? { code, reason: 'exited', message: `The shell ended (exit code ${code}).` };
    if (!this.ending) exit.code = code;
    await this.shell.close().catch((err) => this.log.warn('closing a shell failed', { err }));
    this.onExit(exit);
  }
}
