/**
 * What grading and the exercise scripts need to know about a lab: its grader and learner
 * kubeconfigs and its variables (node names, namespace). Built from a Lab, or from a bare
 * kubeconfig for `kubelab check --kubeconfig`.
 */
import { dirname, join } from 'node:path';
import type { HostHome, HostViewSpec, Lab } from '../../sandbox/index.js';
import type { Exercise } from '../course/exercise.js';

export interface GradingTarget {
  /** Lab name, for messages and $LAB; the kubeconfig path when there is no lab. */
  name: string;
  /** Read-only credential (plus SubjectAccessReview) every check uses. */
  grader: string;
  /** The learner's kubeconfig file, read (never used to connect) by kubeconfig checks. */
  learner?: string;
  /**
   * Admin credential, for the few checks that must write to judge: server-side dry runs (always
   * dryRun=All, nothing is stored) and a probe Pod created and deleted at once. Never handed to
   * scripts or CEL.
   */
  admin?: string;
  /** Lab variables: lab, namespace, worker1, worker2, … */
  variables: Record<string, string>;
  workers: string[];
  /** The learner's home, for host-view scripts (imported scenarios); a lab-private folder when no shell runs. */
  home?: HostHome;
  /** The lab's API server URL (host side), for host-view scripts. */
  server?: string;
  /** Features the lab cannot offer, with the reason (e.g. containers on kwok). */
  unsupported?: Lab['unsupported'];
}

/** A lab as grading sees it; `learner` is the learner kubeconfig kubeconfig checks read (the lab's own unless given). */
export function targetOf(lab: Lab, learner: string = lab.kubeconfigs.learner, home: HostHome = labHome(lab)): GradingTarget {
  return { name: lab.name, grader: lab.kubeconfigs.grader, learner, admin: lab.kubeconfigs.admin, variables: { ...lab.variables }, workers: [...lab.workers], home, server: lab.server, unsupported: { ...lab.unsupported } };
}

/**
 * The home host-view scripts see when the learner has no shell in this lab (the CLI, tests): a folder
 * beside the lab's own kubeconfigs, removed with the lab.
 */
export function labHome(lab: Pick<Lab, 'kubeconfigs'>): HostHome {
  return { path: join(dirname(lab.kubeconfigs.learner), 'scenario-home') };
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

/** The lab variables as text: lab, namespace, worker1, … */
export function labVariables(t: GradingTarget): Record<string, string> {
  return { ...t.variables, lab: t.variables.lab ?? t.name, namespace: t.variables.namespace ?? 'default' };
}

/** Fills the lab variables a text names and leaves any other {{ }} as written: for titles and hints shown to people. */
export function fillKnownVariables(text: string, variables: Record<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (all, name: string) => variables[name] ?? all);
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

/** The host view of one script run: the target's home and API server, a credential, the node names mapped. */
export function hostViewSpec(t: GradingTarget, exercise: Pick<Exercise, 'dir' | 'hostView'>, kubeconfig: string, writable: boolean, extra: Record<string, string> = {}): HostViewSpec {
  if (!t.home || !t.server) throw new Error(`lab ${t.name} gives no home or API server for scenario scripts`);
  const nodeNames: Record<string, string> = {};
  for (const [from, variable] of Object.entries(exercise.hostView?.nodeNames ?? {})) {
    const to = t.variables[variable];
    if (to) nodeNames[from] = to;
  }
  const env = scriptEnv(t, '/run/kubelab/kubeconfig', extra);
  delete env.PATH;
  delete env.HOME;
  delete env.KUBELAB_KUBECTL;
  // A host path, meaningless inside the view (and the learner's kubeconfig is theirs).
  delete env.LEARNER_KUBECONFIG;
  return { home: t.home, writable, kubeconfig, apiServer: t.server, exerciseDir: exercise.dir, nodeNames, env: env as Record<string, string> };
}
