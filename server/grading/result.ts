/** The result shapes grading returns, the HTTP API sends and the browser renders (see docs/grading.md). */
export interface CheckResult {
  title: string;
  passed: boolean;
  /** What was observed against what was expected on failure; the pass message (or title) on success. */
  message: string;
  points: number;
  maxPoints: number;
  /** Only on a failed check. */
  hint?: string;
}

export interface ExerciseResult {
  exerciseId: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  checks: CheckResult[];
}

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
