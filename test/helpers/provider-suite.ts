/**
 * End-to-end checks every container-based provider (kind, minikube) must pass on a real cluster.
 * They need a working container engine; where there is none, the whole suite is reported as skipped
 * with the reason in its title (and printed once), instead of silently passing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { kubectl, type ClusterProvider, type Lab } from '../../sandbox/index.js';
import { eventually, getJson } from './lab.js';

export async function providerSuite(provider: ClusterProvider): Promise<void> {
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
      expect(await kubectl(lab.kubeconfigs.learner, ['exec', pod, '--', 'nginx', '-v']).catch((e: Error) => e.message)).toMatch(/nginx\/1\.27/);
    });

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
      const out = await kubectl(
        lab.kubeconfigs.learner,
        ['debug', `node/${lab.variables.controlPlane}`, '--profile=sysadmin', '--image=busybox:1.36', '--attach=true', '--quiet', '--', 'chroot', '/host', 'ls', '/etc/kubernetes/manifests'],
        { timeoutMs: 300_000 },
      );
      expect(out).toMatch(/kube-apiserver\.yaml/);
    });

    it('delete removes the cluster', async () => {
      await provider.delete(lab);
      expect((await provider.list()).map((l) => l.name)).not.toContain(name);
    });
  });
}
