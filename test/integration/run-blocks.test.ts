/**
 * Every Run block of the course works on a kwok lab, as the learner's terminal would run it.
 *
 * One real lab for the whole course, because the learner's lab persists from lesson to lesson:
 * blocks run in lesson order, never reset in between, with the learner's kubeconfig and the lab
 * variables the renderer fills in. No exercise is set up or solved, so no block may depend on an
 * exercise's solution (a learner may skip one); blocks may depend on earlier blocks of their own
 * lesson.
 *
 * - ```bash run                    must finish within 30 s with no failing command.
 * - ```bash run expect-fail        demonstrates an error (a 409, a refused Pod): some command must
 *                                  fail, and only in the intended way, not by a typo or a missing object.
 * - ```bash run needs-containers   is not run on kwok; the prose right before it must say that it
 *                                  needs a full cluster (the page adds its own note too).
 *
 * Then the whole course runs a second time on the same lab, as a learner who comes back and this
 * time does every exercise where its panel stands: the platform sets it up (cleaning up the one
 * before), the learner types the reference solution in their shell, the grader passes it, and the
 * platform cleans it up when the learner leaves the lesson. Blocks must cope with what the first
 * pass, the exercises and earlier lessons left behind, and exercises with what blocks left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCourse, type Lesson } from '../../server/course.js';
import { renderLesson } from '../../server/course/render.js';
import { packageRoot, type ClusterProvider, type Lab } from '../../sandbox/index.js';
import { testLabs } from '../helpers/lab.js';
import { commandOf, lessonSolutions, lessonSteps, runBlocks, type RunBlock } from '../helpers/lesson-blocks.js';
import { cleanupExercise, setupExercise, solveExercise } from '../../server/grading/lifecycle.js';
import { gradeExercise, targetOf } from '../../server/grading.js';
import type { Exercise } from '../../server/course.js';
import { learnerShell, type BlockRun, type LearnerShell } from '../helpers/learner-shell.js';

const course = loadCourse(join(packageRoot, 'lessons'));
/** KUBELAB_LESSONS=id,id walks only those lessons on the lab (in course order); the static checks still cover all. */
const onlyLessons = process.env.KUBELAB_LESSONS?.split(',').map((s) => s.trim()).filter(Boolean);
const walked = course.lessons.filter((l) => !onlyLessons || onlyLessons.includes(l.id));
const blockTimeoutMs = 30_000;

/** Errors that mean the block is wrong, not that it shows what it meant to show. */
const mistakes = [
  /command not found/i,
  /unknown (flag|command|shorthand)/i,
  /See 'kubectl .* -h' for help/i,
  /the server doesn't have a resource type/i,
  /Error from server \(NotFound\)/i,
  /No such file or directory/i,
  /required flag/i,
];

function describeRun(block: RunBlock, cmd: string, r: BlockRun): string {
  const tail = (s: string) => s.trim().split('\n').slice(-12).join('\n    ');
  return [
    `${block.where}${r.timedOut ? ` (timed out after ${blockTimeoutMs / 1000} s)` : ''}, exit ${r.code}`,
    `  block:\n    ${cmd.trim().split('\n').join('\n    ')}`,
    ...r.failures.map((f) => `  failed (${f.status}): ${f.command}`),
    r.stderr.trim() ? `  stderr:\n    ${tail(r.stderr)}` : '',
    r.stdout.trim() ? `  stdout:\n    ${tail(r.stdout)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

interface Walk {
  lab: Lab;
  shell: LearnerShell;
  log: string[];
  /** Set when the learner does the exercises: the platform's side of them, and what went wrong. */
  exercises?: { provider: ClusterProvider; current?: Exercise; problems: string[] };
}

/** The lab as the platform sees it, except that the learner's kubeconfig is the one their shell edits. */
const asLearner = (w: Walk): Lab => ({ ...w.lab, kubeconfigs: { ...w.lab.kubeconfigs, learner: w.shell.kubeconfig } });

async function leaveExercise(w: Walk): Promise<void> {
  const ex = w.exercises?.current;
  if (!ex) return;
  w.exercises!.current = undefined;
  await cleanupExercise(ex, asLearner(w), w.exercises!.provider);
}

/**
 * Set up, solve as the learner would (typing the lesson's own solution, else the exercise's
 * reference solution), and wait for the grader to pass it; a description of what went wrong.
 */
async function doExercise(w: Walk, ex: Exercise, solution: RunBlock | undefined): Promise<string | undefined> {
  const lab = asLearner(w);
  try {
    if (w.exercises!.current?.id !== ex.id) await leaveExercise(w);
    await setupExercise(ex, lab, w.exercises!.provider);
    w.exercises!.current = ex;
  } catch (err) {
    return `exercise ${ex.id}: ${(err as Error).message}${(err as { hint?: string }).hint ? `\n  ${(err as { hint?: string }).hint}` : ''}`;
  }
  try {
    if (solution) {
      const cmd = commandOf(solution, w.lab.variables);
      const r = await w.shell.run(cmd, 120_000);
      if (r.timedOut || r.failures.length > 0) return `exercise ${ex.id}: the lesson's solution fails:\n${describeRun(solution, cmd, r)}`;
    } else {
      await solveExercise(ex, lab);
    }
  } catch (err) {
    return `exercise ${ex.id}: ${(err as Error).message}${(err as { hint?: string }).hint ? `\n  ${(err as { hint?: string }).hint}` : ''}`;
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await gradeExercise(ex, targetOf(lab));
    if (r.passed) return undefined;
    if (Date.now() > deadline) return `exercise ${ex.id}: ${solution ? `the lesson's solution (${solution.where})` : 'the reference solution'} does not pass here:\n${r.checks.filter((c) => !c.passed).map((c) => `  ✗ ${c.title}: ${c.message}`).join('\n')}`;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

/** Runs one lesson's blocks in order; returns a description of each block that went wrong. */
async function runLesson(lesson: Lesson, w: Walk): Promise<string[]> {
  const { lab, shell, log } = w;
  const problems: string[] = [];
  for (const step of lessonSteps(lesson)) {
    if (step.kind === 'exercise') {
      const ex = lesson.exercises.find((e) => e.id === step.id);
      if (!w.exercises || !ex) continue;
      // An exercise that needs what this lab lacks (containers on kwok) is shown as such and never set up here.
      const lacking = ex.requires.filter((f) => w.lab.unsupported[f as keyof typeof w.lab.unsupported]);
      if (lacking.length) {
        log.push(`${lesson.id}: exercise ${ex.id} skipped: needs ${lacking.join(', ')}`);
        continue;
      }
      const started = Date.now();
      const problem = await doExercise(w, ex, lessonSolutions(lesson).get(ex.id));
      log.push(`${lesson.id}: exercise ${ex.id} ${problem ? 'FAILED' : 'passed'} in ${Date.now() - started} ms`);
      if (problem) w.exercises.problems.push(`${lesson.id}: ${problem}`);
      continue;
    }
    const block = step.block;
    if (block.needsContainers) continue;
    const cmd = commandOf(block, lab.variables);
    const r = await shell.run(cmd, blockTimeoutMs);
    log.push(`${block.where}: exit ${r.code} in ${r.ms} ms${block.expectFail ? ' (expect-fail)' : ''}`);
    if (r.timedOut) {
      problems.push(describeRun(block, cmd, r));
    } else if (block.expectFail) {
      const mistake = mistakes.find((m) => m.test(r.stderr));
      if (r.failures.length === 0) problems.push(`${describeRun(block, cmd, r)}\n  is marked expect-fail, but nothing failed`);
      else if (mistake) problems.push(`${describeRun(block, cmd, r)}\n  is marked expect-fail, but failed by mistake (${mistake.source})`);
    } else if (r.failures.length > 0) {
      problems.push(describeRun(block, cmd, r));
    }
  }
  try {
    await leaveExercise(w);
  } catch (err) {
    w.exercises!.problems.push(`${lesson.id}: leaving the lesson, the cleanup failed: ${(err as Error).message}`);
  }
  return problems;
}

describe('the course, lesson by lesson', () => {
  it('loads without problems', () => {
    expect(course.problems).toEqual([]);
    expect(course.lessons.length).toBeGreaterThanOrEqual(12);
  });

  it('finds the same Run blocks the page renders', () => {
    for (const lesson of course.lessons) {
      const html = renderLesson(lesson, { vars: { lab: 'l', namespace: 'default', worker1: 'w1', worker2: 'w2' } });
      const rendered = (html.match(/class="code-block runnable[ "]/g) ?? []).length;
      expect(rendered, lesson.id).toBe(runBlocks(lesson).length);
      expect((html.match(/class="code-block runnable needs-containers"/g) ?? []).length, lesson.id).toBe(runBlocks(lesson).filter((b) => b.needsContainers).length);
    }
  });

  it('says, next to every needs-containers block, that it needs a full cluster', () => {
    const blocks = course.lessons.flatMap((l) => runBlocks(l)).filter((b) => b.needsContainers);
    // Listed, so a run of this file shows what kwok cannot show.
    console.log(`needs-containers blocks (not run on kwok):\n${blocks.map((b) => `  ${b.where}: ${b.source.trim().split('\n')[0]}`).join('\n')}`);
    const silent = blocks.filter((b) => !/full\s+cluster/i.test(b.before)).map((b) => `${b.where}: the text before it does not say it needs a full cluster`);
    expect(silent).toEqual([]);
    expect(blocks.filter((b) => b.expectFail).map((b) => `${b.where}: needs-containers and expect-fail together`)).toEqual([]);
  });
});

describe('every Run block on a kwok lab', () => {
  const labs = testLabs('blocks');
  let lab: Lab;
  let shell: LearnerShell;
  const log: string[] = [];
  const exerciseProblems: string[] = [];

  beforeAll(async () => {
    lab = await labs.create(2);
    shell = learnerShell(lab.kubeconfigs.learner);
  });

  afterAll(async () => {
    console.log(log.join('\n'));
    shell?.close();
    await labs.cleanup();
  });

  for (const pass of ['first visit, exercises skipped', 'second visit, every exercise done'] as const) {
    describe(pass, () => {
      for (const lesson of walked) {
        it(`${lesson.id}: every block exits 0`, async () => {
          const walk: Walk = { lab, shell, log, exercises: pass.startsWith('second') ? { provider: labs.provider, problems: exerciseProblems } : undefined };
          const problems = await runLesson(lesson, walk);
          if (problems.length > 0) throw new Error(`${problems.length} block(s) of ${lesson.id} went wrong (${pass}):\n\n${problems.join('\n\n')}`);
        });
      }
      if (pass.startsWith('second')) {
        // The exercises' own conformance test runs each on a fresh lab; here they meet what a learner leaves behind.
        it('passes every exercise where its lesson places it, after all the lessons before it', () => {
          if (exerciseProblems.length > 0) throw new Error(`${exerciseProblems.length} exercise(s) went wrong in a walk through the course:\n\n${exerciseProblems.join('\n\n')}`);
        });
      }
    });
  }
});
