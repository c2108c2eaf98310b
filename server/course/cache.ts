/** The course as loaded once per server (lessons are read at start; a restart picks up edits). */
import type { AppContext } from '../context.js';
import { loadCourse, type Course, type Lesson } from '../course.js';

const cache = new WeakMap<object, Course>();

export function courseOf(ctx: AppContext): Course {
  const key = ctx.config;
  let course = cache.get(key);
  if (!course) {
    course = loadCourse(ctx.config.lessonsDir);
    cache.set(key, course);
  }
  return course;
}

export function lessonById(ctx: AppContext, id: string): Lesson | undefined {
  return courseOf(ctx).lessons.find((l) => l.id === id);
}

/** The URL of a lesson's page. */
export const lessonUrl = (lessonId: string) => `/lessons/${encodeURIComponent(lessonId)}`;
