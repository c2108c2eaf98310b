/** The result shapes grading returns: the ones the HTTP API sends and the browser renders are shared (shared/exercise.ts). */
import type { CheckResult, ExerciseResult } from '../../shared/exercise.js';

export type { CheckResult, ExerciseResult };

/** What one check evaluator decides, before points and hints are attached. */
export interface Verdict {
  passed: boolean;
  message: string;
}

export function summarise(exerciseId: string, checks: CheckResult[]): ExerciseResult {
  return {
    exerciseId,
    passed: checks.length > 0 && checks.every((c) => c.passed),
    points: checks.reduce((s, c) => s + c.points, 0),
    maxPoints: checks.reduce((s, c) => s + c.maxPoints, 0),
    checks,
  };
}

/**
 * An error's text as a learner may read it: no server paths, no stack. A file that has gone
 * (ENOENT on a kubeconfig) means the lab was deleted or replaced under the check.
 */
export function learnerSafe(message: string): string {
  if (/\bENOENT\b/.test(message)) return "the lab's files are gone (the lab was deleted or replaced); the check runs again on your current lab";
  return message
    .split('\n')
    .filter((line) => !/^\s+at\s/.test(line))
    .join(' ')
    .replace(/'?(?:\/[\w.@+-]+){2,}\/?'?/g, 'a server file')
    .trim();
}
