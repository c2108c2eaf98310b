/**
 * Grading when things go wrong: a script check that hangs is killed at its timeout (with what it
 * started) and reported failed; a lab whose API server is gone or frozen gives failed checks that
 * say so, quickly, never an exception or a hang; `kubelab lint` names bad lessons by file and line.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testLabs, type TestLabs } from '../helpers/lab.js';
import { packageRoot, type Lab } from '../../sandbox/index.js';
import { gradeExercise, targetOf } from '../../server/grading.js';
import { checkSchema } from '../../server/grading/schema.js';

const fixtures = join(packageRoot, 'test', 'fixtures');
const scriptsDir = join(fixtures, 'script-checks');
const exercise = (checks: unknown[]) => ({ id: 'errors', dir: scriptsDir, checks: checks.map((c) => checkSchema.parse(c)) });
/** Running (a zombie waiting for an init that is slow to reap it counts as gone). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

let labs: TestLabs;
let lab: Lab;

beforeAll(async () => {
  labs = testLabs('err');
  lab = await labs.create(2);
}, 180_000);

afterAll(async () => {
  await labs?.cleanup();
}, 120_000);

describe('script checks', () => {
  test('run outside the jail with the grader credential and JSON input; exit 0 passes, stdout is the message', async () => {
    const r = await gradeExercise(exercise([{ title: 'nodes', script: 'nodes.sh' }, { title: 'widget', script: 'fails.sh', hint: 'add a widget' }]), targetOf(lab));
    expect(r.checks[0]).toMatchObject({ passed: true, message: `lab ${lab.name} has 2 worker nodes; grader may create pods: no`, points: 1 });
    expect(r.checks[1]).toEqual({ title: 'widget', passed: false, message: 'the widget is missing, expected one widget', points: 0, maxPoints: 1, hint: 'add a widget' });
  });

  test('a script that hangs is killed at its timeout, with the processes it started, and reported failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-hang-'));
    const pidFile = join(dir, 'child.pid');
    const started = Date.now();
    const r = await gradeExercise(exercise([{ title: 'hangs', script: 'hang.sh', args: [pidFile], timeoutSeconds: 1 }]), targetOf(lab));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.passed).toBe(false);
    expect(r.checks[0]!.message).toBe('the check script hang.sh did not finish within 1 s and was stopped');
    const child = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 200));
    expect(alive(child), 'the sleeping child was killed with its process group').toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a script that leads out of the exercise folder through a symlink is not run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-link-'));
    symlinkSync('/bin/true', join(dir, 'evil.sh'));
    const r = await gradeExercise({ id: 'errors', dir, checks: [checkSchema.parse({ title: 'escape', script: 'evil.sh' })] }, targetOf(lab));
    expect(r.checks[0]).toMatchObject({ passed: false, message: 'the check script evil.sh lies outside the exercise folder and was not run' });
    rmSync(dir, { recursive: true, force: true });
  });

  test('a script that is missing or not executable fails the check with a reason', async () => {
    const r = await gradeExercise(exercise([{ title: 'gone', script: 'no-such-script.sh' }]), targetOf(lab));
    expect(r.checks[0]!.passed).toBe(false);
    expect(r.checks[0]!.message).toMatch(/^the check script no-such-script.sh could not start: ENOENT/);
  });
});

describe('a lab whose API server is not answering', () => {
  const checks = [
    { title: 'web is there', get: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }, expect: 'object.spec.replicas == 3' },
    { title: 'pods', list: { apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, expect: 'objects.size() == 0' },
    { title: 'may list pods', access: { user: 'jane', verb: 'list', resource: 'pods', namespace: 'default' }, allowed: false },
  ];
  const apiServerPid = () => Number(readFileSync(join(labs.provider.clusterDir(lab.name), 'pids', 'kube-apiserver.pid'), 'utf8'));

  test('before: the same checks run normally', async () => {
    const r = await gradeExercise(exercise(checks), targetOf(lab));
    expect(r.checks.map((c) => c.message)).toEqual(['Deployment web in namespace default does not exist', 'pods', 'may list pods']);
  });

  test('frozen (accepts connections, never answers): every check fails within the request timeout, saying so', async () => {
    const pid = apiServerPid();
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const r = await gradeExercise(exercise(checks), targetOf(lab));
      expect(Date.now() - started).toBeLessThan(12_000);
      expect(r.passed).toBe(false);
      for (const c of r.checks) expect(c.message).toMatch(/^the lab's API server is not answering \(no answer within 5 s\)/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  test('gone (connection refused): every check fails at once, saying so', async () => {
    const pid = apiServerPid();
    process.kill(pid, 'SIGKILL');
    await new Promise((res) => setTimeout(res, 300));
    const started = Date.now();
    const r = await gradeExercise(exercise(checks), targetOf(lab));
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const c of r.checks) {
      expect(c.passed).toBe(false);
      expect(c.message).toMatch(/^the lab's API server is not answering \((ECONNREFUSED|ECONNRESET)\): the check could not run\. Is the lab still running\?$/);
    }
  });
});

describe('kubelab lint', () => {
  const kubelab = (args: string[]) => spawnSync('node', ['bin/kubelab.js', ...args], { cwd: packageRoot, encoding: 'utf8', timeout: 60_000 });

  test('names each problem of a bad course as file:line and exits non-zero', () => {
    const r = kubelab(['lint', 'test/fixtures/lessons-mixed']);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('test/fixtures/lessons-mixed/02-bad-checks/exercises/bad-cel/exercise.yaml:8: checks.0.expect: CEL does not compile: at 1:22: found = but expecting end of input (variables here: object, lab variables)');
    expect(lines).toContain('test/fixtures/lessons-mixed/02-bad-checks/exercises/bad-kind/exercise.yaml:8: checks.0.exec: unknown check type "exec": use one of get, list, access, accessOnly, kubeconfig, script, dryRun, probePod, networkPolicy, steady');
    expect(lines).toContain('test/fixtures/lessons-mixed/03-bad-front-matter/lesson.md:6: unknown field "difficulty"');
    for (const l of lines) expect(l).toMatch(/^[^:]+:\d+: \S/);
    expect(r.stderr).toMatch(/^9 problems \(2 lessons, 1 exercises loaded\)/);
  });

  test('a good course: exit 0 and a summary', () => {
    const r = kubelab(['lint', 'test/fixtures/lessons-good']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('1 lessons, 1 exercises: no problems');
    expect(r.status).toBe(0);
  });
});
