/**
 * Imported Killercoda scenarios on a real kwok lab: each exercise's setup (assets, background) runs
 * in the host view with the admin credential, its verify script fails before the step's solution and
 * passes after it (run in the host view with the grader credential, the learner's home read-only),
 * and the verify's ✅/❌ lines are the check's message. Also: a verify script that hangs is stopped,
 * and one that tries to write the home or the cluster cannot.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../sandbox/index.js';
import { loadCourse, type Course } from '../../server/course.js';
import { importKillercoda } from '../../server/course/import/killercoda/index.js';
import { gradeExercise, targetOf } from '../../server/grading.js';
import { labHome } from '../../server/grading/target.js';
import { setupExercise, solveExercise } from '../../server/grading/lifecycle.js';
import { getJson, testLabs } from '../helpers/lab.js';

const labs = testLabs('kc');
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-kc-lab-'));
let lab: Lab;
let course: Course;
let home: string;

beforeAll(async () => {
  importKillercoda(resolve('test/fixtures/killercoda'), { out: join(tmp, 'lessons') });
  course = loadCourse(join(tmp, 'lessons'));
  expect(course.problems).toEqual([]);
  lab = await labs.create(2);
  home = labHome(lab).path;
}, 180_000);

afterAll(async () => {
  await labs.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const ex = (id: string) => {
  const e = course.exercises.get(id);
  if (!e) throw new Error(`no exercise ${id}`);
  return e;
};
const grade = (id: string) => gradeExercise(ex(id), targetOf(lab));

describe('pod-basics (assets, a background with a marker, node names, a file the learner writes)', () => {
  it('step 1: setup places the assets and runs the intro background; verify fails, then passes after the solution', async () => {
    await setupExercise(ex('pod-basics-step-1'), lab, labs.provider);
    expect(readFileSync(join(home, 'web-pod.yaml'), 'utf8')).toContain('name: web');
    expect(statSync(join(home, 'bin', 'check-ns.sh')).mode & 0o100).toBeTruthy();
    // The background ran with the admin credential: the namespace exists.
    expect((await getJson(lab.kubeconfigs.admin, ['get', 'namespace', 'shop'])).metadata.name).toBe('shop');

    const before = await grade('pod-basics-step-1');
    expect(before.passed).toBe(false);
    expect(before.checks[0]!.message).toBe('❌ Pod web does not exist in shop');

    await solveExercise(ex('pod-basics-step-1'), lab);
    const after = await grade('pod-basics-step-1');
    expect(after.checks[0]!.message).toBe('✅ Pod web exists in shop');
    expect(after.passed).toBe(true);
  }, 120_000);

  it("step 2: node01 is the lab's first worker, in the background, the verify and the solution", async () => {
    await setupExercise(ex('pod-basics-step-2'), lab, labs.provider);
    const w1 = lab.workers[0]!;
    expect((await getJson(lab.kubeconfigs.admin, ['get', 'node', w1])).metadata.labels.zone).toBe('front');

    const before = await grade('pod-basics-step-2');
    expect(before.passed).toBe(false);
    expect(before.checks[0]!.message).toBe(`✅ ${w1} has zone=front\n❌ ${w1} lacks tier=web`);

    await solveExercise(ex('pod-basics-step-2'), lab);
    const after = await grade('pod-basics-step-2');
    expect(after.checks[0]!.message).toBe(`✅ ${w1} has zone=front\n✅ ${w1} has tier=web`);
    expect(after.passed).toBe(true);
  }, 120_000);

  it("step 3: the verify reads the learner's home: missing, wrong, then the solution's answer", async () => {
    const before = await grade('pod-basics-step-3');
    expect(before.passed).toBe(false);
    expect(before.checks[0]!.message).toMatch(/^❌ \/root\/node.txt should name the node of web \(kwok-worker-\d\), it holds ''$/);

    writeFileSync(join(home, 'node.txt'), 'somewhere-else\n');
    expect((await grade('pod-basics-step-3')).checks[0]!.message).toContain("it holds 'somewhere-else'");

    await solveExercise(ex('pod-basics-step-3'), lab);
    const node = (await getJson(lab.kubeconfigs.admin, ['get', 'pod', 'web', '-n', 'shop'])).spec.nodeName as string;
    expect(readFileSync(join(home, 'node.txt'), 'utf8')).toBe(node);
    const after = await grade('pod-basics-step-3');
    expect(after.checks[0]!.message).toBe(`✅ /root/node.txt names ${node}`);
    expect(after.passed).toBe(true);
  }, 120_000);
});

describe('katacoda-configmap (courseData, code, exit-status verify)', () => {
  it('step 1: courseData is the setup; verify fails, then passes after the solution', async () => {
    await setupExercise(ex('katacoda-configmap-step-1'), lab, labs.provider);
    expect((await getJson(lab.kubeconfigs.admin, ['get', 'configmap', 'app-settings'])).data.color).toBe('blue');
    expect((await grade('katacoda-configmap-step-1')).passed).toBe(false);
    await solveExercise(ex('katacoda-configmap-step-1'), lab);
    expect(readFileSync(join(home, 'color.txt'), 'utf8')).toBe('blue');
    const after = await grade('katacoda-configmap-step-1');
    expect(after.checks[0]!.message).toBe('done');
    expect(after.passed).toBe(true);
  }, 120_000);

  it('step 2: a verify without a shebang fails, then passes after the solution', async () => {
    const before = await grade('katacoda-configmap-step-2');
    expect(before.passed).toBe(false);
    expect(before.checks[0]!.message).toMatch(/configmaps "mine" not found|failed \(exit 1\)/);
    await solveExercise(ex('katacoda-configmap-step-2'), lab);
    expect((await grade('katacoda-configmap-step-2')).passed).toBe(true);
  }, 120_000);
});

describe('verify scripts that misbehave', () => {
  let bad: Course;
  beforeAll(() => {
    const src = join(tmp, 'bad-src', 'misbehaving');
    mkdirSync(src, { recursive: true });
    const steps: { title: string; verify: string; text?: string }[] = [
      { title: 'Hangs', verify: 'sleep 600\n' },
      { title: 'Writes the home', verify: 'echo x > /root/pwned && echo "wrote the home"\n' },
      { title: 'Writes the cluster', verify: 'kubectl create namespace from-verify\n' },
      { title: 'Reads logs', verify: 'kubectl logs web -n shop | grep -q nginx\n', text: 'Read the logs: `kubectl logs web -n shop`{{exec}}' },
    ];
    steps.forEach((s, i) => {
      writeFileSync(join(src, `s${i}.md`), `${s.text ?? s.title}.\n`);
      writeFileSync(join(src, `v${i}.sh`), `#!/bin/bash\n${s.verify}`);
      chmodSync(join(src, `v${i}.sh`), 0o755);
    });
    writeFileSync(join(src, 'index.json'), JSON.stringify({ title: 'Misbehaving', details: { steps: steps.map((s, i) => ({ title: s.title, text: `s${i}.md`, verify: `v${i}.sh` })) }, backend: { imageid: 'kubernetes-kubeadm-1node' } }));
    importKillercoda(src, { out: join(tmp, 'bad-lessons') });
    bad = loadCourse(join(tmp, 'bad-lessons'));
    expect(bad.problems).toEqual([]);
  });

  it('a verify that hangs is stopped at its timeout, with a message naming it', async () => {
    const r = await gradeExercise(bad.exercises.get('misbehaving-step-1')!, targetOf(lab));
    expect(r.passed).toBe(false);
    expect(r.checks[0]!.message).toBe('the check script verify.sh did not finish within 30 s and was stopped');
  }, 60_000);

  it("a verify cannot write the learner's home, nor change the cluster", async () => {
    const r = await gradeExercise(bad.exercises.get('misbehaving-step-2')!, targetOf(lab));
    expect(r.passed).toBe(false);
    expect(r.checks[0]!.message).toMatch(/Read-only file system/);
    expect(existsSync(join(home, 'pwned'))).toBe(false);

    const w = await gradeExercise(bad.exercises.get('misbehaving-step-3')!, targetOf(lab));
    expect(w.passed).toBe(false);
    expect(w.checks[0]!.message).toMatch(/forbidden/i);
    await expect(getJson(lab.kubeconfigs.admin, ['get', 'namespace', 'from-verify'])).rejects.toThrow(/not found/);
  }, 60_000);
});

describe('a step that needs running containers, on kwok', () => {
  it('says why instead of failing: setup refuses, and the check names the reason without running', async () => {
    const course2 = loadCourse(join(tmp, 'bad-lessons'));
    const logs = course2.exercises.get('misbehaving-step-4')!;
    expect(logs.requires).toEqual(['containers']);
    await expect(setupExercise(logs, lab, labs.provider)).rejects.toThrow(/needs containers, which lab .* cannot offer: kwok simulates nodes/);
    const r = await gradeExercise(logs, targetOf(lab));
    expect(r.passed).toBe(false);
    expect(r.checks[0]!.message).toMatch(/^not on this lab: this exercise needs a cluster that runs containers \(kwok simulates nodes.*\) — use a kind lab$/);
  });
});
