/**
 * The existing-cluster provider against a real cluster: a kwok lab plays the instructor's cluster
 * (its admin kubeconfig is what an instructor would configure), and two labs are namespaces in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ExistingProvider, kubectl, kubectlPath, run, type Lab } from '../../sandbox/index.js';
import { getJson, testLabs } from '../helpers/lab.js';
import { loadExercise } from '../../server/course/exercise.js';
import { gradeExercise, targetOf } from '../../server/grading.js';
import { repoRoot } from '../../server/config.js';
import type { Exercise } from '../../server/course.js';

const cluster = testLabs('inst');
const workDir = mkdtempSync(join(tmpdir(), 'kubelab-existing-'));
let instructor: Lab;
let provider: ExistingProvider;
let a: Lab;
let b: Lab;

beforeAll(async () => {
  instructor = await cluster.create(2);
  provider = new ExistingProvider({ kubeconfig: instructor.kubeconfigs.admin, workDir, quota: { pods: 4 } });
  expect(await provider.available()).toEqual({ ok: true });
  a = await provider.create({ name: 'ex-a', workers: 2 });
  b = await provider.create({ name: 'ex-b', workers: 2 });
});

afterAll(async () => {
  for (const l of [a, b]) if (l) await provider.delete(l).catch(() => undefined);
  await cluster.cleanup();
  rmSync(workDir, { recursive: true, force: true });
});

/** kubectl auth can-i's answer ("yes" exits 0, "no" exits 1; a warning may go to stderr). */
const can = async (kc: string, ...args: string[]) => (await run(kubectlPath(), ['--kubeconfig', kc, 'auth', 'can-i', ...args])).stdout.trim();

describe('a lab on an existing cluster', () => {
  it('is a namespace labelled with the lab, with the cluster workers and the limits of a namespace spelled out', async () => {
    expect(a.namespace).toBe('kubelab-ex-a');
    const ns = await getJson(instructor.kubeconfigs.admin, ['get', 'namespace', a.namespace]);
    expect(ns.metadata.labels['kubelab.io/lab']).toBe('ex-a');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(a.workers).toEqual(instructor.workers);
    expect(a.variables).toMatchObject({ namespace: 'kubelab-ex-a', worker1: instructor.workers[0], worker2: instructor.workers[1] });
    expect(a.unsupported['cluster-scope']).toMatch(/namespace/);
    expect(a.unsupported['set-component']).toMatch(/shared/);
    await expect(provider.setComponent(a, 'kube-scheduler', false)).rejects.toThrow(/shared by every lab/);
    expect((await provider.list()).map((l) => l.name).sort()).toEqual(['ex-a', 'ex-b']);
  });

  it('keeps two labs apart: learner A is forbidden in namespace B, and sees only its own objects', async () => {
    await kubectl(a.kubeconfigs.learner, ['create', 'configmap', 'only-in-a', '--from-literal=x=1']);
    await kubectl(b.kubeconfigs.learner, ['create', 'configmap', 'only-in-b', '--from-literal=x=1']);
    // The learner's context defaults to its own namespace.
    expect((await getJson(a.kubeconfigs.learner, ['get', 'configmaps'])).items.map((c: any) => c.metadata.name)).toContain('only-in-a');

    await expect(kubectl(a.kubeconfigs.learner, ['get', 'configmaps', '-n', b.namespace])).rejects.toThrow(/forbidden/i);
    await expect(kubectl(a.kubeconfigs.learner, ['delete', 'configmap', 'only-in-b', '-n', b.namespace])).rejects.toThrow(/forbidden/i);
    await expect(kubectl(a.kubeconfigs.learner, ['create', 'configmap', 'intruder', '-n', b.namespace, '--from-literal=x=1'])).rejects.toThrow(/forbidden/i);
    await expect(kubectl(a.kubeconfigs.learner, ['get', 'pods', '-A'])).rejects.toThrow(/forbidden/i);
    await expect(kubectl(a.kubeconfigs.learner, ['get', 'secrets', '-n', 'kube-system'])).rejects.toThrow(/forbidden/i);
    expect(await can(a.kubeconfigs.learner, 'create', 'namespaces')).toBe('no');
    expect(await can(a.kubeconfigs.learner, 'create', 'clusterrolebindings')).toBe('no');
    // B's object is untouched.
    expect((await getJson(b.kubeconfigs.grader, ['get', 'configmap', 'only-in-b', '-n', b.namespace])).data).toEqual({ x: '1' });
  });

  it('lets the learner do RBAC inside the namespace but not loosen its own limits', async () => {
    // rbac-read-only, adapted to the lab namespace: a Role and RoleBinding the learner makes itself.
    await kubectl(a.kubeconfigs.learner, ['create', 'serviceaccount', 'auditor']);
    await kubectl(a.kubeconfigs.learner, ['create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods']);
    await kubectl(a.kubeconfigs.learner, ['create', 'rolebinding', 'auditor-reads-pods', '--role=pod-reader', `--serviceaccount=${a.namespace}:auditor`]);
    const sar = async (verb: string, resource: string, namespace: string) => {
      const review = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: `system:serviceaccount:${a.namespace}:auditor`, groups: ['system:serviceaccounts', `system:serviceaccounts:${a.namespace}`], resourceAttributes: { verb, resource, namespace } },
      };
      const out = JSON.parse(await kubectl(a.kubeconfigs.grader, ['create', '-o', 'json', '-f', '-'], { input: JSON.stringify(review) }));
      return out.status.allowed === true;
    };
    expect(await sar('list', 'pods', a.namespace)).toBe(true);
    expect(await sar('delete', 'pods', a.namespace)).toBe(false);
    expect(await sar('list', 'pods', b.namespace)).toBe(false);

    // Binding a role with more rights than the learner holds is refused by RBAC's escalation check.
    await expect(kubectl(a.kubeconfigs.learner, ['create', 'rolebinding', 'grab', '--clusterrole=cluster-admin', `--serviceaccount=${a.namespace}:auditor`])).rejects.toThrow(/forbidden|escalat/i);
    await expect(kubectl(a.kubeconfigs.learner, ['delete', 'resourcequota', 'kubelab-quota'])).rejects.toThrow(/forbidden/i);
    await expect(kubectl(a.kubeconfigs.learner, ['delete', 'limitrange', 'kubelab-limits'])).rejects.toThrow(/forbidden/i);
    await expect(kubectl(a.kubeconfigs.learner, ['label', 'namespace', a.namespace, 'pod-security.kubernetes.io/enforce=privileged', '--overwrite'])).rejects.toThrow(/forbidden/i);
    // A service account token minted by the learner carries only what the learner granted it.
    const minted = (await kubectl(a.kubeconfigs.learner, ['create', 'token', 'auditor'])).trim();
    expect(minted.split('.')).toHaveLength(3);
  });

  it('refuses privileged pods and host paths (Pod Security baseline), so a learner cannot reach the nodes', async () => {
    const privileged = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root-on-node' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }], volumes: [{ name: 'host', hostPath: { path: '/' } }] },
    };
    await expect(kubectl(a.kubeconfigs.learner, ['apply', '-f', '-'], { input: JSON.stringify(privileged) })).rejects.toThrow(/violates PodSecurity|forbidden/i);
  });

  it('enforces the quota: creating more pods than allowed is refused', async () => {
    for (let i = 1; i <= 4; i++) await kubectl(b.kubeconfigs.learner, ['run', `p${i}`, '--image=nginx:1.27', '--restart=Never']);
    await expect(kubectl(b.kubeconfigs.learner, ['run', 'p5', '--image=nginx:1.27', '--restart=Never'])).rejects.toThrow(/exceeded quota/i);
    // Pods without resources got the limit range's defaults, which is how the quota can count them.
    const pod = await getJson(b.kubeconfigs.grader, ['get', 'pod', 'p1', '-n', b.namespace]);
    expect(pod.spec.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    const quota = await getJson(b.kubeconfigs.grader, ['get', 'resourcequota', 'kubelab-quota', '-n', b.namespace]);
    expect(quota.status.used.pods).toBe('4');
    await kubectl(b.kubeconfigs.learner, ['delete', 'pods', '--all', '--wait=false']);
  });

  it('isolates lab namespaces on the network: ingress only from pods of the same namespace', async () => {
    const np = await getJson(a.kubeconfigs.grader, ['get', 'networkpolicy', 'kubelab-isolation', '-n', a.namespace]);
    expect(np.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
  });

  it('passes the catalog exercise scale-web in the lab namespace: fails before the reference solution, passes after it', async () => {
    // The exercise as the course ships it, its checks pointed at the lab namespace instead of `default`.
    const loaded = loadExercise(join(repoRoot, 'lessons', '05-controllers', 'exercises', 'scale-web'), 'scale-web', '05-controllers');
    expect(loaded.problems).toEqual([]);
    const exercise = inNamespace(loaded.exercise!, a.namespace);
    expect(JSON.stringify(exercise.checks)).not.toContain('"namespace":"default"');

    const before = await gradeExercise(exercise, targetOf(a));
    expect(before.passed).toBe(false);

    // The reference solution, run as the learner (its kubectl defaults to the lab namespace).
    const solution = await run('bash', [join(exercise.dir, 'solution.sh')], {
      env: { PATH: `${dirname(kubectlPath())}:${process.env.PATH}`, HOME: workDir, KUBECONFIG: a.kubeconfigs.learner },
      timeoutMs: 120_000,
    });
    expect(solution.code, solution.stderr).toBe(0);

    const after = await gradeExercise(exercise, targetOf(a));
    expect(after.checks.filter((c) => !c.passed)).toEqual([]);
    expect(after.passed).toBe(true);
    const pods = await getJson(a.kubeconfigs.grader, ['get', 'pods', '-n', a.namespace, '-l', 'app=web']);
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items) expect(a.workers).toContain(p.spec.nodeName);
  });

  it('gives the grader cluster-wide read and SubjectAccessReviews, and no writes', async () => {
    expect(await can(a.kubeconfigs.grader, 'list', 'pods', '-A')).toBe('yes');
    expect(await can(a.kubeconfigs.grader, 'create', 'subjectaccessreviews')).toBe('yes');
    for (const verb of ['create', 'delete', 'patch']) expect(await can(a.kubeconfigs.grader, verb, 'pods', '-n', a.namespace)).toBe('no');
  });

  it('does not list labs of another kubelab server on the same cluster', async () => {
    const other = new ExistingProvider({ kubeconfig: instructor.kubeconfigs.admin, workDir: join(workDir, 'other-server') });
    expect(await other.list()).toEqual([]);
  });

  it('delete removes the namespace, the cluster-scoped bindings and the credentials', async () => {
    const kept = join(workDir, 'kept-learner.kubeconfig');
    copyFileSync(a.kubeconfigs.learner, kept);
    await provider.delete(a);
    // The learner's token died with its ServiceAccount.
    await expect(kubectl(kept, ['get', 'configmaps'])).rejects.toThrow(/Unauthorized|must be logged in/i);
    expect((await kubectl(instructor.kubeconfigs.admin, ['get', 'namespace', a.namespace, '--ignore-not-found', '-o', 'name'])).trim()).toBe('');
    expect((await kubectl(instructor.kubeconfigs.admin, ['get', 'clusterrolebindings', '-l', 'kubelab.io/lab=ex-a', '-o', 'name'])).trim()).toBe('');
    expect((await kubectl(instructor.kubeconfigs.admin, ['get', 'serviceaccounts', '-n', 'kubelab-system', '-l', 'kubelab.io/lab=ex-a', '-o', 'name'])).trim()).toBe('');
    expect(existsSync(a.kubeconfigs.learner)).toBe(false);
    expect((await provider.list()).map((l) => l.name)).toEqual(['ex-b']);
    // The lab next door is unaffected.
    expect((await getJson(b.kubeconfigs.learner, ['get', 'configmap', 'only-in-b'])).data).toEqual({ x: '1' });
  });
});

/** An exercise whose checks read `default` made to read the lab namespace instead (how a namespace-sized exercise runs on this provider). */
function inNamespace(exercise: Exercise, namespace: string): Exercise {
  const swap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(swap);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'namespace' && v === 'default' ? namespace : swap(v)]));
    }
    return value;
  };
  return { ...exercise, checks: swap(exercise.checks) as Exercise['checks'] };
}
