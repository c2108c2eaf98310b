/**
 * Cold setup benchmark: how long `obtain.sh --node` takes with every cache empty (the kubelab
 * cache, Go's build and module caches, all in a fresh temporary folder), per component, as a new
 * machine or a CI run from an empty cache pays it once; written to test/bench/results/setup-cold.md.
 * Needs the Go module proxy. Run: npx tsx test/bench/setup-cold.ts (tens of minutes).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../sandbox/index.js';

const root = mkdtempSync(join(tmpdir(), 'kubelab-bench-cold-'));
const env = { ...process.env, KUBELAB_CACHE_DIR: join(root, 'kubelab'), GOCACHE: join(root, 'gocache'), GOMODCACHE: join(root, 'gomod'), GOPATH: join(root, 'gopath') };
const load = loadavg()[0]!.toFixed(1);
const started = Date.now();
const lines: string[] = [];
try {
  const code = await new Promise<number | null>((resolve) => {
    const p = spawn('bash', [join(packageRoot, 'sandbox', 'binaries', 'obtain.sh'), '--node'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      lines.push(...d.toString().split('\n').filter((l) => /: built \(|ready in/.test(l)));
    });
    p.on('close', resolve);
  });
  if (code !== 0) throw new Error(`obtain.sh exited ${code}`);
  const rows = lines.map((l) => /\] (.+?): built \((.+)\)/.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => `| ${m[1]} | ${m[2]} |`);
  const out = [
    '# Cold setup',
    '',
    `One run of \`npx tsx test/bench/setup-cold.ts\` on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (load average ${load} at start), ${new Date().toISOString().slice(0, 10)}:`,
    '`obtain.sh --node` with the kubelab cache and Go\'s build and module caches all empty.',
    '',
    '| component | built in |',
    '|---|---|',
    ...rows,
    `| **all** | **${((Date.now() - started) / 60_000).toFixed(1)} min** |`,
  ];
  writeFileSync(new URL('./results/setup-cold.md', import.meta.url), out.join('\n') + '\n');
  console.log(out.join('\n'));
} finally {
  rmSync(root, { recursive: true, force: true });
}
