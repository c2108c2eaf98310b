/** kubelab exercise setup / solve / cleanup and kubelab check, as a course author runs them against a real lab. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { testLabs, type TestLabs } from '../helpers/lab.js';
import { packageRoot, type Lab } from '../../sandbox/index.js';

let labs: TestLabs;
let lab: Lab;

/** Runs the CLI without blocking the test worker (a long spawnSync starves vitest's own RPC). */
const kubelab = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('node', ['bin/kubelab.js', ...args, '--data-dir', labs.dataDir], { cwd: packageRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() }));
  });

beforeAll(async () => {
  labs = testLabs('cli');
  lab = await labs.create(2);
}, 180_000);

afterAll(async () => {
  await labs?.cleanup();
}, 120_000);

describe('kubelab exercise and kubelab check', () => {
  test('after setup the check fails: exit 1, and --json lists every check with passed, message and points', async () => {
    expect(await kubelab(['exercise', 'setup', 'rollout-undo', '--lab', lab.name])).toMatchObject({ code: 0, stdout: `exercise rollout-undo is set up in lab ${lab.name}` });
    const r = await kubelab(['check', 'rollout-undo', '--lab', lab.name, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ exerciseId: 'rollout-undo', passed: false, maxPoints: 5 });
    expect(json.checks.map((c: { title: string; passed: boolean }) => [c.title, c.passed])).toEqual([
      ['web runs nginx:1.27 again', true],
      ['web is at revision 3 (updated, then rolled back)', false],
      ['web was updated to nginx:1.28 first (revision 2)', false],
      ['Revision 3 is revision 1 rolled back', false],
      ['All 3 replicas of web are ready', true],
    ]);
    expect(json.checks[1].message).toBe('web is at revision 1, expected revision 3: first update to nginx:1.28, then roll back');
    expect(json.checks[1].points).toBe(0);
    expect(json.checks[2].message).toBe("web's revisions ran revision 1: nginx:1.27, expected revision 2 to run nginx:1.28: update web to nginx:1.28 before rolling back");
    expect(json.checks[2].hint).toBe('kubectl set image deployment/web nginx=nginx:1.28');
  });

  test('after the reference solution the check passes: exit 0, readable output', async () => {
    expect((await kubelab(['exercise', 'solve', 'rollout-undo', '--lab', lab.name])).code).toBe(0);
    const r = await kubelab(['check', 'rollout-undo', '--lab', lab.name]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').at(-1)).toBe('rollout-undo: 5/5 points, passed');
  });

  test('hints and titles come with the lab\'s own node names, not raw variables', async () => {
    const r = await kubelab(['check', 'node-affinity', '--lab', lab.name, '--json']);
    const json = JSON.parse(r.stdout);
    expect(json.checks[0].hint).toBe(`kubectl label node ${lab.workers[0]} disk=ssd`);
    expect(r.stdout).not.toContain('{{');
    const text = await kubelab(['check', 'node-affinity', '--lab', lab.name]);
    expect(text.stdout).toContain(`hint: kubectl label node ${lab.workers[0]} disk=ssd`);
  });

  test('--kubeconfig grades any cluster the file reaches, finding workers by their labels', async () => {
    const r = await kubelab(['check', 'rollout-undo', '--kubeconfig', lab.kubeconfigs.grader, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).passed).toBe(true);
  });

  test('setupComponents: manual-schedule stops the scheduler, cleanup starts it again', async () => {
    expect((await kubelab(['exercise', 'setup', 'manual-schedule', '--lab', lab.name])).code).toBe(0);
    expect(labs.provider.componentRunning(lab, 'kube-scheduler')).toBe(false);
    expect((await kubelab(['exercise', 'cleanup', 'manual-schedule', '--lab', lab.name])).code).toBe(0);
    expect(labs.provider.componentRunning(lab, 'kube-scheduler')).toBe(true);
  });

  test('mistakes get one clear line and exit non-zero', async () => {
    const unknown = await kubelab(['check', 'no-such-exercise', '--lab', lab.name]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n')[0]).toMatch(/^kubelab check: no exercise named no-such-exercise in /);
    const both = await kubelab(['check', 'first-pod', '--lab', lab.name, '--kubeconfig', lab.kubeconfigs.grader]);
    expect(both.stderr).toBe('kubelab check: name exactly one of --lab NAME or --kubeconfig PATH');
    const noLab = await kubelab(['check', 'first-pod', '--lab', 'nope']);
    expect(noLab.code).toBe(1);
    expect(noLab.stderr.split('\n')[0]).toBe('kubelab check: no kwok lab named nope');
  });
});
