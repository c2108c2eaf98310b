/**
 * An exercise's life on a lab: setup (admin credential, control-plane components stopped or
 * started as the exercise declares), the reference solution and trials (learner credential),
 * cleanup (admin credential; components put back to running).
 *
 * Scripts run with argv only, in the exercise folder, with a minimal environment: $KUBECONFIG,
 * $LAB, $NAMESPACE, $WORKER1…, and for setup/cleanup $LEARNER_KUBECONFIG (to reset what a learner
 * changed in their own kubeconfig).
 */
import { join } from 'node:path';
import { run, type ClusterProvider, type ControlPlaneComponent, type Lab } from '../../sandbox/index.js';
import { UserError } from '../errors.js';
import type { Exercise, Trial } from '../course.js';
import { scriptEnv, targetOf } from './target.js';

const scriptTimeoutMs = 180_000;

export class ScriptFailed extends UserError {
  constructor(readonly script: string, readonly output: string, detail: string) {
    super(`${script} failed: ${detail}`, output ? `Its last output: ${output}` : undefined);
    this.name = 'ScriptFailed';
  }
}

async function runScript(path: string, exercise: Exercise, lab: Lab, kubeconfig: string, extraEnv: Record<string, string> = {}): Promise<string> {
  const r = await run(path, [], { cwd: exercise.dir, env: scriptEnv(targetOf(lab), kubeconfig, extraEnv), timeoutMs: scriptTimeoutMs }).catch((err: NodeJS.ErrnoException) => {
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
    if (why) throw new UserError(`exercise ${exercise.id} needs ${f}, which lab ${lab.name} cannot offer: ${why}`, 'Use a kwok or kind lab for this exercise.');
  }
  if (exercise.setupComponents && lab.unsupported['set-component']) {
    throw new UserError(`exercise ${exercise.id} stops or starts control-plane components, which lab ${lab.name} cannot do: ${lab.unsupported['set-component']}`);
  }
}

export async function setupExercise(exercise: Exercise, lab: Lab, provider: ClusterProvider): Promise<void> {
  needs(exercise, lab);
  for (const [component, state] of Object.entries(exercise.setupComponents ?? {})) {
    await provider.setComponent(lab, component as ControlPlaneComponent, state === 'running');
  }
  if (exercise.setup) await runScript(exercise.setup, exercise, lab, lab.kubeconfigs.admin, { LEARNER_KUBECONFIG: lab.kubeconfigs.learner });
}

/** The reference solution, as a learner would type it: learner credential only. */
export async function solveExercise(exercise: Exercise, lab: Lab): Promise<void> {
  await runScript(exercise.solution, exercise, lab, lab.kubeconfigs.learner);
}

export async function runTrial(exercise: Exercise, trial: Trial, lab: Lab): Promise<void> {
  await runScript(join(exercise.dir, trial.script), exercise, lab, lab.kubeconfigs.learner);
}

/** Runs cleanup.sh, then puts every component setup touched back to running. */
export async function cleanupExercise(exercise: Exercise, lab: Lab, provider: ClusterProvider): Promise<void> {
  let failure: unknown;
  if (exercise.cleanup) {
    await runScript(exercise.cleanup, exercise, lab, lab.kubeconfigs.admin, { LEARNER_KUBECONFIG: lab.kubeconfigs.learner }).catch((err) => (failure = err));
  }
  // Components come back even when the script failed: a lab without a scheduler is broken for every later exercise.
  for (const component of Object.keys(exercise.setupComponents ?? {})) {
    await provider.setComponent(lab, component as ControlPlaneComponent, true);
  }
  if (failure) throw failure;
}
