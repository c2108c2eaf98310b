/**
 * The course's own checks, judged against API objects written down here: Kubernetes' semantics
 * (effective quota limits, owners by UID, fresh status, bound pods, revision history, the whole
 * API for "nothing more", the learner's contexts) and messages that name the wrong detail. The
 * same classes run on real labs in test/integration/catalog.test.ts; these pin the reasoning.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadCourse, type Exercise } from '../../../server/course.js';
import { gradeCheck, type CheckResult } from '../../../server/grading.js';
import { packageRoot } from '../../../sandbox/index.js';
import { scoreItem } from '../../../server/teaching/exams/score.js';
import { fakeApi, fakeTarget } from '../../helpers/fake-api.js';

const course = loadCourse(join(packageRoot, 'lessons'));
const exercise = (id: string): Exercise => {
  const ex = course.exercises.get(id);
  if (!ex) throw new Error(`no exercise ${id}`);
  return ex;
};

type O = Record<string, unknown> & { kind: string; apiVersion: string };

async function grade(id: string, objects: O[], learner?: string): Promise<CheckResult[]> {
  const ex = exercise(id);
  // As the API sends them: JSON, no undefined fields.
  const api = fakeApi(JSON.parse(JSON.stringify(objects)) as never);
  return Promise.all(ex.checks.map((c) => gradeCheck(c, ex, fakeTarget(learner), async () => api)));
}
const failing = (r: CheckResult[]) => r.filter((c) => !c.passed).map((c) => c.message);
const passes = (r: CheckResult[]) => expect(failing(r)).toEqual([]);

const nodes: O[] = ['node-a', 'node-b'].map((name, i) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, labels: { 'kubelab.io/worker': String(i + 1) } }, spec: {} }));
const ready = [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }];

function deployment(name: string, image: string, o: { replicas?: number; generation?: number; observed?: number; revision?: string; ready?: number } = {}): O {
  const replicas = o.replicas ?? 3;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: o.generation ?? 1, annotations: { 'deployment.kubernetes.io/revision': o.revision ?? '1' } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image }] } } },
    status: { observedGeneration: o.observed ?? o.generation ?? 1, replicas, readyReplicas: o.ready ?? replicas, updatedReplicas: o.ready ?? replicas },
  };
}
function replicaSet(name: string, owner: string, image: string, revision: string, history?: string): O {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations: { 'deployment.kubernetes.io/revision': revision, ...(history ? { 'deployment.kubernetes.io/revision-history': history } : {}) }, ownerReferences: [{ kind: 'Deployment', name: owner, uid: `uid-${owner}`, controller: true }] },
    spec: { template: { spec: { containers: [{ name: 'nginx', image }] } } },
  };
}
function pod(name: string, o: { owner?: { kind: string; name: string; uid?: string }; node?: string; image?: string; labels?: Record<string, string>; phase?: string; conditions?: unknown[] } = {}): O {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: o.labels ?? {}, ownerReferences: o.owner ? [{ ...o.owner, uid: o.owner.uid ?? `uid-${o.owner.name}`, controller: true }] : undefined },
    spec: { nodeName: o.node, containers: [{ name: 'c', image: o.image ?? 'nginx:1.27' }] },
    status: { phase: o.phase ?? 'Running', conditions: o.conditions ?? ready },
  };
}

describe('quota: the lowest limit under any name is the effective one', () => {
  const quota = (hard: Record<string, string>): O => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'team-a-quota', namespace: 'team-a' }, spec: { hard } });
  test('pods and requests.cpu, or their other names count/pods and cpu, pass', async () => {
    passes(await grade('quota', [quota({ pods: '10', 'requests.cpu': '2' })]));
    passes(await grade('quota', [quota({ 'count/pods': '10', cpu: '2000m' })]));
  });
  test('a second name that limits lower fails, naming the effective limit', async () => {
    expect(failing(await grade('quota', [quota({ pods: '10', 'requests.cpu': '2', 'count/pods': '5' })]))).toEqual([expect.stringContaining('at most 5 pods (pods: 10, count/pods: 5)')]);
    expect(failing(await grade('quota', [quota({ pods: '10', 'requests.cpu': '2', cpu: '1' })]))).toEqual([expect.stringContaining('allows 1 CPU of requests')]);
  });
});

describe('status counts only when fresh, and pods only when bound and owned by UID', () => {
  const webPods = (image: string, n = 3, rs = 'web-1') => Array.from({ length: n }, (_, i) => pod(`web-${i}`, { owner: { kind: 'ReplicaSet', name: rs }, node: 'node-a', image, labels: { app: 'web' } }));
  test('the reference state passes', async () => {
    passes(await grade('scale-web', [...nodes, deployment('web', 'nginx:1.27'), replicaSet('web-1', 'web', 'nginx:1.27', '1'), ...webPods('nginx:1.27')]));
  });
  test('a status from an older generation does not count, and says so', async () => {
    const r = await grade('scale-web', [...nodes, deployment('web', 'nginx:1.27', { generation: 2, observed: 1 }), replicaSet('web-1', 'web', 'nginx:1.26', '1'), ...webPods('nginx:1.26')]);
    expect(failing(r)).toEqual([expect.stringContaining('describes generation 1 but its spec is at generation 2')]);
  });
  test('a ready status without ready pods of its own does not count', async () => {
    const forged = webPods('nginx:1.27', 3, 'web-1').map((p) => ({ ...p, metadata: { ...(p.metadata as object), ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'uid-someone-else', controller: true }] } }));
    const r = await grade('scale-web', [...nodes, deployment('web', 'nginx:1.27'), replicaSet('web-1', 'web', 'nginx:1.27', '1'), ...forged]);
    expect(failing(r)).toEqual([expect.stringContaining('0 ready pods running nginx:1.27')]);
  });
  test('first-pod: Running written on a pod no node holds is not Running', async () => {
    const hello = pod('hello', { labels: { app: 'hello' }, conditions: [] });
    expect(failing(await grade('first-pod', [...nodes, hello]))).toEqual([expect.stringContaining('Running on no node')]);
    passes(await grade('first-pod', [...nodes, pod('hello', { labels: { app: 'hello' }, node: 'node-b' })]));
  });
});

describe('rollout-undo: the history proves the update the task names', () => {
  const done = (rev2Image: string, rev3History?: string): O[] => [
    ...nodes,
    deployment('web', 'nginx:1.27', { generation: 3, revision: '3' }),
    replicaSet('web-1', 'web', 'nginx:1.27', '3', rev3History),
    replicaSet('web-2', 'web', rev2Image, '2'),
    ...Array.from({ length: 3 }, (_, i) => pod(`web-${i}`, { owner: { kind: 'ReplicaSet', name: 'web-1' }, node: 'node-b', labels: { app: 'web' } })),
  ];
  test('update to nginx:1.28 then undo passes', async () => passes(await grade('rollout-undo', done('nginx:1.28', '1'))));
  test('an update to another image fails, naming what revision 2 ran', async () => {
    expect(failing(await grade('rollout-undo', done('nginx:1.29', '1')))).toEqual([expect.stringContaining('revision 2: nginx:1.29')]);
  });
  test('a new revision that looks like revision 1 is not a rollback', async () => {
    expect(failing(await grade('rollout-undo', done('nginx:1.28')))).toEqual([expect.stringContaining('is a new revision, not revision 1 brought back')]);
  });
});

describe('cordon-drain: DaemonSet pods are those a live DaemonSet controls, by UID', () => {
  const ds = (name: string, extra: Record<string, unknown> = {}): O => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra }, spec: { selector: { matchLabels: { app: name } } } });
  const base = (onWorker1: O[]): O[] => [
    { ...nodes[0]!, spec: { unschedulable: true } },
    nodes[1]!,
    ds('log-agent'),
    deployment('web', 'nginx:1.27', { replicas: 4 }),
    replicaSet('web-1', 'web', 'nginx:1.27', '1'),
    pod('log-agent-a', { owner: { kind: 'DaemonSet', name: 'log-agent' }, node: 'node-a', labels: { app: 'log-agent' } }),
    ...Array.from({ length: 4 }, (_, i) => pod(`web-${i}`, { owner: { kind: 'ReplicaSet', name: 'web-1' }, node: 'node-b', labels: { app: 'web' } })),
    ...onWorker1,
  ];
  test('drained passes', async () => passes(await grade('cordon-drain', base([]))));
  test('a web pod handed to a DaemonSet that is being deleted still counts as web', async () => {
    const decoy = ds('decoy', { deletionTimestamp: '2026-01-01T00:00:00Z' });
    const r = await grade('cordon-drain', [...base([pod('web-old', { owner: { kind: 'DaemonSet', name: 'decoy' }, node: 'node-a', labels: { app: 'web' } })]), decoy]);
    expect(failing(r)).toEqual([expect.stringContaining('still runs default/web-old')]);
  });
  test('an owner reference with the right name and a made-up UID is not the DaemonSet', async () => {
    const r = await grade('cordon-drain', base([pod('web-old', { owner: { kind: 'DaemonSet', name: 'log-agent', uid: 'uid-made-up' }, node: 'node-a', labels: { app: 'web' } })]));
    expect(failing(r)).toEqual([expect.stringContaining('still runs default/web-old')]);
  });
});

describe('rbac-read-only: nothing more, over the whole API', () => {
  const sa: O = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'auditor', namespace: 'team-a' } };
  const role = (ns: string, rules: unknown[], name = 'pod-reader'): O => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules });
  const binding = (ns: string, role = 'pod-reader', subject: Record<string, string> = { kind: 'ServiceAccount', name: 'auditor', namespace: 'team-a' }): O => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `b-${role}`, namespace: ns }, roleRef: { kind: 'Role', name: role }, subjects: [subject] });
  const podReader = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] };
  test('exactly get, list and watch pods in team-a passes', async () => passes(await grade('rbac-read-only', [sa, role('team-a', [podReader]), binding('team-a')])));
  test('pod logs as well fail, naming the subresource', async () => {
    const r = await grade('rbac-read-only', [sa, role('team-a', [{ ...podReader, resources: ['pods', 'pods/log'] }]), binding('team-a')]);
    expect(failing(r)).toEqual([expect.stringContaining('may also get pods/log in namespace team-a')]);
  });
  test('a grant in another namespace, or cluster-wide, fails naming where', async () => {
    const other = await grade('rbac-read-only', [sa, role('team-a', [podReader]), binding('team-a'), role('team-b', [podReader]), binding('team-b')]);
    expect(failing(other)).toEqual([expect.stringContaining('get, list, watch pods in namespace team-b')]);
    const nodesRole: O = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'node-reader' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] };
    const crb: O = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'n' }, roleRef: { kind: 'ClusterRole', name: 'node-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'auditor', namespace: 'team-a' }] };
    expect(failing(await grade('rbac-read-only', [sa, role('team-a', [podReader]), binding('team-a'), nodesRole, crb]))).toEqual([expect.stringContaining('get nodes cluster-wide')]);
  });
  test('a grant to a group the ServiceAccount belongs to counts as its own', async () => {
    const r = await grade('rbac-read-only', [sa, role('team-a', [podReader]), binding('team-a'), role('team-a', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }], 'cm'), binding('team-a', 'cm', { kind: 'Group', name: 'system:serviceaccounts:team-a' })]);
    expect(failing(r)).toEqual([expect.stringContaining('list configmaps in namespace team-a')]);
  });
  test('what the cluster\'s default policy grants every ServiceAccount is not "more"; the same grant made by the learner is', async () => {
    const defaults = { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } };
    const cr: O = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'sa-reads-configmaps', ...defaults }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] };
    const crb = (meta: Record<string, unknown>): O => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'every-sa', ...meta }, roleRef: { kind: 'ClusterRole', name: 'sa-reads-configmaps' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }] });
    const mine = [sa, role('team-a', [podReader]), binding('team-a', 'pod-reader', { kind: 'User', name: 'system:serviceaccount:team-a:auditor' }), cr];
    passes(await grade('rbac-read-only', [...mine, crb(defaults)]));
    expect(failing(await grade('rbac-read-only', [...mine, crb({})]))).toEqual([expect.stringContaining('get configmaps in every namespace')]);
  });
});

describe('namespace-and-context: the current context, not another one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-ctx-'));
  const kubeconfig = (file: string, current: string, contexts: [string, string][]) => {
    const path = join(dir, file);
    writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': current, contexts: contexts.map(([name, namespace]) => ({ name, context: { cluster: 'kubelab-x', user: 'u', namespace } })) }));
    return path;
  };
  const ns: O = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, status: { phase: 'Active' } };
  // The grader kubeconfig of a lab names the lab's context; fakeTarget uses the learner file for both when no grader is given.
  const gradeWith = async (learner: string) => {
    const ex = exercise('namespace-and-context');
    const api = fakeApi([ns] as never);
    const t = { ...fakeTarget(learner), grader: kubeconfig('grader', 'kubelab-x', [['kubelab-x', 'default']]) };
    return Promise.all(ex.checks.map((c) => gradeCheck(c, ex, t, async () => api)));
  };
  test('the lab context set to team-a passes', async () => passes(await gradeWith(kubeconfig('ok', 'kubelab-x', [['kubelab-x', 'team-a']]))));
  test('a new context switched to fails, naming it', async () => {
    expect(failing(await gradeWith(kubeconfig('new', 'team-a', [['kubelab-x', 'default'], ['team-a', 'team-a']])))).toEqual([expect.stringContaining('do not create or switch')]);
  });
  test('a second context beside the right one fails', async () => {
    expect(failing(await gradeWith(kubeconfig('extra', 'kubelab-x', [['kubelab-x', 'team-a'], ['spare', 'team-a']])))).toEqual([expect.stringContaining('kubelab-x, spare')]);
  });
});

describe('lab variables in what a learner reads', () => {
  test('hints and titles name this lab’s nodes', async () => {
    const r = await grade('node-affinity', nodes);
    expect(r[0]!.hint).toBe('kubectl label node node-a disk=ssd');
    expect(JSON.stringify(r)).not.toContain('{{');
  });
});

describe('an exercise graded in parts', () => {
  test('every result of the capstone names its part, the parts in the order of the task, each part’s checks side by side', async () => {
    const r = await grade('capstone-bookstore', []);
    expect(r.every((c) => c.part)).toBe(true);
    const runs = r.map((c) => c.part).filter((p, i, all) => p !== all[i - 1]);
    expect(runs).toEqual(['1. Namespace and quota', '2. Configuration', '3. Web tier', '4. Data tier', '5. Network policy', '6. Autoscaling', '7. Access']);
  });

  test('a check without a part carries none', async () => {
    expect((await grade('first-pod', [])).some((c) => 'part' in c)).toBe(false);
  });
});

describe('exam points: only progress over the untouched lab', () => {
  const c = (title: string, passed: boolean, maxPoints = 1) => ({ title, passed, maxPoints });
  // rbac-read-only's shape: two progress checks, five guards that hold on the untouched lab.
  const guards = ['no change', 'no exec', 'no secrets', 'no deployments', 'no default', 'nothing more'];
  const baseline = guards;
  test('untouched scores 0, complete scores full', () => {
    expect(scoreItem(10, [c('sa', false), c('read', false), ...guards.map((g) => c(g, true))], baseline).points).toBe(0);
    expect(scoreItem(10, [c('sa', true), c('read', true), ...guards.map((g) => c(g, true))], baseline).points).toBe(10);
  });
  test('a wrong answer (cluster-admin) scores no more than a partly right one (the account only)', () => {
    const wrong = scoreItem(10, [c('sa', true), c('read', true), ...guards.map((g) => c(g, false))], baseline).points;
    const partial = scoreItem(10, [c('sa', true), c('read', false), ...guards.map((g) => c(g, true))], baseline).points;
    expect(partial).toBe(5);
    expect(wrong).toBeLessThanOrEqual(partial);
    expect(wrong).toBe(0);
  });
  test('without a baseline only a complete exercise scores', () => {
    expect(scoreItem(10, [c('a', true), c('b', false)], undefined).points).toBe(0);
    expect(scoreItem(10, [c('a', true), c('b', true)], undefined).points).toBe(10);
  });
});
