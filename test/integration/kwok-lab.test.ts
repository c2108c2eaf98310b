/**
 * The foundation on a real kwok lab: real etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler processes; worker nodes simulated by the kwok controller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { kubectl, pinnedVersions, type Lab } from '../../sandbox/index.js';
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

  it('runs the pinned Kubernetes release, server and client', async () => {
    const v = JSON.parse(await kubectl(lab.kubeconfigs.learner, ['version', '-o', 'json']));
    expect(v.serverVersion.gitVersion).toBe(pinnedVersions().kubernetes);
    expect(v.clientVersion.gitVersion).toBe(pinnedVersions().kubernetes);
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

describe('volumes and resource metrics in a kwok lab', () => {
  it('binds a 1Gi PVC to a new PV from the default StorageClass, and runs a pod that mounts it', async () => {
    await kubectl(lab.kubeconfigs.learner, ['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: default }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
---
apiVersion: v1
kind: Pod
metadata: { name: uses-data, namespace: default }
spec:
  containers: [{ name: main, image: nginx:1.27, volumeMounts: [{ name: data, mountPath: /data }] }]
  volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]
`,
    });
    const classes = await getJson(lab.kubeconfigs.grader, ['get', 'storageclass']);
    const defaults = classes.items.filter((c: any) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    expect(defaults.map((c: any) => c.metadata.name)).toEqual(['kwok-volume']);

    const pvc = await eventually(async () => {
      const c = await getJson(lab.kubeconfigs.grader, ['get', 'pvc', 'data']);
      return c.status.phase === 'Bound' ? c : undefined;
    });
    expect(pvc?.spec.storageClassName).toBe('kwok-volume');
    expect(pvc?.status.capacity.storage).toBe('1Gi');
    const pv = await getJson(lab.kubeconfigs.grader, ['get', 'pv', pvc.spec.volumeName]);
    expect(pv.spec.storageClassName).toBe('kwok-volume');
    expect(pv.spec.capacity.storage).toBe('1Gi');
    expect(pv.spec.claimRef).toMatchObject({ namespace: 'default', name: 'data', uid: pvc.metadata.uid });
    expect(pv.metadata.annotations['pv.kubernetes.io/provisioned-by']).toBe('kwok.x-k8s.io/volume');
    expect(await eventually(async () => (await getJson(lab.kubeconfigs.grader, ['get', 'pv', pv.metadata.name])).status.phase === 'Bound')).toBe(true);

    const pod = await eventually(async () => {
      const p = await getJson(lab.kubeconfigs.grader, ['get', 'pod', 'uses-data']);
      return p.status.phase === 'Running' ? p : undefined;
    });
    expect(lab.workers).toContain(pod?.spec.nodeName);
  });

  it('answers kubectl top nodes with figures for both workers', async () => {
    // metrics-server scrapes every 15 s; the first answer may take a scrape or two.
    const top = await eventually(async () => {
      const out = await kubectl(lab.kubeconfigs.learner, ['top', 'nodes', '--no-headers']).catch(() => '');
      return lab.workers.every((w) => new RegExp(`^${w}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, 'm').test(out)) ? out : '';
    }, { timeoutMs: 90_000, intervalMs: 3000 });
    for (const w of lab.workers) expect(top).toMatch(new RegExp(`^${w}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, 'm'));
  });

  it('gives an HPA on a Deployment with CPU requests a current utilisation within a minute, from the pods\' usage', async () => {
    // kwok reports each pod's CPU use from its kwok.x-k8s.io/usage-cpu annotation: 60m of a 100m request is 60%
    // (metrics-server derives it from a cumulative counter between two scrapes, so give or take a little).
    await kubectl(lab.kubeconfigs.learner, ['apply', '-f', '-'], {
      input: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: busy, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: busy } }
  template:
    metadata: { labels: { app: busy }, annotations: { kwok.x-k8s.io/usage-cpu: 60m } }
    spec: { containers: [{ name: main, image: nginx:1.27, resources: { requests: { cpu: 100m, memory: 64Mi } } }] }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: busy, namespace: default }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: busy }
  minReplicas: 1
  maxReplicas: 5
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 50 } } }]
`,
    });
    const current = await eventually(async () => {
      const h = await getJson(lab.kubeconfigs.grader, ['get', 'hpa', 'busy']);
      return h.status.currentMetrics?.[0]?.resource?.current?.averageUtilization as number | undefined;
    }, { timeoutMs: 60_000, intervalMs: 2000 });
    expect(current).toBeGreaterThanOrEqual(55);
    expect(current).toBeLessThanOrEqual(65);
    const table = await kubectl(lab.kubeconfigs.learner, ['get', 'hpa', 'busy', '--no-headers']);
    expect(table).not.toContain('<unknown>');
    expect(table).toMatch(/cpu: \d+%\/50%/);
    const pods = await kubectl(lab.kubeconfigs.learner, ['top', 'pods', '-l', 'app=busy', '--no-headers']);
    const cpu = [...pods.matchAll(/^busy-\S+\s+(\d+)m\s+\d+Mi/gm)].map((m) => Number(m[1]));
    expect(cpu.length).toBeGreaterThanOrEqual(2);
    for (const m of cpu) expect(Math.abs(m - 60)).toBeLessThanOrEqual(5);
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
