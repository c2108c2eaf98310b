/**
 * Lab benchmark: cold creation time of a kwok lab (median of 5) and the resident memory of one
 * idle lab (sum over its processes), written to test/bench/results/lab.md.
 * Run: npx tsx test/bench/lab.ts   (the cluster binaries must be in the cache: kubelab setup)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KwokProvider, defaultCacheDir } from '../../sandbox/index.js';

const runs = Number(process.env.RUNS ?? 5);
const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-lab-'));
const provider = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: defaultCacheDir() });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const times: number[] = [];
let idleRss = 0;
let processCount = 0;
try {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const lab = await provider.create({ name: `bench-${i}`, workers: 2 });
    times.push(performance.now() - t0);
    if (i === 0) {
      await new Promise((r) => setTimeout(r, 20_000)); // let start-up work settle: "idle"
      processCount = provider.processes(lab).length;
      idleRss = provider.residentBytes(lab);
    }
    await provider.delete(lab);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
const report = `# Lab benchmark (kwok provider)

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${mb(totalmem())} MiB RAM;
a shared, noisy machine. Run with \`npx tsx test/bench/lab.ts\`.

| figure | value |
|---|---|
| cold lab creation, median of ${runs} (control plane + identities + 2 worker nodes Ready) | ${(median(times) / 1000).toFixed(1)} s |
| cold lab creation, each run | ${times.map((t) => (t / 1000).toFixed(1)).join(' s, ')} s |
| resident memory of one idle lab, sum over its ${processCount} processes (20 s after creation) | ${mb(idleRss)} MiB |

"Cold" means a new cluster from nothing, with the binaries already in the cache (\`kubelab setup\`).
`;
writeFileSync(new URL('./results/lab.md', import.meta.url), report);
console.log(report);
