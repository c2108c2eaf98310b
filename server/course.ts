/**
 * The course: lessons from `lessons/NN-name/lesson.md` (front matter + markdown body), sorted by
 * folder name, each with its exercises from `exercises/<id>/exercise.yaml`.
 *
 * Lesson content is authored by people and may be wrong: loading never throws for bad content.
 * A lesson whose front matter is malformed is left out; an exercise that is malformed is left out
 * of its lesson; every problem comes back as a LintProblem with file and line, and all the other
 * lessons still load. `kubelab lint` prints exactly these problems.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { frontMatterSchema, type QuizQuestion } from './course/schema.js';
import { loadExercise, type Exercise } from './course/exercise.js';
import { exerciseMarkers } from './course/markers.js';
import { parseLocated, validate, type LintProblem } from './course/yaml.js';

export type { Exercise } from './course/exercise.js';
export type { QuizQuestion, Trial } from './course/schema.js';
export type { LintProblem } from './course/yaml.js';
export { answerAsTexts, checkQuizAnswer, optionIndex, type QuizVerdict } from './course/quiz.js';

export interface Lesson {
  id: string;
  title: string;
  minutes: number;
  goal: string;
  /** Features the whole lesson needs (its Run blocks and exercises), e.g. containers; shown on the index and the page. */
  requires: string[];
  /** Absolute path of the lesson folder. */
  dir: string;
  /** Absolute path of lesson.md. */
  file: string;
  /** Markdown without the front matter. */
  body: string;
  /** Line of lesson.md where the body starts (1-based), for mapping rendering problems back. */
  bodyLine: number;
  /** Ids of the lesson's exercises that loaded, in front-matter order. */
  exerciseIds: string[];
  exercises: Exercise[];
  quiz: QuizQuestion[];
}

export interface Course {
  lessons: Lesson[];
  exercises: Map<string, Exercise>;
  problems: LintProblem[];
}

export const lessonFolderPattern = /^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$/;

export function loadCourse(lessonsDir: string): Course {
  const course: Course = { lessons: [], exercises: new Map(), problems: [] };
  if (!existsSync(lessonsDir) || !statSync(lessonsDir).isDirectory()) {
    course.problems.push({ file: lessonsDir, line: 1, message: 'the lessons folder does not exist' });
    return course;
  }
  const folders = readdirSync(lessonsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const lessonIds = new Map<string, string>();
  for (const folder of folders) {
    const dir = join(lessonsDir, folder);
    if (!lessonFolderPattern.test(folder)) {
      course.problems.push({ file: dir, line: 1, message: `lesson folder ${folder} must be named NN-name (two digits, a dash, lowercase words)` });
      continue;
    }
    const lesson = loadLesson(dir, course.problems);
    if (!lesson) continue;
    const other = lessonIds.get(lesson.id);
    if (other) {
      course.problems.push({ file: lesson.file, line: 2, message: `lesson id ${lesson.id} is already used by ${other}` });
      continue;
    }
    lessonIds.set(lesson.id, lesson.file);
    for (const ex of [...lesson.exercises]) {
      const first = course.exercises.get(ex.id);
      if (first) {
        course.problems.push({ file: join(ex.dir, 'exercise.yaml'), line: 1, message: `exercise id ${ex.id} is already used in lesson ${first.lessonId}` });
        lesson.exercises.splice(lesson.exercises.indexOf(ex), 1);
        lesson.exerciseIds.splice(lesson.exerciseIds.indexOf(ex.id), 1);
        continue;
      }
      course.exercises.set(ex.id, ex);
    }
    course.lessons.push(lesson);
  }
  return course;
}

/** Splits `---\n<yaml>\n---\n<body>`; the YAML starts at line 2. */
function splitFrontMatter(text: string): { yaml: string; body: string; bodyLine: number } | undefined {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '---') return undefined;
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0) return undefined;
  return { yaml: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n'), bodyLine: end + 2 };
}

function loadLesson(dir: string, problems: LintProblem[]): Lesson | undefined {
  const file = join(dir, 'lesson.md');
  if (!existsSync(file)) {
    problems.push({ file, line: 1, message: 'lesson.md is missing' });
    // Its exercises are still checked, so their problems do not wait for the prose.
    const exRoot = join(dir, 'exercises');
    if (existsSync(exRoot)) {
      for (const d of readdirSync(exRoot, { withFileTypes: true })) if (d.isDirectory()) problems.push(...loadExercise(join(exRoot, d.name), d.name, '').problems);
    }
    return undefined;
  }
  const text = readFileSync(file, 'utf8');
  const split = splitFrontMatter(text);
  if (!split) {
    problems.push({ file, line: 1, message: 'lesson.md must start with YAML front matter between --- lines' });
    return undefined;
  }
  const located = parseLocated(split.yaml, file, 2);
  const { data: fm, problems: fmProblems } = validate(located, frontMatterSchema, file);
  problems.push(...fmProblems);
  if (!fm) return undefined;

  const exercises: Exercise[] = [];
  fm.exercises.forEach((id, i) => {
    const exDir = join(dir, 'exercises', id);
    if (!existsSync(exDir)) {
      problems.push({ file, line: located.lineOf(['exercises', i]), message: `exercise ${id} is listed but exercises/${id}/ does not exist` });
      return;
    }
    const r = loadExercise(exDir, id, fm.id);
    problems.push(...r.problems);
    if (r.exercise) exercises.push(r.exercise);
  });

  // Exercise folders the front matter forgot.
  const exRoot = join(dir, 'exercises');
  if (existsSync(exRoot)) {
    for (const d of readdirSync(exRoot, { withFileTypes: true })) {
      if (d.isDirectory() && !fm.exercises.includes(d.name)) {
        problems.push({ file, line: located.lineOf(['exercises']), message: `exercises/${d.name}/ exists but is not listed in the front matter's exercises` });
      }
    }
  }

  // Every listed exercise is placed exactly once in the body, and every marker names a listed exercise.
  const markers = exerciseMarkers(split.body, split.bodyLine);
  for (const m of markers) {
    if (!fm.exercises.includes(m.id)) problems.push({ file, line: m.line, message: `:::exercise ${m.id} names an exercise not listed in the front matter` });
    else if (markers.filter((o) => o.id === m.id)[1] === m) problems.push({ file, line: m.line, message: `:::exercise ${m.id} appears more than once` });
  }
  fm.exercises.forEach((id, i) => {
    if (!markers.some((m) => m.id === id)) problems.push({ file, line: located.lineOf(['exercises', i]), message: `exercise ${id} is listed but the body has no :::exercise ${id} marker` });
  });

  return {
    id: fm.id,
    title: fm.title,
    minutes: fm.minutes,
    goal: fm.goal,
    requires: fm.requires,
    dir,
    file,
    body: split.body,
    bodyLine: split.bodyLine,
    exerciseIds: exercises.map((e) => e.id),
    exercises,
    quiz: fm.quiz,
  };
}
