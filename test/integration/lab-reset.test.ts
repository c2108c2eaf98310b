/**
 * Lab reset in place, on real kwok labs behind a real server: "Reset lab" restores the etcd
 * snapshot taken when the lab was created. The lab keeps its name and credentials, the learner's
 * shell stays attached, and kubectl in it sees the lab as it started: objects made since are gone,
 * objects of the start the learner deleted are back, a stopped scheduler runs, contexts the learner
 * added to their kubeconfig are gone. Two learners resetting at once each get their own lab back.
 * A snapshot that cannot be restored ends in a fresh lab, with the learner told why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { terminalClient, type TerminalClient } from '../helpers/terminal-client.js';
import { eventually } from '../helpers/lab.js';
import { sessionCookie } from '../../server/http/session.js';
import { terminalsFor } from '../../server/terminal.js';
import { kubectl, KwokProvider, packageRoot, type Lab } from '../../sandbox/index.js';
import type { LabStatus } from '../../server/labs.js';

let srv: TestServer;

interface Learner {
  userId: number;
  term: TerminalClient;
  lab: Lab;
  /** What the lab held right after it was created. */
  start: string[];
}

const kwok = () => srv.server.ctx.labs.provider as KwokProvider;
const status = (l: Learner) => srv.server.ctx.labs.statusOf(l.userId);
/** Every object of the kinds a learner changes, cluster-wide, by name. */
const objects = async (lab: Lab) =>
  (await kubectl(lab.kubeconfigs.admin, ['get', 'all,configmaps,secrets,serviceaccounts,namespaces,nodes,storageclasses,roles,rolebindings,clusterroles,clusterrolebindings', '-A', '-o', 'name']))
    .split('\n')
    .filter(Boolean)
    .sort();

async function learner(name: string): Promise<Learner> {
  const user = srv.server.ctx.store.users.create({ username: name, displayName: name, role: 'learner' });
  const { token } = srv.server.ctx.sessions.create(user);
  const term = terminalClient(srv.socket('/ws/terminal', { cookie: `${sessionCookie}=${token}` }), { cols: 160, rows: 30 });
  await term.waitForFrame('hello', 180_000);
  await term.waitFor(/learner@lab-[0-9a-f]+:~\$ $/m, { timeoutMs: 30_000 });
  const s = srv.server.ctx.labs.statusOf(user.id);
  if (s.state !== 'ready') throw new Error(`the lab of ${name} is ${s.state}`);
  return { userId: user.id, term, lab: s.lab, start: await objects(s.lab) };
}

/** Runs a command in the learner's terminal and waits for `expect` in what it prints. */
async function typed(l: Learner, command: string, expect: RegExp, timeoutMs = 60_000): Promise<string> {
  const since = l.term.plain.length;
  l.term.type(`${command}\r`);
  await l.term.waitFor(expect, { timeoutMs, since });
  return l.term.plain.slice(since);
}

/** Resets the learner's lab as "Reset lab" does, and returns every status their lab went through. */
async function resetSeeing(l: Learner): Promise<LabStatus[]> {
  const seen: LabStatus[] = [];
  const onStatus = (id: number, s: LabStatus) => id === l.userId && seen.push(s);
  srv.server.ctx.labs.on('status', onStatus);
  try {
    await terminalsFor(srv.server.ctx).resetLab(l.userId);
  } finally {
    srv.server.ctx.labs.off('status', onStatus);
  }
  return seen;
}

let a: Learner;
let b: Learner;

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', lessonsDir: join(packageRoot, 'lessons'), jail: true, poolSize: 0 });
  a = await learner('resetter-a');
  b = await learner('resetter-b');
}, 400_000);

afterAll(async () => {
  a?.term.close();
  b?.term.close();
  await srv?.stop();
});

describe('a lab reset in place', () => {
  it('puts the lab back exactly as it was created while the shell stays attached', async () => {
    expect(kwok().canRestore(a.lab)).toBe(true);
    await typed(a, 'kubectl create namespace made-later && kubectl create configmap made-later --from-literal=k=v && echo MADE', /^MADE$/m);
    await kubectl(a.lab.kubeconfigs.admin, ['delete', 'storageclass', '--all']);
    await kwok().setComponent(a.lab, 'kube-scheduler', false);
    await typed(a, 'kubectl config set-context elsewhere --cluster=nowhere --user=nobody && kubectl config use-context elsewhere && echo SWITCHED', /^SWITCHED$/m);
    expect(await objects(a.lab)).not.toEqual(a.start);

    const seen = await resetSeeing(a);

    // The same lab, never absent: restoring, then ready.
    expect(seen.map((s) => (s.state === 'ready' ? `${s.lab.name}${s.restoring ? ' restoring' : ''}` : s.state))).toEqual([`${a.lab.name} restoring`, a.lab.name]);
    expect(await objects(a.lab)).toEqual(a.start);
    expect(kwok().componentRunning(a.lab, 'kube-scheduler')).toBe(true);
    expect(kwok().componentRunning(a.lab, 'kube-controller-manager')).toBe(true);
    // The shell is the one from before: no exit, the socket open, and its kubeconfig is the lab's again.
    expect(a.term.frames.some((f) => f.type === 'exit')).toBe(false);
    expect(a.term.closed).toBeUndefined();
    const out = await typed(a, 'kubectl config get-contexts -o name; kubectl get configmap made-later; kubectl get storageclass -o name; echo DONE', /^DONE$/m);
    expect(out).not.toMatch(/elsewhere/);
    expect(out).toMatch(/configmaps "made-later" not found/);
    expect(out).toMatch(/^storageclass\.storage\.k8s\.io\/\S+/m);
    // The page was told both steps, in words the learner reads.
    const labFrames = a.term.frames.filter((f) => f.type === 'lab').map((f) => (f as Extract<typeof f, { type: 'lab' }>).status);
    expect(labFrames.some((s) => s.state === 'ready' && s.restoring)).toBe(true);
    expect(labFrames.at(-1)).toMatchObject({ state: 'ready', lab: { name: a.lab.name } });
    expect(labFrames.at(-1)).not.toHaveProperty('restoring');
  });

  it('schedules and runs workloads again after the restore', async () => {
    await typed(a, 'kubectl create deployment after-reset --image=nginx:1.27 --replicas=2 && kubectl rollout status deployment/after-reset --timeout=90s && echo ROLLED', /^ROLLED$/m, 120_000);
  });

  it('two learners resetting at once each get their own lab back, and only theirs', async () => {
    await typed(a, 'kubectl create configmap of-a --from-literal=k=a && echo A-MADE', /^A-MADE$/m);
    await typed(b, 'kubectl create configmap of-b --from-literal=k=b && echo B-MADE', /^B-MADE$/m);
    const terminals = terminalsFor(srv.server.ctx);
    await Promise.all([terminals.resetLab(a.userId), terminals.resetLab(b.userId)]);
    for (const l of [a, b]) {
      expect(status(l)).toMatchObject({ state: 'ready', lab: { name: l.lab.name } });
      expect(await objects(l.lab)).toEqual(l.start);
      expect(l.term.frames.some((f) => f.type === 'exit')).toBe(false);
    }
    expect(a.lab.name).not.toBe(b.lab.name);
    // Each shell still talks to its own lab.
    const out = await typed(b, 'kubectl create configmap b-after --from-literal=k=b >/dev/null && kubectl get configmaps -o name; echo B-DONE', /^B-DONE$/m);
    expect(out).toMatch(/configmap\/b-after/);
    expect(await kubectl(a.lab.kubeconfigs.admin, ['get', 'configmaps', '-o', 'name'])).not.toMatch(/b-after/);
  });

  it('a snapshot that cannot be restored ends in a fresh lab, and the learner is told why', async () => {
    const old = b.lab;
    writeFileSync(join(kwok().clusterDir(old.name), 'kubelab', 'baseline.db'), 'not an etcd snapshot');
    const seen = await resetSeeing(b);
    const gone = seen.find((s) => s.state === 'none');
    expect(gone && gone.state === 'none' && gone.reason).toMatch(/^Your lab could not be restored to its starting state \(etcdutl could not restore the snapshot of lab-[0-9a-f]+: .+\), so it is being replaced by a fresh one\.$/);
    const now = status(b);
    expect(now.state).toBe('ready');
    if (now.state !== 'ready') return;
    expect(now.lab.name).not.toBe(old.name);
    expect(existsSync(kwok().clusterDir(old.name))).toBe(false);
    expect(await objects(now.lab)).toEqual(b.start.map((o) => o.replace(old.name, now.lab.name)));
    // The old shell ended with the reason (its lab is gone); the page reconnects to a new one.
    const exit = b.term.frames.find((f) => f.type === 'exit') as { message?: string } | undefined;
    expect(exit?.message).toMatch(/could not be restored/);
    await eventually(async () => terminalsFor(srv.server.ctx).shellOf(b.userId) === undefined || terminalsFor(srv.server.ctx).shellOf(b.userId)!.labName === now.lab.name, { timeoutMs: 30_000 });
  });
});
