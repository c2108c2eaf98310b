/**
 * sandbox/binaries/obtain.sh on a real Go toolchain and the real Go module proxy: one progress line
 * per component with its elapsed time (the build's own output goes to a log file), and a refused
 * module named exactly, with the log. Each run gets a bin folder of its own holding links to the
 * cached binaries, minus the ones under test, so nothing heavy is rebuilt.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binDir, binariesScriptDir, defaultCacheDir, pinnedVersions } from '../../sandbox/binaries.js';
import { run } from '../../sandbox/run.js';

const scratch = mkdtempSync(join(tmpdir(), 'kubelab-obtain-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the script folder (versions.env edited by `edit`) and a bin folder with every cached binary but `leaveOut`. */
function setUp(name: string, leaveOut: string[], edit: (env: string) => string = (e) => e) {
  const root = join(scratch, name);
  const scripts = join(root, 'binaries');
  cpSync(binariesScriptDir, scripts, { recursive: true });
  writeFileSync(join(scripts, 'versions.env'), edit(readFileSync(join(scripts, 'versions.env'), 'utf8')));
  const bin = join(root, 'bin');
  const cached = binDir(defaultCacheDir());
  mkdirSync(bin);
  for (const f of readdirSync(cached)) if (!leaveOut.includes(f)) symlinkSync(join(cached, f), join(bin, f));
  const obtain = () =>
    run('bash', [join(scripts, 'obtain.sh')], {
      env: { ...process.env, KUBELAB_CACHE_DIR: join(root, 'cache'), KUBELAB_BIN_DIR: bin, KUBELAB_DOWNLOAD_TIMEOUT: '3' },
      timeoutMs: 600_000,
    });
  return { bin, log: join(root, 'cache', 'setup.log'), obtain };
}

describe('obtain.sh', () => {
  it('builds a missing binary with one progress line and its elapsed time; the Go output goes to the log', async () => {
    const { bin, log, obtain } = setUp('progress', ['kwokctl']);
    const r = await obtain();
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    const built = new RegExp(`^\\[kubelab setup\\] kwokctl ${pinnedVersions().kwok}: built \\((\\d+m)?\\d+s\\)$`);
    expect(lines.filter((l) => built.test(l)), r.stderr).toHaveLength(1);
    expect(lines.at(-1)).toMatch(new RegExp(`^\\[kubelab setup\\] all cluster binaries ready in ${bin} \\((\\d+m)?\\d+s\\)$`));
    expect(r.stderr).not.toMatch(/go: (downloading|finding)/);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(bin);
    expect(readFileSync(log, 'utf8')).toContain(`go install of kwokctl ${pinnedVersions().kwok}`);
    const v = await run(join(bin, 'kwokctl'), ['--version']);
    expect(v.stdout).toContain(pinnedVersions().kwok);
  });

  it('names the module the Go module proxy refuses, and the log', async () => {
    const { bin, log, obtain } = setUp('refused', ['metrics-server'], (e) => e.replace(/^METRICS_SERVER_VERSION=.*$/m, 'METRICS_SERVER_VERSION=v0.99.0'));
    const r = await obtain();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not serve sigs.k8s.io/metrics-server/cmd/metrics-server@v0.99.0');
    expect(r.stderr).toContain(`Full log: ${log}`);
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toMatch(/metrics-server@v0\.99\.0.*(403|404|410|not available|unknown revision)/s);
    expect(existsSync(join(bin, 'metrics-server'))).toBe(false);
  });
});
