/**
 * Conformance of the whole exercise catalog, on real kwok labs: for every exercise, after setup
 * the exercise does not pass; after the reference solution every check passes; every trial does
 * what it declares — a correct alternative passes, a wrong one fails with a message that names
 * the wrong detail (its failsWith word).
 *
 * Two labs (the most this 2-core machine should run) take exercises from one queue; between
 * scenarios a lab is reset (objects, namespaces, node taints/labels/cordon, learner context,
 * components) instead of being re-created. KUBELAB_EXERCISES=id,id narrows the run.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { testLabs, type TestLabs } from '../helpers/lab.js';
import { checkTrial, gradeUntil, LabPool, sleep, summary } from '../helpers/catalog.js';
import { loadExercise, type Exercise } from '../../server/course/exercise.js';
import { gradeExercise, targetOf } from '../../server/grading.js';
import { cleanupExercise, setupExercise, solveExercise } from '../../server/grading/lifecycle.js';
import { scoreItem } from '../../server/teaching/exams/score.js';
import { loadCourse } from '../../server/course.js';
import { packageRoot } from '../../sandbox/index.js';

/** The fixed catalog ids (shared design, CATALOG.md, both parts as far as written): each must be in the course. */
const catalogIds = [
  'first-pod', 'namespace-and-context', 'config-in-etcd', 'scale-web', 'rollout-undo', 'expose-clusterip', 'expose-nodeport', 'headless-service',
  'taint-node', 'tolerate-and-select', 'node-affinity', 'manual-schedule', 'probes', 'resources', 'quota', 'cordon-drain', 'pdb', 'rbac-read-only',
  'secure-pod', 'secret-env', 'init-container', 'job-complete', 'daemonset',
  'network-policy', 'ingress-route', 'gateway-route', 'crd-backup', 'admission-policy', 'sidecar-native', 'fix-service', 'fix-pending', 'fix-rbac', 'fix-quota', 'fix-node',
  'pvc-bind', 'statefulset-db', 'hpa-cpu', 'fix-crashloop', 'readiness-fix', 'logs-code',
];

/** Exercises that need running containers: proven on a container provider (kind), shown as such on kwok. */
const needContainers = new Set(['fix-crashloop', 'readiness-fix', 'logs-code']);

const lessonsDir = join(packageRoot, 'lessons');
/** Every exercise of the course is proven: the list comes from the course itself, never from a copy of it. */
const course = loadCourse(lessonsDir);
const courseIds = [...course.exercises.keys()];
const only = process.env.KUBELAB_EXERCISES?.split(',').map((s) => s.trim()).filter(Boolean);
const ids = courseIds.filter((id) => !only || only.includes(id));
/** kwok runs no containers: these are proven by the kind suite, and here only checked to say so. */
const kwokIds = ids.filter((id) => !needContainers.has(id));

function load(id: string): Exercise {
  const known = course.exercises.get(id)!;
  const { exercise, problems } = loadExercise(known.dir, id, known.lessonId);
  expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  return exercise!;
}

describe('exercise catalog', () => {
  test('the course loads without problems and holds every catalog exercise', () => {
    expect(course.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
    for (const id of catalogIds) expect(courseIds, `catalog exercise ${id} is in the course`).toContain(id);
  });

  test('every exercise in the lesson folders is part of the course, so none escapes the proof below', () => {
    const folders = readdirSync(lessonsDir).flatMap((f) => (existsSync(join(lessonsDir, f, 'exercises')) ? readdirSync(join(lessonsDir, f, 'exercises')) : []));
    expect([...folders].sort()).toEqual([...courseIds].sort());
  });

  test('every exercise has at least two wrong trials, each naming a detail not every message of it carries', () => {
    for (const id of courseIds) {
      const ex = load(id);
      const wrong = ex.trials.filter((t) => !t.passes);
      expect(wrong.length, `${id} has at least two wrong trials`).toBeGreaterThanOrEqual(2);
      // A word in every check's fixed text would match any failure: it would prove only "something failed".
      for (const t of wrong) {
        const word = t.failsWith!.toLowerCase();
        const everywhere = ex.checks.every((c) => (c.message ?? c.title).toLowerCase().replace(/\{\{[\s\S]*?\}\}/g, '').includes(word));
        expect(everywhere, `${id}: ${t.script} failsWith "${t.failsWith}" is in every message of the exercise`).toBe(false);
      }
    }
  });

  test('exactly the [containers] exercises say that they need containers', () => {
    for (const id of courseIds) expect(load(id).requires.includes('containers'), id).toBe(needContainers.has(id));
  });
});

describe.concurrent('exercise catalog on real kwok labs', () => {
  let labs: TestLabs;
  let pool: LabPool;

  beforeAll(async () => {
    labs = testLabs('cat');
    pool = new LabPool(labs.provider);
    // Two labs at most, created one after the other to spare the CPU.
    const count = Math.min(2, kwokIds.length);
    for (let i = 0; i < count; i++) pool.add(await labs.create(2));
  }, 180_000);

  afterAll(async () => {
    await labs?.cleanup();
  }, 180_000);

  for (const id of kwokIds) {
    test(`${id}: fails after setup and earns 0 exam points; passes with the reference solution`, async () => {
      const ex = load(id);
      await pool.with(async (lab) => {
        const provider = labs.provider;
        try {
          await setupExercise(ex, lab, provider);
          // As an exam does: the baseline right after setup, twice a moment apart; then, a while
          // later, the untouched lab is graded as at submission.
          const first = await gradeExercise(ex, targetOf(lab));
          await sleep(2_000);
          const second = await gradeExercise(ex, targetOf(lab));
          const baseline = [...new Set([...first.checks, ...second.checks].filter((c) => c.passed).map((c) => c.title))];
          await sleep(3_000);
          const before = await gradeExercise(ex, targetOf(lab));
          expect(before.passed, `after setup:\n${summary(before)}`).toBe(false);
          expect(first.passed || second.passed, `after setup:\n${summary(first)}`).toBe(false);
          expect(scoreItem(10, before.checks, baseline).points, `exam points of the untouched lab:\n${summary(before)}`).toBe(0);
          await solveExercise(ex, lab);
          const after = await gradeUntil(ex, lab, (r) => r.passed);
          expect(after.passed, `after the reference solution:\n${summary(after)}`).toBe(true);
          expect(after.points).toBe(after.maxPoints);
        } finally {
          await cleanupExercise(ex, lab, provider);
        }
      });
    });

    for (const trial of load(id).trials) {
      test(`${id}: trial ${trial.script} ${trial.passes ? 'passes' : `fails naming "${trial.failsWith}"`}`, async () => {
        const ex = load(id);
        await pool.with((lab) => checkTrial(ex, trial, lab, labs.provider));
      });
    }
  }
});
