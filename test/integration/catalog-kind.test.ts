/**
 * The exercise catalog on a real kind lab (real containers): for every exercise of the course, the
 * exercise does not pass after setup, passes after its reference solution, and its first wrong
 * trial fails naming the wrong detail. One lab serves every exercise, reset between them (CI time);
 * catalog.test.ts runs every trial on kwok. Skipped, with the reason, where kind labs cannot run.
 * KUBELAB_EXERCISES=id,id narrows the run.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultCacheDir, KindProvider, packageRoot, type Lab } from '../../sandbox/index.js';
import { loadCourse } from '../../server/course.js';
import { gradeExercise, targetOf } from '../../server/grading.js';
import { cleanupExercise, setupExercise, solveExercise } from '../../server/grading/lifecycle.js';
import { checkTrial, gradeUntil, LabPool, summary } from '../helpers/catalog.js';

// Made by the first lab (nothing is left behind when the suite is skipped).
const workDir = join(tmpdir(), `kubelab-catalog-kind-${randomBytes(4).toString('hex')}`);
const provider = new KindProvider({ workDir, cacheDir: defaultCacheDir() });
const avail = await provider.available();
const course = loadCourse(join(packageRoot, 'lessons'));
const only = process.env.KUBELAB_EXERCISES?.split(',').map((s) => s.trim()).filter(Boolean);
const exercises = [...course.exercises.values()].filter((ex) => !only || only.includes(ex.id));

describe.skipIf(!avail.ok)(`exercise catalog on a real kind lab${avail.ok ? '' : ` — skipped: ${avail.reason}`}`, () => {
  let lab: Lab;
  const pool = new LabPool(provider);

  beforeAll(async () => {
    lab = await provider.create({ name: `cat-${randomBytes(3).toString('hex')}`, workers: 2 });
    pool.add(lab);
  }, 20 * 60_000);

  afterAll(async () => {
    if (lab) await provider.delete(lab).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }, 10 * 60_000);

  test('the course has exercises to check', () => {
    expect(exercises.length).toBeGreaterThan(0);
  });

  for (const ex of exercises) {
    test(`${ex.id}: fails after setup, passes with the reference solution`, async () => {
      await pool.with(async (l) => {
        try {
          await setupExercise(ex, l, provider);
          const before = await gradeExercise(ex, targetOf(l));
          expect(before.passed, `after setup:\n${summary(before)}`).toBe(false);
          await solveExercise(ex, l);
          // Real pods take a while to pull (locally), start and get Ready.
          const after = await gradeUntil(ex, l, (r) => r.passed, 180_000);
          expect(after.passed, `after the reference solution:\n${summary(after)}`).toBe(true);
        } finally {
          await cleanupExercise(ex, l, provider);
        }
      });
    }, 600_000);

    const wrong = ex.trials.find((t) => !t.passes);
    if (wrong) {
      test(`${ex.id}: trial ${wrong.script} fails naming "${wrong.failsWith}"`, async () => {
        await pool.with((l) => checkTrial(ex, wrong, l, provider, 90_000));
      }, 600_000);
    }
  }
});
