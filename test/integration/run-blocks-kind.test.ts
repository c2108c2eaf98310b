/**
 * The lessons' `needs-containers` Run blocks, which kwok cannot show, on a real kind lab. Each
 * lesson that has such blocks is walked in order on one lab (blocks may build on earlier blocks of
 * their lesson, and on the exercises before them: where an exercise's panel stands, the platform
 * sets it up and its reference solution is applied until it passes), as the learner's terminal
 * would run them; every block must exit 0, and each needs-containers block must have run. The
 * exercises are cleaned up when the lesson ends. Skipped, with the reason, where kind labs cannot run.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, KindProvider, packageRoot, type Lab } from '../../sandbox/index.js';
import { loadCourse } from '../../server/course.js';
import { commandOf, lessonSteps, runBlocks } from '../helpers/lesson-blocks.js';
import { learnerShell, type LearnerShell } from '../helpers/learner-shell.js';
import { gradeUntil, summary } from '../helpers/catalog.js';
import { cleanupExercise, setupExercise, solveExercise } from '../../server/grading/lifecycle.js';
import type { Exercise } from '../../server/course.js';

const course = loadCourse(join(packageRoot, 'lessons'));
const lessons = course.lessons.filter((l) => runBlocks(l).some((b) => b.needsContainers));
// Made by the first lab (nothing is left behind when the suite is skipped).
const workDir = join(tmpdir(), `kubelab-blocks-kind-${randomBytes(4).toString('hex')}`);
const provider = new KindProvider({ workDir, cacheDir: defaultCacheDir() });
const avail = await provider.available();
// Real containers start, get Ready and finish: more than kwok's 30 s per block.
const blockTimeoutMs = 180_000;

describe.skipIf(!avail.ok)(`needs-containers Run blocks on a real kind lab${avail.ok ? '' : ` — skipped: ${avail.reason}`}`, () => {
  let lab: Lab;
  let shell: LearnerShell;
  const log: string[] = [];

  beforeAll(async () => {
    lab = await provider.create({ name: `blocks-${randomBytes(3).toString('hex')}`, workers: 2 });
    shell = learnerShell(lab.kubeconfigs.learner);
  }, 20 * 60_000);

  afterAll(async () => {
    console.log(log.join('\n'));
    shell?.close();
    if (lab) await provider.delete(lab).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }, 10 * 60_000);

  it('has lessons with needs-containers blocks to run', () => {
    expect(lessons.length).toBeGreaterThan(0);
  });

  for (const lesson of lessons) {
    it(`${lesson.id}: every block exits 0, the needs-containers ones included`, async () => {
      const problems: string[] = [];
      let ran = 0;
      const done: Exercise[] = [];
      for (const step of lessonSteps(lesson)) {
        if (step.kind === 'exercise') {
          const ex = lesson.exercises.find((e) => e.id === step.id);
          if (!ex) continue;
          try {
            await setupExercise(ex, lab, provider);
            done.push(ex);
            await solveExercise(ex, lab);
            const r = await gradeUntil(ex, lab, (x) => x.passed, 180_000);
            log.push(`${lesson.id}: exercise ${ex.id} ${r.passed ? 'passed' : 'FAILED'}`);
            if (!r.passed) problems.push(`exercise ${ex.id}: the reference solution does not pass on kind:\n${summary(r)}`);
          } catch (err) {
            problems.push(`exercise ${ex.id}: ${(err as Error).message}`);
          }
          continue;
        }
        const block = step.block;
        const cmd = commandOf(block, lab.variables);
        const r = await shell.run(cmd, blockTimeoutMs);
        log.push(`${block.where}: exit ${r.code} in ${r.ms} ms${block.needsContainers ? ' (needs-containers)' : ''}${block.expectFail ? ' (expect-fail)' : ''}`);
        if (block.needsContainers) ran++;
        const failed = r.timedOut || (block.expectFail ? r.failures.length === 0 : r.failures.length > 0);
        if (failed) {
          problems.push(
            `${block.where}${r.timedOut ? ' (timed out)' : ''}: exit ${r.code}\n  block:\n    ${cmd.trim().split('\n').join('\n    ')}\n` +
              r.failures.map((f) => `  failed (${f.status}): ${f.command}`).join('\n') +
              `\n  stderr: ${r.stderr.trim().split('\n').slice(-8).join('\n    ')}\n  stdout: ${r.stdout.trim().split('\n').slice(-8).join('\n    ')}`,
          );
        }
      }
      for (const ex of done.reverse()) await cleanupExercise(ex, lab, provider).catch((err: Error) => problems.push(`cleaning up ${ex.id}: ${err.message}`));
      expect(ran).toBe(runBlocks(lesson).filter((b) => b.needsContainers).length);
      if (problems.length) throw new Error(`${problems.length} block(s) of ${lesson.id} went wrong on kind:\n\n${problems.join('\n\n')}`);
    }, 30 * 60_000);
  }
});
