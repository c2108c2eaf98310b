/** Loading one exercise folder: exercise.yaml validated, and every file it names present and executable. */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseLocated, validate, type LintProblem } from './yaml.js';
import { exerciseSchema, type ExerciseFile } from './schema.js';

export interface Exercise extends Omit<ExerciseFile, 'setup' | 'solution' | 'cleanup' | 'foreground'> {
  lessonId: string;
  /** Absolute path of the exercise folder. */
  dir: string;
  /** Absolute paths of the scripts. */
  setup?: string;
  solution: string;
  cleanup?: string;
  /** The foreground file's text: typed into the learner's terminal after setup. */
  foreground?: string;
}

export function loadExercise(dir: string, expectedId: string, lessonId: string): { exercise?: Exercise; problems: LintProblem[] } {
  const file = join(dir, 'exercise.yaml');
  if (!existsSync(file)) return { problems: [{ file: dir, line: 1, message: `exercise folder ${expectedId} has no exercise.yaml` }] };
  const located = parseLocated(readFileSync(file, 'utf8'), file);
  const { data, problems } = validate(located, exerciseSchema, file);
  if (!data) return { problems };
  if (data.id !== expectedId) problems.push({ file, line: located.lineOf(['id']), message: `id ${data.id} does not match its folder name ${expectedId}` });

  const needExecutable = (rel: string | undefined, path: (string | number)[]) => {
    if (!rel) return;
    const abs = join(dir, rel);
    if (!existsSync(abs) || !statSync(abs).isFile()) problems.push({ file, line: located.lineOf(path), message: `${rel} does not exist in ${expectedId}/` });
    else if (!executable(abs)) problems.push({ file, line: located.lineOf(path), message: `${rel} is not executable (chmod +x ${rel})` });
  };
  needExecutable(data.setup, ['setup']);
  needExecutable(data.solution, ['solution']);
  needExecutable(data.cleanup, ['cleanup']);
  if (data.foreground && !existsSync(join(dir, data.foreground))) problems.push({ file, line: located.lineOf(['foreground']), message: `${data.foreground} does not exist in ${expectedId}/` });
  data.checks.forEach((c, i) => 'script' in c && needExecutable(c.script, ['checks', i, 'script']));
  data.trials.forEach((t, i) => {
    needExecutable(t.script, ['trials', i, 'script']);
    if (t.then) needExecutable(t.then, ['trials', i, 'then']);
  });
  if (problems.length) return { problems };

  const abs = (rel: string | undefined) => (rel ? join(dir, rel) : undefined);
  return {
    problems,
    exercise: {
      ...data,
      lessonId,
      dir,
      setup: abs(data.setup),
      solution: join(dir, data.solution),
      cleanup: abs(data.cleanup),
      foreground: data.foreground ? readFileSync(join(dir, data.foreground), 'utf8') : undefined,
    },
  };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
