/**
 * Grading: evaluates an exercise's checks against a lab with the lab's grader credential, never
 * from the learner's shell. Check kinds (see server/grading/schema.ts and docs/grading.md):
 *
 *   get / list   fetch objects, decide with CEL over `object` / `objects`
 *   access       SubjectAccessReview: may this user or ServiceAccount do that?
 *   kubeconfig   the learner kubeconfig's current context, read on the server
 *   script       an executable from the exercise folder, outside the jail, with a hard timeout
 *
 * Grading never throws and never hangs: a dead API server, a bad expression or a stuck script
 * each become a failed check with a message that says so.
 */
import type { Exercise } from './course.js';
import { evaluateAccess } from './grading/access.js';
import { evaluateAccessOnly } from './grading/access-only.js';
import { evaluateKubeconfig } from './grading/context.js';
import { ApiUnreachable, clientFor, sharedReads, type KubeReader } from './grading/kube.js';
import { evaluateGet, evaluateList } from './grading/resource.js';
import { learnerSafe, summarise, type CheckResult, type ExerciseResult, type Verdict } from './grading/result.js';
import type { Check, ListQuery, ObjectRef } from './grading/schema.js';
import { evaluateScript } from './grading/script.js';
import { evaluateNetworkPolicy } from './grading/network-policy.js';
import { evaluateDryRun, evaluateProbePod } from './grading/probe.js';
import { evaluateSteady } from './grading/steady.js';
import { fillKnownVariables, labVariables, type GradingTarget } from './grading/target.js';

export type { CheckResult, ExerciseResult } from './grading/result.js';
export type { Check } from './grading/schema.js';
export { targetOf, type GradingTarget } from './grading/target.js';

async function verdictOf(check: Check, exercise: Pick<Exercise, 'id' | 'dir' | 'hostView'>, t: GradingTarget, client: () => Promise<KubeReader>): Promise<Verdict> {
  if ('get' in check) return evaluateGet(await client(), check, t);
  if ('list' in check) return evaluateList(await client(), check, t);
  if ('access' in check) return evaluateAccess(await client(), check, t);
  if ('accessOnly' in check) return evaluateAccessOnly(await client(), check, t);
  if ('kubeconfig' in check) return evaluateKubeconfig(check, t);
  if ('dryRun' in check) return evaluateDryRun(check, t);
  if ('probePod' in check) return evaluateProbePod(check, t);
  if ('networkPolicy' in check) return evaluateNetworkPolicy(await client(), check, t);
  if ('steady' in check) return evaluateSteady(await client(), check, t);
  return evaluateScript(check, exercise, t);
}

export async function gradeCheck(check: Check, exercise: Pick<Exercise, 'id' | 'dir' | 'hostView'>, t: GradingTarget, reads?: () => Promise<KubeReader>): Promise<CheckResult> {
  let verdict: Verdict;
  try {
    verdict = await verdictOf(check, exercise, t, reads ?? (() => clientFor(t.grader)));
  } catch (err) {
    verdict = { passed: false, message: err instanceof ApiUnreachable ? `${err.message}: the check could not run. Is the lab still running?` : `the check could not run: ${learnerSafe((err as Error).message)}` };
  }
  // Titles and hints may name lab variables ({{worker1}}): the learner reads this lab's values.
  const title = fillKnownVariables(check.title, labVariables(t));
  const result: CheckResult = { title, passed: verdict.passed, message: verdict.passed && verdict.message === check.title ? title : verdict.message, points: verdict.passed ? check.points : 0, maxPoints: check.points };
  if (!verdict.passed && check.hint) result.hint = fillKnownVariables(check.hint, labVariables(t));
  if (check.part) result.part = check.part;
  return result;
}

/** Every check of an exercise, evaluated concurrently (they only read), in the exercise's order. */
export async function gradeExercise(exercise: Pick<Exercise, 'id' | 'dir' | 'checks' | 'hostView'> & { requires?: Exercise['requires'] }, t: GradingTarget): Promise<ExerciseResult> {
  // An exercise that needs running containers cannot pass on a lab without them (kwok): its checks
  // say why instead of failing for reasons the learner cannot fix.
  const missing = exercise.requires?.includes('containers') ? t.unsupported?.containers : undefined;
  if (missing) {
    const message = `not on this lab: this exercise needs a cluster that runs containers (${missing}) — use a kind lab`;
    return summarise(exercise.id, exercise.checks.map((c) => ({ title: c.title, passed: false, message, points: 0, maxPoints: c.points, ...(c.part ? { part: c.part } : {}) })));
  }
  let reads: Promise<KubeReader> | undefined;
  const shared = () => (reads ??= clientFor(t.grader).then(sharedReads));
  const checks = await Promise.all(exercise.checks.map((c) => gradeCheck(c, exercise, t, shared)));
  return summarise(exercise.id, checks);
}

/** A collection the live watcher follows: what a change to it could change in the result. */
export interface WatchedCollection {
  apiVersion: string;
  kind: string;
  /** Undefined: every namespace (or a cluster-scoped kind). */
  namespace?: string;
}

const rbacKinds: WatchedCollection[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
];

/** The collections an exercise's checks read, deduplicated; lab variables are filled later. */
export function watchedCollections(exercise: Pick<Exercise, 'checks'>): { collections: WatchedCollection[]; learnerKubeconfig: boolean; scripts: boolean } {
  const found = new Map<string, WatchedCollection>();
  const add = (c: WatchedCollection) => found.set(`${c.apiVersion}|${c.kind}|${c.namespace ?? ''}`, c);
  const addRef = (r: ObjectRef | ListQuery) => {
    add({ apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace });
    if (!('ownedBy' in r) || !r.ownedBy) return;
    // Ownership is followed by UID, so the owner itself (and for a Deployment its ReplicaSets) is read too.
    add({ apiVersion: r.ownedBy.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: r.ownedBy.kind, namespace: r.namespace });
    if (r.ownedBy.kind === 'Deployment') add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: r.namespace });
  };
  let learnerKubeconfig = false;
  let scripts = false;
  for (const c of exercise.checks) {
    if ('get' in c) addRef(c.get);
    if ('list' in c) addRef(c.list);
    if ('with' in c) for (const q of Object.values(c.with ?? {})) addRef('get' in q ? q.get : q.list);
    if ('access' in c || 'accessOnly' in c) rbacKinds.forEach(add);
    if ('kubeconfig' in c) learnerKubeconfig = true;
    if ('script' in c) scripts = true;
    // Probes and windows depend on more than one collection (admission policies, the scheduler, time): re-graded on the script timer.
    if ('dryRun' in c || 'probePod' in c || 'steady' in c) scripts = true;
    if ('steady' in c) addRef(c.steady);
    if ('networkPolicy' in c) {
      const namespace = c.networkPolicy.namespace;
      add({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace });
      add({ apiVersion: 'v1', kind: 'Pod', namespace });
      add({ apiVersion: 'v1', kind: 'Namespace' });
    }
  }
  return { collections: [...found.values()], learnerKubeconfig, scripts };
}
