/**
 * An exercise's life on a lab: setup (admin credential, control-plane components stopped or
 * started as the exercise declares), the reference solution and trials (learner credential),
 * cleanup (admin credential; components put back to running).
 *
 * Scripts run with argv only, in the exercise folder, with a minimal environment: $KUBECONFIG,
 * $LAB, $NAMESPACE, $WORKER1…, and for setup/cleanup $LEARNER_KUBECONFIG and $LAB_CONTEXT (the
 * name of the context the lab gave the learner) (to reset what a learner
 * changed in their own kubeconfig).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relative } from 'node:path';
import { learnerContextOf, run, runInHostView, type ClusterProvider, type ControlPlaneComponent, type HostHome, type Lab } from '../../sandbox/index.js';
import { UserError } from '../errors.js';
import type { Exercise, Trial } from '../course.js';
import { hostViewSpec, scriptEnv, targetOf } from './target.js';

const scriptTimeoutMs = 180_000;

export class ScriptFailed extends UserError {
  constructor(readonly script: string, readonly output: string, detail: string) {
    super(`${script} failed: ${detail}`, output ? `Its last output: ${output}` : undefined);
    this.name = 'ScriptFailed';
  }
}

/** Where a script runs: the learner's home host-view scripts see (their live shell's, else the lab's folder). */
export interface ScriptPlace {
  home?: HostHome;
}

async function runScript(path: string, exercise: Exercise, lab: Lab, kubeconfig: string, extraEnv: Record<string, string> = {}, place: ScriptPlace = {}): Promise<string> {
  const target = { ...targetOf(lab), ...(place.home ? { home: place.home } : {}) };
  // Imported scenarios' scripts expect a lab host: they run in the host view, with write access to the home.
  const started = exercise.hostView
    ? runInHostView(hostViewSpec(target, exercise, kubeconfig, true, extraEnv), relative(exercise.dir, path), [], { timeoutMs: scriptTimeoutMs })
    : run(path, [], { cwd: exercise.dir, env: scriptEnv(target, kubeconfig, extraEnv), timeoutMs: scriptTimeoutMs });
  const r = await started.catch((err: NodeJS.ErrnoException) => {
    throw new ScriptFailed(path, '', `it could not start (${err.code ?? err.message})`);
  });
  const tail = (r.stderr + r.stdout).trim().split('\n').slice(-5).join('\n');
  if (r.timedOut) throw new ScriptFailed(path, tail, `it did not finish within ${scriptTimeoutMs / 1000} s`);
  if (r.code !== 0) throw new ScriptFailed(path, tail, `exit status ${r.code}`);
  return r.stdout;
}

function needs(exercise: Exercise, lab: Lab): void {
  for (const f of exercise.requires) {
    const why = lab.unsupported[f];
    if (why) throw new UserError(`exercise ${exercise.id} needs ${f}, which lab ${lab.name} cannot offer: ${why}`, f === 'containers' ? 'Use a kind (or minikube) lab for this exercise.' : 'Use a kwok or kind lab for this exercise.');
  }
  if (exercise.setupComponents && lab.unsupported['set-component']) {
    throw new UserError(`exercise ${exercise.id} stops or starts control-plane components, which lab ${lab.name} cannot do: ${lab.unsupported['set-component']}`);
  }
}

/** What setup and cleanup scripts need to put the learner's kubeconfig back: the file, and the lab's own context in it. */
function learnerEnv(lab: Lab): Record<string, string> {
  let context = '';
  try {
    context = learnerContextOf(readFileSync(lab.kubeconfigs.grader, 'utf8')).name;
  } catch {
    /* no grader kubeconfig to read: scripts see an empty $LAB_CONTEXT */
  }
  return { LEARNER_KUBECONFIG: lab.kubeconfigs.learner, LAB_CONTEXT: context };
}

export async function setupExercise(exercise: Exercise, lab: Lab, provider: ClusterProvider, place: ScriptPlace = {}): Promise<void> {
  needs(exercise, lab);
  for (const [component, state] of Object.entries(exercise.setupComponents ?? {})) {
    await provider.setComponent(lab, component as ControlPlaneComponent, state === 'running');
  }
  if (exercise.setup) await runScript(exercise.setup, exercise, lab, lab.kubeconfigs.admin, learnerEnv(lab), place);
}

/** The reference solution, as a learner would type it: learner credential only. */
export async function solveExercise(exercise: Exercise, lab: Lab, place: ScriptPlace = {}): Promise<void> {
  await runScript(exercise.solution, exercise, lab, lab.kubeconfigs.learner, {}, place);
}

/**
 * A trial as a learner would type it (learner credential). A trial with `thenStop` stops that
 * component (through `provider`) after its script and runs its `then` script; the caller starts
 * the component again with restoreTrialComponents.
 */
export async function runTrial(exercise: Exercise, trial: Trial, lab: Lab, opts: ScriptPlace & { provider?: ClusterProvider } = {}): Promise<void> {
  await runScript(join(exercise.dir, trial.script), exercise, lab, lab.kubeconfigs.learner, {}, opts);
  if (trial.thenStop && trial.then) {
    if (!opts.provider) throw new Error(`trial ${trial.script} stops ${trial.thenStop}: runTrial needs the lab's provider`);
    await opts.provider.setComponent(lab, trial.thenStop, false);
    await runScript(join(exercise.dir, trial.then), exercise, lab, lab.kubeconfigs.learner, {}, opts);
  }
}

/** Starts again what a trial stopped. */
export async function restoreTrialComponents(trial: Trial, lab: Lab, provider: ClusterProvider): Promise<void> {
  if (trial.thenStop) await provider.setComponent(lab, trial.thenStop, true);
}

/** Runs cleanup.sh, then puts every component setup touched back to running. */
export async function cleanupExercise(exercise: Exercise, lab: Lab, provider: ClusterProvider, place: ScriptPlace = {}): Promise<void> {
  let failure: unknown;
  if (exercise.cleanup) {
    await runScript(exercise.cleanup, exercise, lab, lab.kubeconfigs.admin, learnerEnv(lab), place).catch((err) => (failure = err));
  }
  // Components come back even when the script failed: a lab without a scheduler is broken for every later exercise.
  for (const component of Object.keys(exercise.setupComponents ?? {})) {
    await provider.setComponent(lab, component as ControlPlaneComponent, true);
  }
  if (failure) throw failure;
}
