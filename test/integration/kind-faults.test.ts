/**
 * kind labs when things go wrong, for real: a host without Docker and without root gets a message
 * saying what to install; a node image build that fails names its step and leaves nothing half-made
 * in the cache; and when the Docker daemon stops under a running lab, the lab is reported lost at
 * once (not left to hang), and deleting it afterwards leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, ensureDocker, KindProvider, kubectl, packageRoot, readEngineState, run } from '../../sandbox/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'kubelab-kind-faults-'));
chmodSync(scratch, 0o777);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('kind setup and image build faults', () => {
  it('tells a user without Docker and without root what to install, before any build', () => {
    // A PATH with node and nothing else: no docker. As root, the command drops to nobody first.
    const bin = join(scratch, 'bin-nodocker');
    const cache = join(scratch, 'cache-nodocker');
    rmSync(bin, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', bin, cache]);
    chmodSync(cache, 0o777);
    symlinkSync(process.execPath, join(bin, 'node'));
    const cli = [join(packageRoot, 'bin', 'kubelab.js'), 'setup', '--provider', 'kind', '--skip-system', '--cache-dir', cache, '--data-dir', join(cache, 'data')];
    const asNobody = process.getuid?.() === 0 ? ['/usr/bin/setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', '--'] : [];
    const argv = [...asNobody, join(bin, 'node'), ...cli];
    const r = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: bin, HOME: cache }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Docker is not installed and kubelab is not running as root/);
    expect(r.stderr).toMatch(/sudo apt-get install docker\.io/);
    // Nothing was built or downloaded into the cache.
    expect(filesUnder(cache).filter((f) => !f.startsWith('data'))).toEqual([]);
  });

  it('names the failed step of an image build and leaves no half-made artifact in the cache', () => {
    const bin = join(scratch, 'bin-badmmdebstrap');
    const cache = join(scratch, 'cache-badbuild');
    spawnSync('mkdir', ['-p', bin, cache]);
    // An mmdebstrap that writes half an archive and fails, as a broken mirror would.
    writeFileSync(join(bin, 'mmdebstrap'), '#!/bin/sh\nfor a; do case $a in *.tar) echo partial > "$a" ;; esac; done\necho "E: cannot fetch packages" >&2\nexit 1\n', { mode: 0o755 });
    const r = spawnSync('bash', [join(packageRoot, 'sandbox', 'images', 'build.sh'), 'workloads'], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, KUBELAB_CACHE_DIR: cache },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/error in step 1\/3 \(Debian bookworm root filesystem.*\): mmdebstrap of the workload root filesystem failed/);
    expect(filesUnder(cache)).toEqual([]);
  });
});

const kind = new KindProvider({ workDir: join(scratch, 'kind'), cacheDir: defaultCacheDir() });
const avail = await kind.available();
const state = readEngineState(defaultCacheDir());
const ownDockerd = state?.dockerdPid !== undefined && spawnSync('kill', ['-0', String(state.dockerdPid)]).status === 0;
const skip = !avail.ok ? avail.reason : !ownDockerd ? 'the Docker daemon was not started by kubelab setup, so this test does not stop it' : undefined;

describe.skipIf(skip !== undefined)(`a kind lab whose Docker daemon stops${skip ? ` — skipped: ${skip}` : ''}`, () => {
  it('is reported lost at once, and deleting it afterwards leaves nothing', async () => {
    const name = `fault-${randomBytes(3).toString('hex')}`;
    const lab = await kind.create({ name, workers: 1 });
    try {
      process.kill(state!.dockerdPid!, 'SIGTERM');
      for (let i = 0; i < 60 && spawnSync('kill', ['-0', String(state!.dockerdPid)]).status === 0; i++) await new Promise((r) => setTimeout(r, 500));
      await expect(kind.open(lab)).rejects.toThrow(new RegExp(`lab ${name} is lost`));
      // The API server went with its node: kubectl fails instead of waiting.
      await expect(kubectl(lab.kubeconfigs.grader, ['get', 'nodes', '--request-timeout=20s'])).rejects.toThrow();
    } finally {
      // Setup starts the daemon again (as it would after a reboot); the lab stays lost until deleted.
      await ensureDocker(defaultCacheDir(), () => {});
      await kind.delete(lab);
    }
    expect((await run('docker', ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=kubelab-${name}`])).stdout.trim()).toBe('');
    expect((await run('docker', ['network', 'ls', '-q', '--filter', `name=^kubelab-${name}$`])).stdout.trim()).toBe('');
  }, 900_000);
});
