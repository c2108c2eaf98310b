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
import type { Lab } from '../../sandbox/index.js';
import { loadExercise, type Exercise } from '../../server/course/exercise.js';
import type { Trial } from '../../server/course.js';
import { gradeExercise, targetOf, type ExerciseResult } from '../../server/grading.js';
import { cleanupExercise, runTrial, setupExercise, solveExercise } from '../../server/grading/lifecycle.js';
import { resetLab } from '../../server/grading/reset.js';
import { packageRoot } from '../../sandbox/index.js';

/** The lesson folder of every exercise, as docs/lesson-format.md assigns them. */
const catalog: Record<string, string> = {
  'first-pod': '01-cluster-at-a-glance',
  'namespace-and-context': '02-kubectl-namespaces-labels',
  'sa-edit-binding': '03-api-server',
  'config-in-etcd': '04-etcd',
  'scale-web': '05-controllers',
  'rollout-undo': '05-controllers',
  'taint-node': '06-scheduler',
  'tolerate-and-select': '06-scheduler',
  'node-affinity': '06-scheduler',
  'manual-schedule': '06-scheduler',
  probes: '07-node-and-probes',
  'init-container': '07-node-and-probes',
  'expose-clusterip': '08-services-and-dns',
  'expose-nodeport': '08-services-and-dns',
  'headless-service': '08-services-and-dns',
  'secret-env': '09-config-and-secrets',
  resources: '10-resources-and-quotas',
  quota: '10-resources-and-quotas',
  'job-complete': '11-jobs-and-daemonsets',
  daemonset: '11-jobs-and-daemonsets',
  'cordon-drain': '12-operating-a-cluster',
  pdb: '12-operating-a-cluster',
  'rbac-read-only': '13-security',
  'secure-pod': '13-security',
};

const lessonsDir = join(packageRoot, 'lessons');
const only = process.env.KUBELAB_EXERCISES?.split(',').map((s) => s.trim()).filter(Boolean);
const ids = Object.keys(catalog).filter((id) => !only || only.includes(id));

function load(id: string): Exercise {
  const dir = join(lessonsDir, catalog[id]!, 'exercises', id);
  const { exercise, problems } = loadExercise(dir, id, catalog[id]!.replace(/^\d+-/, ''));
  expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  return exercise!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (r: ExerciseResult) => r.checks.map((c) => `${c.passed ? 'PASS' : 'FAIL'} ${c.title}: ${c.message}`).join('\n');

/** Grades until `done` says so or the time is up; returns the last result. */
async function gradeUntil(ex: Exercise, lab: Lab, done: (r: ExerciseResult) => boolean, timeoutMs = 60_000): Promise<ExerciseResult> {
  const deadline = Date.now() + timeoutMs;
  let r = await gradeExercise(ex, targetOf(lab));
  while (!done(r) && Date.now() < deadline) {
    await sleep(500);
    r = await gradeExercise(ex, targetOf(lab));
  }
  return r;
}

const failsWith = (word: string) => (r: ExerciseResult) => !r.passed && r.checks.some((c) => !c.passed && c.message.toLowerCase().includes(word.toLowerCase()));

/** A small pool: each scenario borrows a lab, resets it, and gives it back. */
class LabPool {
  private free: Lab[] = [];
  private waiting: ((lab: Lab) => void)[] = [];
  constructor(private readonly labs: TestLabs) {}
  add(lab: Lab) {
    const w = this.waiting.shift();
    if (w) w(lab);
    else this.free.push(lab);
  }
  async with<T>(fn: (lab: Lab) => Promise<T>): Promise<T> {
    const lab = this.free.pop() ?? (await new Promise<Lab>((r) => this.waiting.push(r)));
    try {
      await resetLab(lab, this.labs.provider);
      return await fn(lab);
    } finally {
      this.add(lab);
    }
  }
}

describe('exercise catalog', () => {
  test('every catalog exercise lives in the lesson folder the format assigns, and loads without problems', () => {
    for (const [id, folder] of Object.entries(catalog)) {
      expect(existsSync(join(lessonsDir, folder, 'exercises', id, 'exercise.yaml')), `${folder}/exercises/${id}`).toBe(true);
      const ex = load(id);
      expect(ex.trials.some((t) => t.passes === false)).toBe(true);
      expect(ex.trials.filter((t) => !t.passes).length, `${id} has at least two wrong trials`).toBeGreaterThanOrEqual(2);
    }
    const all = readdirSync(lessonsDir).flatMap((f) => (existsSync(join(lessonsDir, f, 'exercises')) ? readdirSync(join(lessonsDir, f, 'exercises')) : []));
    for (const id of Object.keys(catalog)) expect(all).toContain(id);
  });
});

describe.concurrent('exercise catalog on real kwok labs', () => {
  let labs: TestLabs;
  let pool: LabPool;

  beforeAll(async () => {
    labs = testLabs('cat');
    pool = new LabPool(labs);
    // Two labs at most, created one after the other to spare the CPU.
    const count = Math.min(2, ids.length);
    for (let i = 0; i < count; i++) pool.add(await labs.create(2));
  }, 180_000);

  afterAll(async () => {
    await labs?.cleanup();
  }, 180_000);

  for (const id of ids) {
    test(`${id}: fails after setup, passes with the reference solution`, async () => {
      const ex = load(id);
      await pool.with(async (lab) => {
        const provider = labs.provider;
        try {
          await setupExercise(ex, lab, provider);
          const before = await gradeExercise(ex, targetOf(lab));
          expect(before.passed, `after setup:\n${summary(before)}`).toBe(false);
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
        await pool.with((lab) => checkTrial(ex, trial, lab, labs));
      });
    }
  }
});

async function checkTrial(ex: Exercise, trial: Trial, lab: Lab, labs: TestLabs): Promise<void> {
  try {
    await setupExercise(ex, lab, labs.provider);
    // A wrong trial may stop half-way (like a learner's failed command); what it left is still graded.
    await runTrial(ex, trial, lab).catch((err: Error & { hint?: string }) => {
      if (trial.passes) throw new Error(`${err.message}\n${err.hint ?? ''}`);
    });
    if (trial.passes) {
      const r = await gradeUntil(ex, lab, (x) => x.passed);
      expect(r.passed, `${trial.script} should pass:\n${summary(r)}`).toBe(true);
      return;
    }
    const r = await gradeUntil(ex, lab, failsWith(trial.failsWith!), 45_000);
    expect(failsWith(trial.failsWith!)(r), `${trial.script} should fail with a message containing "${trial.failsWith}":\n${summary(r)}`).toBe(true);
    // And it stays failed once the controllers have had their say.
    await sleep(2_000);
    const later = await gradeExercise(ex, targetOf(lab));
    expect(later.passed, `${trial.script} passed after settling:\n${summary(later)}`).toBe(false);
  } finally {
    await cleanupExercise(ex, lab, labs.provider);
  }
}
