/**
 * Lesson rendering: markdown-it with raw HTML off, plus the lesson extensions of
 * docs/lesson-format.md (runnable code blocks, hints, solutions, admonitions, exercise panels,
 * lesson images, lab variables). Everything from a lesson file is escaped on the way out; the
 * only markup is what these rules write.
 */
import MarkdownIt from 'markdown-it';
import type { Lesson } from '../course.js';
import { codeBlocks } from './render/code.js';
import { containers } from './render/containers.js';
import { inlineRules } from './render/inline.js';
import type { ExerciseState, RenderEnv } from './render/env.js';

export type { ExerciseState, RenderEnv } from './render/env.js';
export { lessonImagePattern } from './render/inline.js';

function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  codeBlocks(md);
  containers(md);
  inlineRules(md);
  return md;
}

const md = createMarkdown();

export interface LessonRenderInput {
  /** Lab variables, or undefined while the learner's lab is not ready (the page fills them later). */
  vars?: Record<string, string>;
  /** The learner's state of an exercise. */
  exerciseState?: (id: string) => ExerciseState;
  /** Challenge mode: no hints and no solutions in the HTML. */
  challenge?: boolean;
}

/** The HTML of a lesson's body for one learner. */
export function renderLesson(lesson: Pick<Lesson, 'id' | 'body' | 'exercises'>, input: LessonRenderInput = {}): string {
  const env: RenderEnv = {
    lessonId: lesson.id,
    vars: input.vars,
    exercises: new Map(lesson.exercises.map((e) => [e.id, e])),
    exerciseState: input.exerciseState ?? (() => 'not-started'),
    challenge: input.challenge,
  };
  return md.render(lesson.body, env);
}

/** Markdown outside a lesson body (a goal, a title): inline only, same escaping and variables. */
export function renderInline(text: string, lessonId: string, vars?: Record<string, string>): string {
  const env: RenderEnv = { lessonId, vars, exercises: new Map(), exerciseState: () => 'not-started' };
  return md.renderInline(text, env);
}
