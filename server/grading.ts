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
import { evaluateKubeconfig } from './grading/context.js';
import { ApiUnreachable, clientFor, sharedReads, type KubeReader } from './grading/kube.js';
import { evaluateGet, evaluateList } from './grading/resource.js';
import { summarise, type CheckResult, type ExerciseResult, type Verdict } from './grading/result.js';
import type { Check, ListQuery, ObjectRef } from './grading/schema.js';
import { evaluateScript } from './grading/script.js';
import type { GradingTarget } from './grading/target.js';

export type { CheckResult, ExerciseResult } from './grading/result.js';
export type { Check } from './grading/schema.js';
export { targetOf, type GradingTarget } from './grading/target.js';

async function verdictOf(check: Check, exercise: Pick<Exercise, 'id' | 'dir'>, t: GradingTarget, client: () => Promise<KubeReader>): Promise<Verdict> {
  if ('get' in check) return evaluateGet(await client(), check, t);
  if ('list' in check) return evaluateList(await client(), check, t);
  if ('access' in check) return evaluateAccess(await client(), check, t);
  if ('kubeconfig' in check) return evaluateKubeconfig(check, t);
  return evaluateScript(check, exercise, t);
}

export async function gradeCheck(check: Check, exercise: Pick<Exercise, 'id' | 'dir'>, t: GradingTarget, reads?: () => Promise<KubeReader>): Promise<CheckResult> {
  let verdict: Verdict;
  try {
    verdict = await verdictOf(check, exercise, t, reads ?? (() => clientFor(t.grader)));
  } catch (err) {
    verdict = { passed: false, message: err instanceof ApiUnreachable ? `${err.message}: the check could not run. Is the lab still running?` : `the check could not run: ${(err as Error).message}` };
  }
  const result: CheckResult = { title: check.title, passed: verdict.passed, message: verdict.message, points: verdict.passed ? check.points : 0, maxPoints: check.points };
  if (!verdict.passed && check.hint) result.hint = check.hint;
  return result;
}

/** Every check of an exercise, evaluated concurrently (they only read), in the exercise's order. */
export async function gradeExercise(exercise: Pick<Exercise, 'id' | 'dir' | 'checks'>, t: GradingTarget): Promise<ExerciseResult> {
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
    if ('ownedBy' in r && r.ownedBy?.kind === 'Deployment') add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: r.namespace });
  };
  let learnerKubeconfig = false;
  let scripts = false;
  for (const c of exercise.checks) {
    if ('get' in c) addRef(c.get);
    if ('list' in c) addRef(c.list);
    if ('with' in c) for (const q of Object.values(c.with ?? {})) addRef('get' in q ? q.get : q.list);
    if ('access' in c) rbacKinds.forEach(add);
    if ('kubeconfig' in c) learnerKubeconfig = true;
    if ('script' in c) scripts = true;
  }
  return { collections: [...found.values()], learnerKubeconfig, scripts };
}
