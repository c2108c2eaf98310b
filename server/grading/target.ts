/**
 * What grading and the exercise scripts need to know about a lab: its grader and learner
 * kubeconfigs and its variables (node names, namespace). Built from a Lab, or from a bare
 * kubeconfig for `kubelab check --kubeconfig`.
 */
import type { Lab } from '../../sandbox/index.js';

export interface GradingTarget {
  /** Lab name, for messages and $LAB; the kubeconfig path when there is no lab. */
  name: string;
  /** Read-only credential (plus SubjectAccessReview) every check uses. */
  grader: string;
  /** The learner's kubeconfig file, read (never used to connect) by kubeconfig checks. */
  learner?: string;
  /** Lab variables: lab, namespace, worker1, worker2, … */
  variables: Record<string, string>;
  workers: string[];
}

export function targetOf(lab: Lab): GradingTarget {
  return { name: lab.name, grader: lab.kubeconfigs.grader, learner: lab.kubeconfigs.learner, variables: { ...lab.variables }, workers: [...lab.workers] };
}

/** CEL variables every check sees: lab, namespace, workers, worker1, worker2, … */
export function labBindings(t: GradingTarget): Record<string, unknown> {
  return { ...t.variables, lab: t.variables.lab ?? t.name, namespace: t.variables.namespace ?? 'default', workers: t.workers };
}

/** Fills {{worker1}}-style lab variables in a query field. */
export function fillVariables(text: string, t: GradingTarget): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_all, name: string) => {
    const v = t.variables[name];
    if (v === undefined) throw new Error(`this lab has no variable {{${name}}} (it has ${Object.keys(t.variables).join(', ')})`);
    return v;
  });
}

/** Environment of exercise scripts: only what they need, never the server's own environment. */
export function scriptEnv(t: GradingTarget, kubeconfig: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    KUBECONFIG: kubeconfig,
    LAB: t.variables.lab ?? t.name,
    NAMESPACE: t.variables.namespace ?? 'default',
    ...extra,
  };
  if (process.env.KUBELAB_KUBECTL) env.KUBELAB_KUBECTL = process.env.KUBELAB_KUBECTL;
  t.workers.forEach((w, i) => (env[`WORKER${i + 1}`] = w));
  return env;
}
