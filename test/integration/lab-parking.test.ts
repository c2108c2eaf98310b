/**
 * Parked labs, on a real kwok lab behind a real server: a lab unused for labParkMinutes stops
 * every process (no memory held) and keeps its objects; a component a lesson stopped stays stopped
 * after waking; the learner's shell stays attached, and their next keystroke wakes the lab so that
 * kubectl answers with the objects made before. A parked lab whose processes cannot start again is
 * reported lost, with what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { terminalClient, type TerminalClient } from '../helpers/terminal-client.js';
import { eventually } from '../helpers/lab.js';
import { sessionCookie } from '../../server/http/session.js';
import { kubectl, KwokProvider, packageRoot, type Lab } from '../../sandbox/index.js';
import type { LabStatus } from '../../server/labs.js';

let srv: TestServer;
let term: TerminalClient;
let userId: number;
let lab: Lab;

const later = () => Date.now() + (srv.config.labParkMinutes + 1) * 60_000;
const status = () => srv.server.ctx.labs.statusOf(userId);
const kwok = () => srv.server.ctx.labs.provider as KwokProvider;

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', lessonsDir: join(packageRoot, 'lessons'), jail: true });
  const user = srv.server.ctx.store.users.create({ username: 'parker', displayName: 'Parker', role: 'learner' });
  userId = user.id;
  const { token } = srv.server.ctx.sessions.create(user);
  term = terminalClient(srv.socket('/ws/terminal', { cookie: `${sessionCookie}=${token}` }), { cols: 120, rows: 30 });
  await term.waitForFrame('hello', 180_000);
  await term.waitFor(/learner@lab-[0-9a-f]+:~\$ $/m, { timeoutMs: 30_000 });
  const s = status();
  if (s.state !== 'ready') throw new Error(`the lab is ${s.state}`);
  lab = s.lab;
});

afterAll(async () => {
  term?.close();
  await srv?.stop();
});

describe('a lab unused for a while', () => {
  it('is not parked while in use', async () => {
    expect(await srv.server.ctx.labs.parkIdle()).toEqual([]);
    expect(kwok().processes(lab).length).toBeGreaterThanOrEqual(5);
  });

  it('is parked: no process left, its objects and a stopped scheduler kept; the shell stays', async () => {
    await kubectl(lab.kubeconfigs.admin, ['create', 'configmap', 'before-parking', '--from-literal=k=v']);
    await srv.server.ctx.labs.provider.setComponent(lab, 'kube-scheduler', false);
    const seen: LabStatus[] = [];
    const onStatus = (id: number, s: LabStatus) => id === userId && seen.push(s);
    srv.server.ctx.labs.on('status', onStatus);
    try {
      expect(await srv.server.ctx.labs.parkIdle(later())).toEqual([lab.name]);
    } finally {
      srv.server.ctx.labs.off('status', onStatus);
    }
    expect(kwok().processes(lab)).toEqual([]);
    expect((await kwok().usage(lab)).memoryBytes).toBe(0);
    expect(seen.map((s) => s.state === 'ready' && s.parked)).toEqual(['parked']);
    const lastLab = () => term.frames.filter((f) => f.type === 'lab').pop() as Extract<typeof term.frames[number], { type: 'lab' }> | undefined;
    await eventually(async () => lastLab()?.status.state === 'ready' && 'parked' in lastLab()!.status, { timeoutMs: 10_000 });
    expect(lastLab()?.status).toMatchObject({ state: 'ready', parked: 'parked', lab: { name: lab.name } });
    // Still the same shell: no exit frame, the socket open.
    expect(term.frames.some((f) => f.type === 'exit')).toBe(false);
    expect(term.closed).toBeUndefined();
    // Parking twice is a no-op.
    expect(await srv.server.ctx.labs.parkIdle(later())).toEqual([]);
  });

  it('wakes at the learner\'s next keystroke; kubectl then answers with what was there, and the scheduler is still stopped', async () => {
    const since = term.plain.length;
    term.type('kubectl get configmap before-parking -o name\r');
    await term.waitFor(/configmap\/before-parking/, { timeoutMs: 120_000, since });
    expect(await eventually(async () => status().state === 'ready' && !(status() as { parked?: string }).parked, { timeoutMs: 60_000 })).toBe(true);
    expect(kwok().componentRunning(lab, 'kube-scheduler')).toBe(false);
    expect(kwok().componentRunning(lab, 'kube-controller-manager')).toBe(true);
    expect(term.frames.some((f) => f.type === 'exit')).toBe(false);
    await srv.server.ctx.labs.provider.setComponent(lab, 'kube-scheduler', true);
  });

  it('runs Pods again at once after waking: the kwok controller holds the node leases, not the one from before parking', async () => {
    await srv.server.ctx.labs.parkIdle(later());
    await srv.server.ctx.labs.labFor(userId);
    // The node leases name the kwok controller started by the wake; the one of before held them for 200 s.
    const holders = (await kubectl(lab.kubeconfigs.admin, ['get', 'leases', '-n', 'kube-node-lease', '-o', 'jsonpath={.items[*].spec.holderIdentity}'])).split(' ');
    expect(new Set(holders).size).toBe(1);
    const since = term.plain.length;
    term.type('kubectl create deployment after-wake --image=nginx:1.27 --replicas=2 && kubectl rollout status deployment/after-wake --timeout=60s && echo ROLLED\r');
    await term.waitFor(/^ROLLED$/m, { timeoutMs: 90_000, since });
  });

  it('is reported lost, with what to do, when its processes cannot start again', async () => {
    expect(await srv.server.ctx.labs.parkIdle(later())).toEqual([lab.name]);
    // kwokctl's saved configuration is what starts the processes again.
    rmSync(join(kwok().clusterDir(lab.name), 'kwok.yaml'));
    await expect(srv.server.ctx.labs.labFor(userId)).rejects.toThrow(/could not be started again after it was parked/);
    const s = status();
    expect(s.state).toBe('lost');
    expect(s.state === 'lost' && s.reason).toMatch(/^It was parked while unused and could not be started again \(kwokctl start cluster failed for lab-[0-9a-f]+: stat \S+kwok\.yaml: no such file or directory\)$/);
  });
});
