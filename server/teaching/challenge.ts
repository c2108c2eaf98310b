/**
 * Challenge mode: a learner in it is sent no hints and no solutions (lesson hints and solutions,
 * exercise hints, the fix hint of a failed check). It is on for everyone when the course is
 * configured so (config `challenge`), and for a workshop's learners when the instructor created
 * the workshop with it. Decided on the server: what is hidden is never sent.
 */
import type { AppContext } from '../context.js';
import type { ExerciseResult } from '../../shared/exercise.js';

/** Why a learner is in challenge mode, or undefined when they are not. */
export type ChallengeSource = 'course' | 'workshop';

export function challengeFor(ctx: AppContext, userId: number): ChallengeSource | undefined {
  if (ctx.config.challenge) return 'course';
  if (ctx.store.workshops.workshopOf(userId)?.challenge) return 'workshop';
  return undefined;
}

/** An exercise result as a learner in challenge mode receives it: what failed and why, no fix hints. */
export function withoutHints(r: ExerciseResult): ExerciseResult {
  return { ...r, checks: r.checks.map(({ hint: _hint, ...c }) => c) };
}

/** What the page says when challenge mode is on, after a bold "Challenge mode". */
export function challengeNotice(source: ChallengeSource): string {
  return source === 'course'
    ? 'is on for this course: hints and solutions are hidden. Failed checks still say what was expected and what was found.'
    : 'is on for your workshop: hints and solutions are hidden. Failed checks still say what was expected and what was found.';
}
