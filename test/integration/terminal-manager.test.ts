/**
 * The terminal manager with real shells (plain, unjailed) and a stand-in for the lab manager, so
 * its rules can be tested without clusters: one socket per learner, a shell that outlives its
 * socket, exit and restart, a lab that changes under the shell, idle reaping, and a learner who
 * only ever reaches their own shell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { TerminalManager } from '../../server/terminal.js';
import { createLogger } from '../../server/logger.js';
import { defaultConfig } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import type { LabStatus } from '../../server/labs.js';
import { LearnerKubeconfigs } from '../../server/labs/kubeconfigs.js';
import { LearnerHomes } from '../../server/labs/homes.js';
import type { Lab } from '../../sandbox/index.js';
import { terminalClient, type TerminalClient } from '../helpers/terminal-client.js';

let dir: string;
let wss: WebSocketServer;
let port: number;
let manager: TerminalManager;
const statuses = new Map<number, LabStatus>();

/** Stands in for LabManager: every learner's lab is "ready" at once, named by a counter. */
class FakeLabs extends EventEmitter {
  /** The registries the terminal keeps each shell's kubeconfig and home in (LabManager's own). */
  readonly kubeconfigs = new LearnerKubeconfigs();
  readonly homes = new LearnerHomes();
  statusOf(userId: number): LabStatus {
    return statuses.get(userId) ?? { state: 'none' };
  }
  async labFor(userId: number): Promise<Lab> {
    const s = statuses.get(userId);
    if (s?.state === 'ready') return s.lab;
    // A lab being created: wait for it, as LabManager's callers share one creation.
    if (s?.state === 'creating') {
      return new Promise((resolve) => {
        const on = (id: number, next: LabStatus) => {
          if (id === userId && next.state === 'ready') {
            this.off('status', on);
            resolve(next.lab);
          }
        };
        this.on('status', on);
      });
    }
    return this.makeReady(userId, `lab-${userId}a`);
  }
  makeReady(userId: number, name: string): Lab {
    const lab = { name, provider: 'kwok', kubeconfigs: { admin: '', learner: join(dir, 'kubeconfig'), grader: '' }, workers: ['w1', 'w2'], namespace: 'default', server: 'https://127.0.0.1:1', variables: {}, unsupported: {} } as Lab;
    this.set(userId, { state: 'ready', lab });
    return lab;
  }
  set(userId: number, s: LabStatus): void {
    statuses.set(userId, s);
    this.emit('status', userId, s);
  }
}
const labs = new FakeLabs();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubelab-tm-'));
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n');
  const ctx = {
    config: { ...defaultConfig(), jail: false, terminalIdleMinutes: 1 },
    log: createLogger({ level: 'error' }),
    labs,
  } as unknown as AppContext;
  manager = new TerminalManager(ctx);
  const route = manager.route();
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: route.maxPayload });
  // The user id comes from the URL here, standing in for the session the real upgrade path checks.
  wss.on('connection', (ws, req) => route.handle(ws, req, { id: 's', csrfToken: 't', user: { id: Number(new URL(req.url!, 'http://x').searchParams.get('as')) } } as never, new URL(req.url!, 'http://x')));
  await new Promise((r) => wss.once('listening', r));
  port = (wss.address() as AddressInfo).port;
});

afterAll(async () => {
  await manager.stop();
  await new Promise((r) => wss.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function open(as: number, hello: { terminal?: string; seq?: number } = {}): Promise<TerminalClient> {
  const c = terminalClient(new WebSocket(`ws://127.0.0.1:${port}/ws/terminal?as=${as}`), hello);
  await c.waitForFrame('hello');
  // A reconnect that missed nothing gets no output back; a new screen gets at least the prompt.
  if (hello.seq === undefined) await c.waitFor(/[$#] $/m);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('terminal manager', () => {
  it('gives each learner their own shell, and a second tab of the same learner takes over the first', async () => {
    const a1 = await open(1);
    const b = await open(2);
    expect(a1.hello!.terminal).not.toBe(b.hello!.terminal);
    a1.type('export WHO=a-$((1+1))\r');
    const a2 = await open(1, { terminal: b.hello!.terminal, seq: 0 });
    expect(a2.hello!.terminal).toBe(a1.hello!.terminal);
    expect((await a1.waitForClose()).code).toBe(4409);
    a2.type('echo "who=$WHO"\r');
    await a2.waitFor('who=a-2');
    a2.close();
    b.close();
  });

  it('keeps the shell when its socket goes, and ends it when the learner exits', async () => {
    const c1 = await open(3);
    c1.type('export KEPT=yes-$((2*3))\r');
    await sleep(200);
    c1.close();
    await sleep(200);
    expect(manager.shellOf(3)?.attached).toBe(false);
    const c2 = await open(3, { terminal: c1.hello!.terminal, seq: c1.seq });
    c2.type('echo "kept=$KEPT"; exit 3\r');
    await c2.waitFor('kept=yes-6');
    const exit = await c2.waitForFrame('exit');
    expect(exit).toMatchObject({ reason: 'exited', code: 3 });
    expect((await c2.waitForClose()).code).toBe(4410);
    expect(manager.shellOf(3)).toBeUndefined();
  });

  it('restarts a shell on request: a new shell, in the same lab', async () => {
    const c = await open(4);
    const before = c.hello!.terminal;
    c.send({ type: 'restart' });
    expect(await c.waitForFrame('exit')).toMatchObject({ reason: 'restart' });
    const again = await open(4);
    expect(again.hello!.terminal).not.toBe(before);
    expect(manager.shellOf(4)?.labName).toBe('lab-4a');
    again.close();
  });

  it('ends the shell when the lab changes under it, and starts one in the new lab', async () => {
    const c = await open(5);
    labs.set(5, { state: 'creating', step: 'control plane', done: 1, total: 5 });
    expect(await c.waitForFrame('exit')).toMatchObject({ reason: 'reset' });
    expect((await c.waitForClose()).code).toBe(4410);
    const again = terminalClient(new WebSocket(`ws://127.0.0.1:${port}/ws/terminal?as=5`));
    await again.waitForFrame('lab');
    labs.makeReady(5, 'lab-5b');
    await again.waitForFrame('hello');
    expect(manager.shellOf(5)?.labName).toBe('lab-5b');
    again.close();
  });

  it('reaps shells without a socket or input for terminalIdleMinutes, and only those', async () => {
    const idle = await open(6);
    const busy = await open(7);
    idle.close();
    await sleep(200);
    const later = Date.now() + 61_000;
    busy.type('echo still-here\r');
    await busy.waitFor('still-here');
    expect(await manager.reapIdle(later)).toBeGreaterThanOrEqual(1); // and any detached shells of the tests before
    expect(manager.shellOf(6)).toBeUndefined();
    expect(manager.shellOf(7)).toBeDefined();
    busy.close();
  });
});

describe('terminal manager and a lab restored in place', () => {
  it('gives a shell to a terminal that connected, with none, while the lab was being restored', async () => {
    let finish!: () => void;
    const restoring = new Promise<void>((r) => (finish = r));
    const lab = labs.makeReady(9, 'lab-9a');
    Object.assign(labs, {
      restorable: (userId: number) => userId === 9,
      reset: async (userId: number) => {
        labs.set(userId, { state: 'ready', lab, restoring: true });
        await restoring;
        labs.set(userId, { state: 'ready', lab });
        return { lab, restored: true };
      },
    });
    const resetting = manager.resetLab(9);
    const c = terminalClient(new WebSocket(`ws://127.0.0.1:${port}/ws/terminal?as=9`));
    await c.waitForFrame('lab');
    await sleep(200);
    expect(manager.shellOf(9)).toBeUndefined(); // no shell starts in a lab being restored
    finish();
    await resetting;
    await c.waitForFrame('hello');
    await c.waitFor(/[$#] $/m);
    expect(manager.shellOf(9)?.labName).toBe('lab-9a');
    c.close();
  });
});

describe('terminal manager stopping', () => {
  it('closes a socket whose lab was still awaited when it stopped, and refuses one that comes after, so browsers reconnect to the next server', async () => {
    // A lab manager whose lab is never ready until the test says so: the hello waits in labFor.
    let release!: (lab: Lab) => void;
    const pending = new Promise<Lab>((r) => (release = r));
    const slow = Object.assign(new FakeLabs(), { labFor: () => pending });
    const ctx = { config: { ...defaultConfig(), jail: false }, log: createLogger({ level: 'error' }), labs: slow } as unknown as AppContext;
    const stopping = new TerminalManager(ctx);
    const route = stopping.route();
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (ws, req) => route.handle(ws, req, { id: 's', csrfToken: 't', user: { id: 41 } } as never, new URL(req.url!, 'http://x')));
    await new Promise((r) => server.once('listening', r));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/terminal`;
    try {
      const waiting = terminalClient(new WebSocket(url));
      await new Promise((r) => waiting.ws.once('open', r));
      await sleep(200); // the hello is in, the lab awaited
      await stopping.stop();
      release(slow.makeReady(41, 'lab-41a'));
      expect((await waiting.waitForClose(5_000)).code).toBe(1001);
      expect(stopping.shellOf(41)).toBeUndefined();
      const late = terminalClient(new WebSocket(url));
      expect((await late.waitForClose(5_000)).code).toBe(1001);
      expect(late.frames.some((f) => f.type === 'hello')).toBe(false);
    } finally {
      for (const c of server.clients) c.terminate();
      await new Promise((r) => server.close(r));
    }
  });
});
