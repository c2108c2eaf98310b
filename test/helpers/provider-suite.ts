/**
 * End-to-end checks every container-based provider (kind, minikube) must pass on a real cluster.
 * They need a working container engine; where there is none, the whole suite is reported as skipped
 * with the reason in its title (and printed once), instead of silently passing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { kubectl, type ClusterProvider, type Lab } from '../../sandbox/index.js';
import { eventually, getJson } from './lab.js';

export interface SuiteExtras {
  /** More tests on the suite's lab, run before the delete test. */
  tests?: (lab: () => Lab) => void;
  /** Checks after delete that nothing of the lab is left (provider-specific: containers, networks…). */
  afterDelete?: (name: string) => Promise<void>;
}

export async function providerSuite(provider: ClusterProvider, extras: SuiteExtras = {}): Promise<void> {
  const avail = await provider.available();
  const title = avail.ok ? `${provider.name} labs, end to end` : `${provider.name} labs, end to end — skipped: ${avail.reason}`;
  if (!avail.ok) console.warn(`[${provider.name}] end-to-end tests skipped: ${avail.reason}`);

  describe.skipIf(!avail.ok)(title, () => {
    let lab: Lab;
    const name = `e2e-${randomBytes(3).toString('hex')}`;

    beforeAll(async () => {
      lab = await provider.create({ name, workers: 2 });
    }, 20 * 60_000);
    afterAll(async () => {
      await provider.delete({ name, provider: provider.name }).catch(() => undefined);
    }, 10 * 60_000);

    it('has two workers labelled kubelab.io/worker=1 and =2, all Ready', async () => {
      const nodes = await getJson(lab.kubeconfigs.grader, ['get', 'nodes', '-l', 'kubelab.io/worker']);
      const byLabel = Object.fromEntries(nodes.items.map((n: any) => [n.metadata.labels['kubelab.io/worker'], n.metadata.name]));
      expect(byLabel).toEqual({ '1': lab.workers[0], '2': lab.workers[1] });
      expect(lab.variables.controlPlane).toBeTruthy();
      expect((await provider.list()).map((l) => l.name)).toContain(name);
    });

    it('runs real containers of a Deployment the learner applies, on the workers', async () => {
      await kubectl(lab.kubeconfigs.learner, ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
      const ready = await eventually(async () => (await getJson(lab.kubeconfigs.grader, ['get', 'deployment', 'web'])).status.readyReplicas === 2, { timeoutMs: 300_000 });
      expect(ready).toBe(true);
      const pods = await getJson(lab.kubeconfigs.grader, ['get', 'pods', '-l', 'app=web']);
      for (const p of pods.items) expect(lab.workers).toContain(p.spec.nodeName);
      const pod = pods.items[0].metadata.name as string;
      // nginx -v prints to stderr, which kubectl exec passes on: the reply comes from the container's own nginx.
      // (The official 1.27 image online; offline, kubelab's stand-in built from Debian's nginx package.)
      expect(await kubectl(lab.kubeconfigs.learner, ['exec', pod, '--', 'sh', '-c', 'nginx -v 2>&1']).catch((e: Error) => e.message)).toMatch(/^nginx version: nginx\/1\.\d+\.\d+/);
    });

    it('returns a real container’s output through kubectl logs and kubectl exec', async () => {
      await kubectl(lab.kubeconfigs.learner, ['run', 'talker', '--image=busybox:1.36', '--restart=Never', '--', 'sh', '-c', 'echo "hello from $(hostname)"; exec sleep 3600']);
      await kubectl(lab.kubeconfigs.learner, ['wait', '--for=condition=Ready', 'pod/talker', '--timeout=300s'], { timeoutMs: 310_000 });
      expect(await eventually(async () => (await kubectl(lab.kubeconfigs.learner, ['logs', 'talker'])).includes('hello from talker'), { timeoutMs: 30_000 })).toBe(true);
      // Computed inside the container by its shell: not an echo of anything kubectl sent.
      expect((await kubectl(lab.kubeconfigs.learner, ['exec', 'talker', '--', 'sh', '-c', 'echo $((6 * 7)) $(cat /proc/1/cmdline | tr "\\0" " ")'])).trim()).toBe('42 sleep 3600');
    });

    it('lets a pod reach another pod through a ClusterIP Service, by its DNS name', async () => {
      await kubectl(lab.kubeconfigs.learner, ['expose', 'deployment', 'web', '--port=80', '--name=web']);
      const clusterIP = (await getJson(lab.kubeconfigs.grader, ['get', 'service', 'web'])).spec.clusterIP as string;
      expect(clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const fetch = (url: string) => kubectl(lab.kubeconfigs.learner, ['exec', 'talker', '--', 'timeout', '10', 'wget', '-q', '-O', '-', url]).catch((e: Error) => e.message);
      // Retried: the Service's endpoints and kube-proxy's rules follow the Service within seconds.
      expect(await eventually(async () => /Welcome to nginx!/.test(await fetch('http://web.default.svc.cluster.local/')), { timeoutMs: 60_000 })).toBe(true);
      expect(await fetch('http://web/')).toMatch(/Welcome to nginx!/);
      const resolved = await kubectl(lab.kubeconfigs.learner, ['exec', 'talker', '--', 'nslookup', 'web.default.svc.cluster.local']);
      expect(resolved).toContain(clusterIP);
    });

    extras.tests?.(() => lab);

    it('gives the grader read and SubjectAccessReviews only', async () => {
      await expect(kubectl(lab.kubeconfigs.grader, ['delete', 'deployment', 'web'])).rejects.toThrow(/forbidden/i);
      expect((await kubectl(lab.kubeconfigs.grader, ['auth', 'can-i', 'create', 'subjectaccessreviews'])).trim()).toBe('yes');
    });

    it('stops kube-scheduler (a new pod stays Pending) and starts it again (the pod is scheduled)', async () => {
      await provider.setComponent(lab, 'kube-scheduler', false);
      await kubectl(lab.kubeconfigs.learner, ['run', 'waiting', '--image=nginx:1.27', '--restart=Never']);
      await new Promise((r) => setTimeout(r, 5000));
      expect((await getJson(lab.kubeconfigs.grader, ['get', 'pod', 'waiting'])).spec.nodeName).toBeUndefined();
      await provider.setComponent(lab, 'kube-scheduler', true);
      const node = await eventually(async () => (await getJson(lab.kubeconfigs.grader, ['get', 'pod', 'waiting'])).spec.nodeName, { timeoutMs: 120_000 });
      expect(lab.workers).toContain(node);
    });

    it('lets the learner look at the control-plane node with kubectl debug (the documented command)', async () => {
      // The command waits a moment first: `--attach` connects once the container runs, and output
      // written before that (a bare `ls` is done in milliseconds) would not reach kubectl.
      const out = await kubectl(
        lab.kubeconfigs.learner,
        ['debug', `node/${lab.variables.controlPlane}`, '--profile=sysadmin', '--image=busybox:1.36', '--attach=true', '--quiet', '--', 'chroot', '/host', 'sh', '-c', 'sleep 3; ls /etc/kubernetes/manifests'],
        { timeoutMs: 300_000 },
      );
      expect(out).toMatch(/kube-apiserver\.yaml/);
    });

    it('delete removes the cluster', async () => {
      await provider.delete(lab);
      expect((await provider.list()).map((l) => l.name)).not.toContain(name);
      await extras.afterDelete?.(name);
    });
  });
}
