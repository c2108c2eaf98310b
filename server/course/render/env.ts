/** What rendering one lesson for one learner needs: their lab's variables and their progress. */
import type { Exercise } from '../../course.js';

import type { ExerciseState } from '../../../shared/exercise.js';

export type { ExerciseState };

export interface RenderEnv {
  /** The lesson's id: image URLs are /lessons/<id>/images/<file>. */
  lessonId: string;
  /** Lab variables, or undefined while the learner's lab is not ready. */
  vars: Record<string, string> | undefined;
  /** The lesson's exercises by id. */
  exercises: Map<string, Exercise>;
  /** The learner's state per exercise id. */
  exerciseState: (id: string) => ExerciseState;
  /** Challenge mode: hints and solutions are left out of the HTML (not hidden by CSS: never sent). */
  challenge?: boolean;
  /** Heading ids already used on the page. */
  headingIds?: Set<string>;
}
