/**
 * What the catalog conformance tests share, whatever the provider: grading until a result settles,
 * a small pool of labs reset between scenarios, and the check of one trial.
 */
import { expect } from 'vitest';
import type { ClusterProvider, Lab } from '../../sandbox/index.js';
import type { Exercise } from '../../server/course/exercise.js';
import type { Trial } from '../../server/course.js';
import { gradeExercise, targetOf, type ExerciseResult } from '../../server/grading.js';
import { cleanupExercise, restoreTrialComponents, runTrial, setupExercise } from '../../server/grading/lifecycle.js';
import { wipeLab } from '../../server/grading/wipe.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const summary = (r: ExerciseResult) => r.checks.map((c) => `${c.passed ? 'PASS' : 'FAIL'} ${c.title}: ${c.message}`).join('\n');

/** Grades until `done` says so or the time is up; returns the last result. */
export async function gradeUntil(ex: Exercise, lab: Lab, done: (r: ExerciseResult) => boolean, timeoutMs = 60_000): Promise<ExerciseResult> {
  const deadline = Date.now() + timeoutMs;
  let r = await gradeExercise(ex, targetOf(lab));
  while (!done(r) && Date.now() < deadline) {
    await sleep(500);
    r = await gradeExercise(ex, targetOf(lab));
  }
  return r;
}

export const failsWith = (word: string) => (r: ExerciseResult) => !r.passed && r.checks.some((c) => !c.passed && c.message.toLowerCase().includes(word.toLowerCase()));

/** A small pool: each scenario borrows a lab, resets it, and gives it back. */
export class LabPool {
  private free: Lab[] = [];
  private waiting: ((lab: Lab) => void)[] = [];
  constructor(private readonly provider: ClusterProvider) {}
  add(lab: Lab) {
    const w = this.waiting.shift();
    if (w) w(lab);
    else this.free.push(lab);
  }
  async with<T>(fn: (lab: Lab) => Promise<T>): Promise<T> {
    const lab = this.free.pop() ?? (await new Promise<Lab>((r) => this.waiting.push(r)));
    try {
      await wipeLab(lab, this.provider);
      return await fn(lab);
    } finally {
      this.add(lab);
    }
  }
}

export async function checkTrial(ex: Exercise, trial: Trial, lab: Lab, provider: ClusterProvider, settleMs = 45_000): Promise<void> {
  try {
    await setupExercise(ex, lab, provider);
    // A wrong trial may stop half-way (like a learner's failed command); what it left is still graded.
    await runTrial(ex, trial, lab, { provider }).catch((err: Error & { hint?: string }) => {
      if (trial.passes) throw new Error(`${err.message}\n${err.hint ?? ''}`);
    });
    if (trial.passes) {
      const r = await gradeUntil(ex, lab, (x) => x.passed);
      expect(r.passed, `${trial.script} should pass:\n${summary(r)}`).toBe(true);
      return;
    }
    const r = await gradeUntil(ex, lab, failsWith(trial.failsWith!), settleMs);
    expect(failsWith(trial.failsWith!)(r), `${trial.script} should fail with a message containing "${trial.failsWith}":\n${summary(r)}`).toBe(true);
    // And it stays failed once the controllers have had their say.
    await sleep(2_000);
    const later = await gradeExercise(ex, targetOf(lab));
    expect(later.passed, `${trial.script} passed after settling:\n${summary(later)}`).toBe(false);
  } finally {
    await restoreTrialComponents(trial, lab, provider);
    await cleanupExercise(ex, lab, provider);
  }
}
