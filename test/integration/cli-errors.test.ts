/** Bad input to `kubelab lab create`: one clear line, a non-zero exit, nothing half-created. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readdirSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function kubelab(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('node', ['bin/kubelab.js', ...args, '--data-dir', dataDir], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { code: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() };
}

function labsLeft(): string[] {
  const dir = join(dataDir, 'kwok', 'clusters');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('kubelab lab create with bad input', () => {
  it.each([
    ['--workers 0', ['--workers', '0'], /workers.*(1|at least)/i],
    ['--workers abc', ['--workers', 'abc'], /workers/i],
    ['an unknown provider', ['--provider', 'nope'], /provider.*nope|nope.*provider/i],
    ['a bad lab name', ['--name', 'Bad_Name!'], /lab name/i],
  ])('%s → one clear line and exit 1', (_what, args, pattern) => {
    const r = kubelab(['lab', 'create', ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(labsLeft()).toEqual([]);
  });

  it('a missing binary names it and says how to get it', () => {
    const empty = join(dataDir, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const r = kubelab(['lab', 'create', '--name', 'nobin'], { KUBELAB_BIN_DIR: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/binaries missing: etcd, etcdctl, etcdutl, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, kwokctl, metrics-server \(looked in \S+empty-bin\)/);
    expect(r.stderr).toMatch(/kubelab setup/);
    expect(labsLeft()).toEqual([]);
  });

  it('a port already taken is refused before anything starts', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = kubelab(['lab', 'create', '--name', 'porttaken', '--api-port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`port ${port}.*already taken`));
      expect(labsLeft()).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('deleting a lab that does not exist says so', () => {
    const r = kubelab(['lab', 'delete', 'ghost']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no lab named ghost/);
  });

  it('create, list --json and delete work end to end through the CLI', () => {
    const created = kubelab(['lab', 'create', '--name', 'cli-lab', '--workers', '2', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const info = JSON.parse(created.stdout);
    expect(info).toMatchObject({ name: 'cli-lab', provider: 'kwok' });
    for (const k of ['admin', 'learner', 'grader']) expect(existsSync(info.kubeconfigs[k])).toBe(true);
    const listed = JSON.parse(kubelab(['lab', 'list', '--json']).stdout);
    expect(listed).toContainEqual({ name: 'cli-lab', provider: 'kwok' });
    expect(kubelab(['lab', 'delete', 'cli-lab']).code).toBe(0);
    expect(labsLeft()).toEqual([]);
  });
});
