/**
 * Exam points for one exercise item, from its checks now and its checks as the setup left them
 * (the baseline, graded when the candidate's lab was prepared, before the clock started):
 *
 * - progress checks: those that failed on the untouched lab. Each one that passes now is gained.
 * - guard checks: those that already passed on the untouched lab ("worker 1 is not tainted",
 *   "may not delete pods"). They earn nothing; each one that fails now is lost.
 * - points = item points × max(0, gained − lost) / (points of all progress checks), rounded to
 *   hundredths. Every check weighs its own `points`.
 *
 * So an untouched exercise scores 0, a complete one scores full marks, and an answer that breaks
 * what was right (an over-grant, a taint on the wrong node) pays for it out of its progress and
 * never scores more than the same progress without the damage. Without a baseline (a sitting
 * whose lab could not be prepared) only a complete exercise scores: all or nothing.
 */

export interface GradedCheck {
  title: string;
  passed: boolean;
  maxPoints: number;
}

/** Titles of the checks of each exercise item that passed on the untouched lab, by item key. */
export type Baseline = Record<string, string[]>;

export interface ItemScore {
  points: number;
  /** Progress checks that pass now. */
  gained: string[];
  /** Guard checks that fail now. */
  lost: string[];
}

const round = (n: number) => Math.round(n * 100) / 100;

export function scoreItem(itemPoints: number, checks: GradedCheck[], baseline: string[] | undefined): ItemScore {
  if (!baseline) {
    const all = checks.length > 0 && checks.every((c) => c.passed);
    return { points: all ? itemPoints : 0, gained: all ? checks.map((c) => c.title) : [], lost: [] };
  }
  const before = new Set(baseline);
  const progress = checks.filter((c) => !before.has(c.title));
  const guards = checks.filter((c) => before.has(c.title));
  const possible = progress.reduce((s, c) => s + c.maxPoints, 0);
  const gained = progress.filter((c) => c.passed);
  const lost = guards.filter((c) => !c.passed);
  const net = gained.reduce((s, c) => s + c.maxPoints, 0) - lost.reduce((s, c) => s + c.maxPoints, 0);
  const points = possible > 0 && net > 0 ? round((itemPoints * net) / possible) : 0;
  return { points, gained: gained.map((c) => c.title), lost: lost.map((c) => c.title) };
}
