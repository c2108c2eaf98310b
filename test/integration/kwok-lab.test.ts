/**
 * The foundation on a real kwok lab: real etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler processes; worker nodes simulated by the kwok controller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { kubectl, type Lab } from '../../sandbox/index.js';
import { eventually, getJson, testLabs } from '../helpers/lab.js';
import { listeningAddresses } from '../helpers/listeners.js';
import { isRunning } from '../../sandbox/kwok/processes.js';

const labs = testLabs('found');
let lab: Lab;

beforeAll(async () => {
  lab = await labs.create(2);
});
afterAll(() => labs.cleanup());

const deployment = (name: string, replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: default }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: main, image: nginx:1.27 }] }
`;

describe('a kwok lab', () => {
  it('has worker nodes labelled kubelab.io/worker=1..N, all Ready', async () => {
    const nodes = await getJson(lab.kubeconfigs.grader, ['get', 'nodes']);
    const byLabel = Object.fromEntries(nodes.items.map((n: any) => [n.metadata.labels['kubelab.io/worker'], n.metadata.name]));
    expect(byLabel).toEqual({ '1': lab.workers[0], '2': lab.workers[1] });
    for (const n of nodes.items) expect(n.status.conditions.find((c: any) => c.type === 'Ready')?.status).toBe('True');
    expect(lab.variables.worker1).toBe(lab.workers[0]);
  });

  it('runs a 3-replica Deployment applied with the learner kubeconfig, pods placed on workers by the real scheduler', async () => {
    await kubectl(lab.kubeconfigs.learner, ['apply', '-f', '-'], { input: deployment('web', 3) });
    const ready = await eventually(async () => (await getJson(lab.kubeconfigs.grader, ['get', 'deployment', 'web'])).status.readyReplicas === 3);
    expect(ready).toBe(true);
    const pods = await getJson(lab.kubeconfigs.grader, ['get', 'pods', '-l', 'app=web']);
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items) {
      expect(lab.workers).toContain(p.spec.nodeName);
      // The scheduler, not the client, bound the pod: the binding shows in the PodScheduled condition.
      expect(p.status.conditions.find((c: any) => c.type === 'PodScheduled')?.status).toBe('True');
      expect(p.status.phase).toBe('Running');
    }
  });

  it('leaves a new pod Pending while kube-scheduler is stopped, and schedules it once it runs again', async () => {
    await labs.provider.setComponent(lab, 'kube-scheduler', false);
    expect(labs.provider.componentRunning(lab, 'kube-scheduler')).toBe(false);
    await kubectl(lab.kubeconfigs.learner, ['run', 'waiting', '--image=nginx:1.27', '--restart=Never']);
    await new Promise((r) => setTimeout(r, 5000));
    const pending = await getJson(lab.kubeconfigs.grader, ['get', 'pod', 'waiting']);
    expect(pending.status.phase).toBe('Pending');
    expect(pending.spec.nodeName).toBeUndefined();

    await labs.provider.setComponent(lab, 'kube-scheduler', true);
    const scheduled = await eventually(async () => (await getJson(lab.kubeconfigs.grader, ['get', 'pod', 'waiting'])).spec.nodeName);
    expect(lab.workers).toContain(scheduled);
  });

  it('gives each kubeconfig its own identity: learner is admin of the lab, grader reads and asks SubjectAccessReviews only', async () => {
    const who = async (kc: string) => (await kubectl(kc, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).trim();
    expect(await who(lab.kubeconfigs.learner)).toBe('kubelab:learner');
    expect(await who(lab.kubeconfigs.grader)).toBe('kubelab:grader');
    expect(await who(lab.kubeconfigs.admin)).not.toMatch(/^kubelab:/);

    // `kubectl auth can-i` exits 1 when the answer is no.
    const can = async (kc: string, ...args: string[]) => (await kubectl(kc, ['auth', 'can-i', ...args]).catch((e: Error) => (/: no$/.test(e.message) ? 'no' : e.message))).trim();
    expect(await can(lab.kubeconfigs.learner, 'create', 'clusterrolebindings')).toBe('yes');
    expect(await can(lab.kubeconfigs.grader, 'list', 'secrets', '-A')).toBe('yes');
    expect(await can(lab.kubeconfigs.grader, 'create', 'subjectaccessreviews')).toBe('yes');
    for (const verb of ['create', 'delete', 'patch', 'update']) expect(await can(lab.kubeconfigs.grader, verb, 'pods')).toBe('no');
    await expect(kubectl(lab.kubeconfigs.grader, ['delete', 'deployment', 'web'])).rejects.toThrow(/forbidden/i);
  });

  it('binds every listener of the lab to 127.0.0.1 only', () => {
    const addresses = listeningAddresses(labs.provider.processes(lab));
    expect(addresses.length).toBeGreaterThanOrEqual(5);
    for (const a of addresses) expect(a).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('delete leaves no process, port or file behind', async () => {
    const extra = await labs.create(1);
    const pids = labs.provider.processes(extra);
    const ports = listeningAddresses(pids);
    expect(pids.length).toBeGreaterThanOrEqual(5);
    await labs.provider.delete(extra);
    expect(labs.provider.processes(extra)).toEqual([]);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expect(listeningAddresses(pids)).toEqual([]);
    expect(existsSync(labs.provider.clusterDir(extra.name))).toBe(false);
    expect((await labs.provider.list()).map((l) => l.name)).not.toContain(extra.name);
    expect(ports.length).toBeGreaterThan(0);
  });
});

describe('two labs created in parallel', () => {
  it('both work and cannot see or reach each other', async () => {
    const [a, b] = await Promise.all([labs.create(2), labs.create(2)]);
    expect(a!.server).not.toBe(b!.server);
    await kubectl(a!.kubeconfigs.learner, ['create', 'configmap', 'only-in-a', '--from-literal=x=1']);
    await kubectl(b!.kubeconfigs.learner, ['create', 'configmap', 'only-in-b', '--from-literal=x=1']);
    const namesIn = async (l: Lab) => (await getJson(l.kubeconfigs.grader, ['get', 'configmaps'])).items.map((c: any) => c.metadata.name);
    expect(await namesIn(a!)).toContain('only-in-a');
    expect(await namesIn(a!)).not.toContain('only-in-b');
    expect(await namesIn(b!)).toContain('only-in-b');
    expect(await namesIn(b!)).not.toContain('only-in-a');
    // A's credentials are worthless at B's API server: B's CA did not sign them.
    await expect(kubectl(a!.kubeconfigs.learner, ['--server', b!.server, '--insecure-skip-tls-verify', 'get', 'configmaps'])).rejects.toThrow(/Unauthorized|certificate|must be logged in/i);
    await labs.provider.delete(a!);
    await labs.provider.delete(b!);
  });
});
