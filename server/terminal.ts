/**
 * Learner terminals: the WebSocket /ws/terminal and the one shell per learner behind it.
 *
 * A socket is only ever attached to the shell of the learner its session belongs to (looked up by
 * session.user.id; a client never names whose terminal it wants). The shell is created when the
 * learner's lab is ready, outlives its socket (reload, dropped connection), and is ended after
 * config.terminalIdleMinutes without input and without a socket. Frames are validated by
 * terminal/frames.ts; a bad or oversized frame closes that socket only.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { AppContext, Job, SocketRoute } from './context.js';
import type { LabStatus } from './labs.js';
import { labStatusView } from './labs/status.js';
import { createJailsRoot, jailAvailable, jailHostUid, openShell } from '../sandbox/index.js';
import { messageOf } from './errors.js';
import { closeCodes, terminalLimits, type ClientFrame, type ServerFrame } from '../shared/terminal-protocol.js';
import { clampSize, parseClientFrame } from './terminal/frames.js';
import { ShellProcess, type ShellExit } from './terminal/shell-process.js';

/** Closes a socket with a code and a reason (WebSocket reasons are limited to 123 bytes). */
function closeSocket(ws: WebSocket, code: number, reason: string): void {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, r);
}

function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

interface Viewer {
  ws: WebSocket;
  hello: { terminal?: string; seq?: number; cols: number; rows: number };
}

export class TerminalManager {
  private readonly shells = new Map<number, ShellProcess>();
  private readonly starting = new Map<number, Promise<ShellProcess | undefined>>();
  /** The one socket per learner that shows their terminal. */
  private readonly viewers = new Map<number, Viewer>();
  private readonly lastTouch = new Map<number, number>();
  private readonly resetting = new Set<number>();
  private jailsRoot?: string;
  private stopped = false;

  constructor(private readonly ctx: AppContext) {
    ctx.labs.on('status', this.onLabStatus);
  }

  /** The WebSocket route: Origin and session were checked by the upgrade path already. */
  route(): SocketRoute {
    return {
      path: '/ws/terminal',
      maxPayload: terminalLimits.maxClientFrameBytes,
      handle: (ws, _req, session) => this.accept(ws, session.user.id),
      close: () => this.stop(),
    };
  }

  shellOf(userId: number): ShellProcess | undefined {
    return this.shells.get(userId);
  }

  private runDirOf(userId: number): string {
    this.jailsRoot ??= createJailsRoot();
    return join(this.jailsRoot, `u${userId}`);
  }

  get count(): number {
    return this.shells.size;
  }

  private accept(ws: WebSocket, userId: number): void {
    if (this.stopped) return closeSocket(ws, closeCodes.goingAway, 'the server is stopping');
    const log = this.ctx.log.child({ userId });
    let greeted = false;
    const helloTimer = setTimeout(() => closeSocket(ws, closeCodes.helloTimeout, 'no hello received'), terminalLimits.helloTimeoutMs);
    ws.on('message', (raw, isBinary) => {
      const parsed = parseClientFrame(raw, isBinary);
      if (!parsed.ok) {
        log.info('terminal frame refused', { reason: parsed.reason });
        return closeSocket(ws, closeCodes.badFrame, parsed.reason);
      }
      const frame = parsed.frame;
      if (!greeted) {
        if (frame.type !== 'hello') return closeSocket(ws, closeCodes.badFrame, 'the first frame must be hello');
        greeted = true;
        clearTimeout(helloTimer);
        return void this.hello(ws, userId, frame).catch((err) => log.warn('terminal attach failed', { err }));
      }
      this.frame(ws, userId, frame);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (this.viewers.get(userId)?.ws === ws) this.viewers.delete(userId);
      this.shells.get(userId)?.detach(ws);
    });
    ws.on('error', (err) => log.debug('terminal socket error', { err }));
  }

  private frame(ws: WebSocket, userId: number, frame: ClientFrame): void {
    if (frame.type === 'ping') return sendFrame(ws, { type: 'pong', t: frame.t });
    const shell = this.shells.get(userId);
    if (frame.type === 'restart') {
      if (this.viewers.get(userId)?.ws !== ws) return;
      // Ending the shell ends its whole jail (a pid namespace): every process in it goes, stragglers included.
      if (shell) void shell.end('restart', 'The shell was restarted.');
      else void this.start(userId);
      return;
    }
    if (!shell?.isAttached(ws)) return; // a replaced socket, or no shell yet: input goes nowhere
    switch (frame.type) {
      case 'data':
        shell.input(frame.data);
        this.touchLab(userId);
        break;
      case 'resize': {
        const { cols, rows } = clampSize(frame.cols, frame.rows);
        shell.resize(cols, rows);
        const v = this.viewers.get(userId);
        if (v) Object.assign(v.hello, { cols, rows });
        break;
      }
      case 'ack':
        shell.ack(frame.seq);
        break;
      case 'hello':
        closeSocket(ws, closeCodes.badFrame, 'hello was already sent');
        break;
    }
  }

  private async hello(ws: WebSocket, userId: number, frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const previous = this.viewers.get(userId);
    if (previous && previous.ws !== ws) closeSocket(previous.ws, closeCodes.replaced, 'your terminal was opened in another tab');
    const size = clampSize(frame.cols, frame.rows);
    this.viewers.set(userId, { ws, hello: { terminal: frame.terminal, seq: frame.seq, ...size } });
    sendFrame(ws, { type: 'lab', status: labStatusView(this.ctx.labs.statusOf(userId)) });
    if (this.shells.has(userId)) this.attachViewer(userId);
    else await this.start(userId); // attaches the viewer once the shell runs
  }

  /** Attaches the learner's current socket to their shell, if both exist. */
  private attachViewer(userId: number): void {
    const v = this.viewers.get(userId);
    const shell = this.shells.get(userId);
    if (!v || !shell || shell.isAttached(v.ws) || v.ws.readyState !== WebSocket.OPEN) return;
    shell.resize(v.hello.cols, v.hello.rows);
    shell.attach(v.ws, v.hello, this.ctx.config.jail);
  }

  /** Starts the learner's shell once their lab is ready (creating the lab if they have none). */
  private start(userId: number): Promise<ShellProcess | undefined> {
    const inFlight = this.starting.get(userId);
    if (inFlight) return inFlight;
    // Registered before spawn runs: a lab that turns ready synchronously must find this start in flight.
    const p = Promise.resolve()
      .then(() => this.spawn(userId))
      .finally(() => this.starting.delete(userId));
    this.starting.set(userId, p);
    return p;
  }

  private async spawn(userId: number): Promise<ShellProcess | undefined> {
    if (this.resetting.has(userId)) return undefined; // resetLab starts the shell when the new lab is ready
    const log = this.ctx.log.child({ userId });
    const fail = (message: string, hint?: string) => {
      const v = this.viewers.get(userId);
      if (v) sendFrame(v.ws, { type: 'error', message, hint });
      return undefined;
    };
    if (this.ctx.config.jail) {
      const avail = await jailAvailable();
      if (!avail.ok) {
        log.error('learner shells cannot be jailed', { reason: avail.reason });
        return fail(`Your terminal cannot start: ${avail.reason ?? 'the jail is not available'}`, 'An administrator must install bubblewrap and socat (kubelab setup).');
      }
    }
    let lab;
    try {
      lab = await this.ctx.labs.labFor(userId);
    } catch (err) {
      return fail(`Your lab could not be created: ${messageOf(err)}`, 'Press "Try again". If it fails again, tell the person who runs this server.');
    }
    if (this.stopped) {
      // Stopped while the lab was awaited: the socket goes too, so its browser reconnects to the next server.
      const v = this.viewers.get(userId);
      if (v) closeSocket(v.ws, closeCodes.goingAway, 'the server is stopping');
      return undefined;
    }
    const existing = this.shells.get(userId);
    if (existing) return existing;
    const v = this.viewers.get(userId);
    const size = v ? { cols: v.hello.cols, rows: v.hello.rows } : { cols: 80, rows: 24 };
    try {
      const shell = await openShell({
        jailed: this.ctx.config.jail,
        runDir: this.runDirOf(userId),
        kubeconfig: lab.kubeconfigs.learner,
        apiServer: lab.server,
        hostname: lab.name,
        hostUid: jailHostUid(userId),
      });
      const proc = new ShellProcess(shell, lab.name, size, log, (exit) => this.exited(userId, proc, exit));
      this.shells.set(userId, proc);
      this.ctx.labs.kubeconfigs.set(userId, lab.name, shell.liveKubeconfig);
      this.ctx.labs.homes.set(userId, shell.jailed ? { lab: lab.name, pid: proc.pid, uid: jailHostUid(userId) } : { lab: lab.name, path: join(this.runDirOf(userId), 'home') });
      log.info('terminal started', { lab: lab.name, jailed: shell.jailed, pid: proc.pid });
      this.attachViewer(userId);
      return proc;
    } catch (err) {
      log.error('terminal could not start', { err });
      return fail(`Your terminal could not start: ${messageOf(err)}`, 'Reload the page to try again.');
    }
  }

  private exited(userId: number, proc: ShellProcess, exit: ShellExit): void {
    if (this.shells.get(userId) === proc) {
      this.shells.delete(userId);
      this.ctx.labs.homes.forget(userId);
    }
    this.ctx.log.info('terminal ended', { userId, reason: exit.reason, code: exit.code });
    const v = this.viewers.get(userId);
    if (v && proc.isAttached(v.ws)) {
      sendFrame(v.ws, { type: 'exit', code: exit.code, reason: exit.reason, message: exit.message });
      closeSocket(v.ws, closeCodes.ended, exit.message);
    }
  }

  private readonly onLabStatus = (userId: number, status: LabStatus) => {
    const v = this.viewers.get(userId);
    if (v) sendFrame(v.ws, { type: 'lab', status: labStatusView(status) });
    // The lab changed under the shell (a reset from a workshop or an exam, a failure): the shell's
    // kubeconfig names a lab that is gone, so the shell goes too, and a new one follows the new lab.
    const shell = this.shells.get(userId);
    if (shell && !(status.state === 'ready' && status.lab.name === shell.labName)) {
      // A lab deleted or reaped: the shell ends with why, and the page shows there is no lab.
      if (status.state === 'none' && status.reason) void shell.end('exited', status.reason);
      else void shell.end('reset', status.state === 'lost' ? `Your lab was lost: ${status.reason}` : 'Your lab is being replaced.');
    }
    if (status.state === 'ready' && v && !this.shells.has(userId)) void this.start(userId);
  };

  /** Keeps the learner's lab from being reaped while they type (at most once a minute); a parked lab wakes at the first key. */
  private touchLab(userId: number): void {
    const now = Date.now();
    const status = this.ctx.labs.statusOf(userId);
    if (status.state !== 'ready') return;
    if (status.parked !== 'parked' && now - (this.lastTouch.get(userId) ?? 0) < 60_000) return;
    this.lastTouch.set(userId, now);
    void this.ctx.labs.labFor(userId).catch(() => undefined);
  }

  /** Ends a learner's shell (before their lab is reset or deleted). */
  async endFor(userId: number, reason: ShellExit['reason'], message: string): Promise<void> {
    await this.shells.get(userId)?.end(reason, message);
  }

  /**
   * Resets the learner's lab. Where the lab can be restored in place (labs.ts reset), the shell
   * stays: kubectl waits out the few seconds of the restore, and the shell's kubeconfig goes back
   * to the lab's own (contexts the learner made are gone with the objects). Otherwise the shell
   * ends, the lab is deleted and a fresh one created, and a new shell starts for the open
   * terminal. Progress reaches the page as lab frames.
   */
  async resetLab(userId: number): Promise<void> {
    if (this.resetting.has(userId)) return;
    this.resetting.add(userId);
    let restored = false;
    try {
      if (!this.ctx.labs.restorable(userId)) {
        // The old lab's kubeconfig (and any context the learner set) goes with the lab (the lab
        // manager forgets it); the next shell writes a fresh one for the new lab.
        await this.endFor(userId, 'reset', 'Your lab is being reset.');
        const v = this.viewers.get(userId);
        if (v) sendFrame(v.ws, { type: 'lab', status: { state: 'creating', step: 'deleting the old lab', done: 0, total: 1 } });
      }
      const result = await this.ctx.labs.reset(userId);
      restored = result.restored;
      const shell = this.shells.get(userId);
      if (restored && shell?.labName === result.lab.name) await shell.shell.resetKubeconfig();
      // No shell now: the next one must not keep the kubeconfig the learner edited before the reset.
      else if (restored) rmSync(join(this.runDirOf(userId), 'lab'), { force: true });
    } finally {
      this.resetting.delete(userId);
    }
    // A new lab needs a new shell; after a restore in place the shell stays, but a terminal that
    // connected with no shell during the reset (spawn waits for it) gets one now.
    if (!this.viewers.has(userId) || this.shells.has(userId)) return;
    await this.starting.get(userId)?.catch(() => undefined); // a start that found the reset under way ends with no shell
    if (this.viewers.has(userId) && !this.shells.has(userId)) await this.start(userId);
  }

  isResetting(userId: number): boolean {
    return this.resetting.has(userId);
  }

  /** Ends shells with no socket and no input for config.terminalIdleMinutes. */
  async reapIdle(now = Date.now()): Promise<number> {
    const limit = this.ctx.config.terminalIdleMinutes * 60_000;
    let n = 0;
    for (const [userId, shell] of this.shells) {
      if (!shell.attached && now - shell.lastActivity > limit) {
        n++;
        await shell.end('idle', `The shell was closed after ${this.ctx.config.terminalIdleMinutes} minutes without use.`);
        this.ctx.log.info('idle terminal reaped', { userId });
      }
    }
    return n;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ctx.labs.off('status', this.onLabStatus);
    for (const v of this.viewers.values()) closeSocket(v.ws, closeCodes.goingAway, 'the server is stopping');
    await Promise.all([...this.shells.values()].map((s) => s.end('exited', 'The server stopped.')));
    if (this.jailsRoot) rmSync(this.jailsRoot, { recursive: true, force: true });
  }
}

const managers = new WeakMap<AppContext, TerminalManager>();

/** The terminal manager of a running app (one per AppContext). */
export function terminalsFor(ctx: AppContext): TerminalManager {
  let m = managers.get(ctx);
  if (!m) {
    m = new TerminalManager(ctx);
    managers.set(ctx, m);
  }
  return m;
}

export function terminalRoute(ctx: AppContext): SocketRoute {
  return terminalsFor(ctx).route();
}

/** Background job: shells with no socket and no input for config.terminalIdleMinutes end. */
export function terminalReaperJob(ctx: AppContext): Job {
  return { name: 'idle terminal reaper', everyMs: 30_000, run: () => terminalsFor(ctx).reapIdle() };
}
