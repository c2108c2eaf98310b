/**
 * What the server says about exercises and the browser shows: one check's result, one
 * exercise's result (docs/grading.md), and where a learner stands with an exercise.
 */
export interface CheckResult {
  title: string;
  passed: boolean;
  /** What was observed against what was expected on failure; the pass message (or title) on success. */
  message: string;
  points: number;
  maxPoints: number;
  /** Only on a failed check. */
  hint?: string;
  /** The part of the exercise this check grades, when the exercise is graded in parts. */
  part?: string;
}

export interface ExerciseResult {
  exerciseId: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  checks: CheckResult[];
}

/** Where a learner stands with one exercise: passed at least once, tried without passing, or not started. */
export type ExerciseState = 'passed' | 'trying' | 'not-started';

export function exerciseStateOf(passed: boolean, tried: boolean): ExerciseState {
  return passed ? 'passed' : tried ? 'trying' : 'not-started';
}
