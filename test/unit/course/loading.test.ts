import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { loadCourse } from '../../../server/course.js';
import { packageRoot } from '../../../sandbox/index.js';

const fixtures = join(packageRoot, 'test', 'fixtures');
const mixed = join(fixtures, 'lessons-mixed');
const rel = (f: string) => f.slice(mixed.length + 1);

describe('loading a course with good and broken lessons', () => {
  const course = loadCourse(mixed);
  const problems = course.problems.map((p) => `${rel(p.file)}:${p.line}: ${p.message}`);

  test('the good lesson loads whole: front matter, body, exercises, quiz', () => {
    const good = course.lessons.find((l) => l.id === 'good')!;
    expect(good).toBeDefined();
    expect(good.title).toBe('A good lesson');
    expect(good.exerciseIds).toEqual(['hello-pod']);
    expect(good.exercises[0]!.solution).toBe(join(mixed, '01-good/exercises/hello-pod/solution.sh'));
    expect(good.quiz.map((q) => q.kind)).toEqual(['single', 'multiple', 'order', 'short']);
    expect(good.body.startsWith('# Hello')).toBe(true);
    expect(good.bodyLine).toBe(31);
    expect(course.exercises.get('hello-pod')?.checks[0]).toMatchObject({ title: 'Pod hello exists', points: 1 });
  });

  test('a lesson whose front matter is malformed is left out; the others still load', () => {
    expect(course.lessons.map((l) => l.id)).toEqual(['good', 'bad-checks']);
    expect(problems).toContain('03-bad-front-matter/lesson.md:6: unknown field "difficulty"');
    expect(problems).toContain('03-bad-front-matter/lesson.md:12: quiz.0.answer: answer is the index of an option (counting from 0)');
  });

  test('a broken exercise is left out of its lesson, with every problem at its line', () => {
    expect(course.exercises.has('bad-cel')).toBe(false);
    expect(course.lessons.find((l) => l.id === 'bad-checks')!.exerciseIds).toEqual([]);
    expect(problems).toContain('02-bad-checks/exercises/bad-cel/exercise.yaml:8: checks.0.expect: CEL does not compile: at 1:22: found = but expecting end of input (variables here: object, lab variables)');
    expect(problems).toContain('02-bad-checks/exercises/bad-cel/exercise.yaml:11: checks.1.expect: CEL does not compile: unknown function isHappy() (variables here: objects, lab variables)');
    expect(problems).toContain('02-bad-checks/exercises/bad-kind/exercise.yaml:8: checks.0.exec: unknown check type "exec": use one of get, list, access, accessOnly, kubeconfig, script, dryRun, probePod, networkPolicy, steady');
    expect(problems).toContain('02-bad-checks/exercises/bad-kind/exercise.yaml:5: unknown field "colour"');
  });

  test('front matter and body must agree on the exercises', () => {
    expect(problems).toContain('02-bad-checks/lesson.md:6: exercise missing-folder is listed but exercises/missing-folder/ does not exist');
    expect(problems).toContain('02-bad-checks/lesson.md:14: :::exercise not-listed names an exercise not listed in the front matter');
    expect(problems).toContain('02-bad-checks/lesson.md:6: exercise missing-folder is listed but the body has no :::exercise missing-folder marker');
    // A marker inside a fenced code block is an example, not a placement.
    expect(problems.some((p) => p.includes('not-a-marker-inside-code'))).toBe(false);
  });

  test('nothing else is reported', () => {
    expect(problems).toHaveLength(9);
  });
});

describe('more lint problems', () => {
  const course = loadCourse(join(fixtures, 'lessons-lint'));
  const problems = course.problems.map((p) => `${p.file.slice(join(fixtures, 'lessons-lint').length + 1)}:${p.line}: ${p.message}`);

  test('duplicate ids, missing and non-executable scripts, bad YAML, bad trials', () => {
    expect(problems).toEqual(
      expect.arrayContaining([
        '02-dup/lesson.md:2: lesson id dup is already used by ' + join(fixtures, 'lessons-lint', '01-dup', 'lesson.md'),
        '03-scripts/exercises/no-scripts/exercise.yaml:5: setup.sh does not exist in no-scripts/',
        '03-scripts/exercises/no-scripts/exercise.yaml:6: solution.sh is not executable (chmod +x solution.sh)',
        '03-scripts/exercises/bad-schema/exercise.yaml:7: checks.0.access: name exactly one of user or serviceAccount',
        '03-scripts/exercises/bad-schema/exercise.yaml:10: checks.1.get.name: unknown lab variable {{worker_one}}: use lab, namespace, worker1, worker2, …',
        '03-scripts/exercises/bad-schema/exercise.yaml:12: trials.0.failsWith: a failing trial says which word its failure message must contain (failsWith)',
        '04-bad-yaml/lesson.md:4: YAML: Nested mappings are not allowed in compact mappings',
        'Not-A-Lesson:1: lesson folder Not-A-Lesson must be named NN-name (two digits, a dash, lowercase words)',
      ]),
    );
    expect(course.lessons.map((l) => l.id)).toEqual(['dup', 'scripts']);
  });

  test('a missing lessons folder is one problem, not an exception', () => {
    const none = loadCourse(join(fixtures, 'no-such-folder'));
    expect(none.lessons).toEqual([]);
    expect(none.problems[0]!.message).toBe('the lessons folder does not exist');
  });
});
