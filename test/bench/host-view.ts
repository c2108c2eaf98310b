/**
 * Imported-scenario benchmark, written to test/bench/results/host-view.md: what the host view costs.
 * On one kwok lab, the same verify script (`kubectl get pod web -n shop`) graded
 *  1. as a plain script check (on the host, grader kubeconfig), and
 *  2. as an imported scenario's check in the host view (sandbox, home copy, API gate),
 * RUNS times each (default 20), medians and the ratio; and the host view's setup of a scenario step
 * (a background that labels a node), and importing the test course.
 * Run: npx tsx test/bench/host-view.ts   (the cluster binaries must be in the cache: kubelab setup)
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KwokProvider, defaultCacheDir, kubectl, packageRoot, type Lab } from '../../sandbox/index.js';
import { loadCourse } from '../../server/course.js';
import { importKillercoda } from '../../server/course/import/killercoda/index.js';
import { gradeExercise, targetOf } from '../../server/grading.js';
import { setupExercise } from '../../server/grading/lifecycle.js';

const runs = Number(process.env.RUNS ?? 20);
const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-hostview-'));
const provider = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: defaultCacheDir() });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

let lab: Lab | undefined;
try {
  const importMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const out = join(dataDir, `import-${i}`);
    importMs.push(await time(async () => importKillercoda(join(packageRoot, 'test', 'fixtures', 'killercoda'), { out })));
  }
  const course = loadCourse(join(dataDir, 'import-0'));
  const imported = course.exercises.get('pod-basics-step-1')!;

  // The same verify as a plain script check of an ordinary exercise.
  const plainDir = join(dataDir, 'plain');
  mkdirSync(plainDir);
  cpSync(join(imported.dir, 'verify.sh'), join(plainDir, 'verify.sh'));
  chmodSync(join(plainDir, 'verify.sh'), 0o755);
  const plain = { ...imported, dir: plainDir, hostView: undefined };

  lab = await provider.create({ name: 'bench-hostview', workers: 2 });
  // Step 1's setup once (it creates a namespace); step 2's, whose background is repeatable, five times.
  await setupExercise(imported, lab, provider);
  const setupMs: number[] = [];
  for (let i = 0; i < 5; i++) setupMs.push(await time(() => setupExercise(course.exercises.get('pod-basics-step-2')!, lab!, provider)));
  await kubectl(lab.kubeconfigs.learner, ['apply', '-f', join(imported.dir, 'assets', 'web-pod.yaml')]);
  const t = targetOf(lab);
  for (const ex of [plain, imported]) if (!(await gradeExercise(ex, t)).passed) throw new Error(`${ex.dir}: the check does not pass`);

  const plainMs: number[] = [];
  const viewMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    plainMs.push(await time(() => gradeExercise(plain, t)));
    viewMs.push(await time(() => gradeExercise(imported, t)));
  }
  const lines = [
    '# Imported scenarios: the host view',
    '',
    `Recorded by \`npx tsx test/bench/host-view.ts\` on ${cpus().length} cores (load ${loadavg()[0]!.toFixed(2)}), one kwok lab, ${runs} runs each, interleaved.`,
    '',
    'The machine was shared with other builds and tests while this ran (load above): absolute times are high; the ratio is what to read.',
    '',
    '| what | median |',
    '|---|---|',
    `| grading a script check on the host (kubectl get pod) | ${median(plainMs).toFixed(0)} ms |`,
    `| the same verify as an imported check, in the host view | ${median(viewMs).toFixed(0)} ms |`,
    `| ratio host view / host | ${(median(viewMs) / median(plainMs)).toFixed(1)}× |`,
    `| setup of an imported step (a background labelling a node), 5 runs | ${median(setupMs).toFixed(0)} ms |`,
    `| importing the test course (2 scenarios, 5 exercises, lint included), 5 runs | ${median(importMs).toFixed(0)} ms |`,
    '',
    'The host view spawns bubblewrap with fresh namespaces, copies the learner home and the exercise folder, flattens the',
    'credential with kubectl and opens an API gate for every script: live feedback re-runs script checks every 5 s, so',
    'this is the cost per learner per 5 s while an imported exercise is open.',
    '',
  ];
  writeFileSync(join(packageRoot, 'test', 'bench', 'results', 'host-view.md'), lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  if (lab) await provider.delete(lab).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
