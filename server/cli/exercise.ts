/** kubelab exercise setup | solve | cleanup, kubelab check, kubelab lint. */
import { relative, resolve } from 'node:path';
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig, type Config } from '../config.js';
import { UserError } from '../errors.js';
import { chooseProvider } from '../labs/providers.js';
import { loadCourse, type Exercise } from '../course.js';
import { gradeExercise, targetOf, type ExerciseResult, type GradingTarget } from '../grading.js';
import { targetFromKubeconfig } from '../grading/cli-target.js';
import { ApiUnreachable } from '../grading/kube.js';
import { cleanupExercise, setupExercise, solveExercise } from '../grading/lifecycle.js';
import type { ClusterProvider, Lab } from '../../sandbox/index.js';

function exerciseById(config: Config, id: string): Exercise {
  const course = loadCourse(config.lessonsDir);
  const ex = course.exercises.get(id);
  if (ex) return ex;
  const broken = course.problems.filter((p) => p.file.includes(`/exercises/${id}/`));
  if (broken.length) throw new UserError(`exercise ${id} has problems and was not loaded: ${broken.map((p) => `${p.file}:${p.line}: ${p.message}`).join('; ')}`, 'Run `kubelab lint` for the full list.');
  const known = [...course.exercises.keys()].sort();
  throw new UserError(`no exercise named ${id} in ${config.lessonsDir}`, known.length ? `Exercises: ${known.join(', ')}` : 'The lessons folder holds no exercises.');
}

async function labByName(config: Config, values: Record<string, unknown>): Promise<{ lab: Lab; provider: ClusterProvider }> {
  const name = values.lab;
  if (typeof name !== 'string') throw new UserError('--lab NAME is required', 'See `kubelab lab list` for the labs there are.');
  const { provider } = await chooseProvider(config, (values.provider as string | undefined) ?? config.provider);
  return { lab: await provider.open({ name, provider: provider.name }), provider };
}

/** `kubelab exercise <verb> <id> --lab NAME`: one lifecycle step of an exercise, run against a named lab. */
function labStep(verb: string, summary: string, step: (ex: Exercise, lab: Lab, provider: ClusterProvider) => Promise<void>, done: string): Command {
  return {
    path: ['exercise', verb],
    summary,
    usage: `exercise ${verb} <id> --lab NAME`,
    options: { ...configFlags, lab: { type: 'string' } },
    positionals: [1, 1],
    async run({ values, positionals }) {
      const config = loadConfig(configInput(values) as never);
      const ex = exerciseById(config, positionals[0]!);
      const { lab, provider } = await labByName(config, values);
      await step(ex, lab, provider);
      console.log(done.replace('{id}', ex.id).replace('{lab}', lab.name));
      return 0;
    },
  };
}

const setup = labStep('setup', "Prepare a lab for an exercise (the exercise's setup, with the admin credential)", setupExercise, 'exercise {id} is set up in lab {lab}');
const solve = labStep('solve', "Run an exercise's reference solution in a lab, with the learner credential", (ex, lab) => solveExercise(ex, lab), 'reference solution of {id} ran in lab {lab}');
const cleanup = labStep('cleanup', "Run an exercise's cleanup and restart any control-plane component it stopped", cleanupExercise, 'exercise {id} is cleaned up in lab {lab}');

function printResult(r: ExerciseResult): void {
  for (const c of r.checks) {
    console.log(`${c.passed ? 'PASS' : 'FAIL'}  ${c.title}  (${c.points}/${c.maxPoints})`);
    if (!c.passed) {
      console.log(`      ${c.message}`);
      if (c.hint) console.log(`      hint: ${c.hint}`);
    }
  }
  console.log(`${r.exerciseId}: ${r.points}/${r.maxPoints} points, ${r.passed ? 'passed' : 'not passed yet'}`);
}

const check: Command = {
  path: ['check'],
  summary: "Grade an exercise against a lab (or any cluster's kubeconfig); exit 0 only if every check passes",
  usage: 'check <id> (--lab NAME | --kubeconfig PATH) [--json]',
  options: { ...configFlags, lab: { type: 'string' }, kubeconfig: { type: 'string' }, json: { type: 'boolean' } },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const config = loadConfig(configInput(values) as never);
    const ex = exerciseById(config, positionals[0]!);
    if ((values.lab === undefined) === (values.kubeconfig === undefined)) throw new UserError('name exactly one of --lab NAME or --kubeconfig PATH');
    let target: GradingTarget;
    if (typeof values.kubeconfig === 'string') {
      target = await targetFromKubeconfig(resolve(values.kubeconfig)).catch((err) => {
        if (err instanceof ApiUnreachable) throw new UserError(`${err.message} at ${values.kubeconfig}`, 'Is the cluster running?');
        throw err;
      });
    } else {
      target = targetOf((await labByName(config, values)).lab);
    }
    const result = await gradeExercise(ex, target);
    if (values.json === true) console.log(JSON.stringify(result, null, 2));
    else printResult(result);
    return result.passed ? 0 : 1;
  },
};

const lint: Command = {
  path: ['lint'],
  summary: 'Validate lessons, exercises, checks and quizzes; print each problem as file:line: message',
  usage: 'lint [lessons-dir]',
  options: { ...configFlags },
  positionals: [0, 1],
  async run({ values, positionals }) {
    const dir = positionals[0] ? resolve(positionals[0]) : loadConfig(configInput(values) as never).lessonsDir;
    const course = loadCourse(dir);
    const shown = (f: string) => (f.startsWith(process.cwd()) ? relative(process.cwd(), f) : f);
    for (const p of course.problems) console.log(`${shown(p.file)}:${p.line}: ${p.message}`);
    const summary = `${course.lessons.length} lessons, ${course.exercises.size} exercises`;
    if (course.problems.length) {
      console.error(`${course.problems.length} problem${course.problems.length === 1 ? '' : 's'} (${summary} loaded)`);
      return 1;
    }
    console.log(`${summary}: no problems`);
    return 0;
  },
};

export const exerciseCommands: Command[] = [setup, solve, cleanup, check, lint];
