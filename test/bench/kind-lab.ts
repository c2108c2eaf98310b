/**
 * kind lab benchmark, beside kwok in the same run: creation time of a 2-worker lab (the node image
 * and the workload stand-ins already built and cached: `kubelab setup --provider kind`), and the
 * memory one idle lab holds (kind: the node containers' cgroup memory as `docker stats` reports it;
 * kwok: the resident memory of its processes). Written to test/bench/results/kind-lab.md.
 * Run: npx tsx test/bench/kind-lab.ts   (RUNS=3 by default)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KindProvider, KwokProvider, defaultCacheDir, run } from '../../sandbox/index.js';
import { median } from './support/stats.js';

const runs = Number(process.env.RUNS ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-kind-'));
const kind = new KindProvider({ workDir: join(dataDir, 'kind'), cacheDir: defaultCacheDir() });
const kwok = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: defaultCacheDir() });

const avail = await kind.available();
if (!avail.ok) {
  console.error(`kind labs cannot run here: ${avail.reason}`);
  process.exit(1);
}


/** Bytes from docker's human units (e.g. "512.3MiB"). */
function bytesOf(text: string): number {
  const m = /^([\d.]+)\s*([KMGT]?i?B)$/.exec(text.trim());
  if (!m) return 0;
  const unit = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 }[m[2]!] ?? 1;
  return Number(m[1]) * unit;
}

/** Memory of a kind lab's node containers, summed (docker stats: cgroup usage without page cache). */
async function kindMemory(lab: string): Promise<{ bytes: number; containers: number }> {
  const ids = (await run('docker', ['ps', '-q', '--filter', `label=io.x-k8s.kind.cluster=kubelab-${lab}`])).stdout.split('\n').filter(Boolean);
  const stats = await run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', ...ids]);
  const bytes = stats.stdout
    .split('\n')
    .filter(Boolean)
    .reduce((sum, line) => sum + bytesOf(line.split('/')[0]!), 0);
  return { bytes, containers: ids.length };
}

const kindTimes: number[] = [];
const kwokTimes: number[] = [];
let kindIdle = { bytes: 0, containers: 0 };
let kwokIdle = 0;
try {
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    const k = await kind.create({ name: `bench-kind-${i}`, workers: 2 });
    kindTimes.push(performance.now() - t0);
    if (i === 0) {
      await new Promise((r) => setTimeout(r, 30_000)); // let start-up work settle: "idle"
      kindIdle = await kindMemory(k.name);
    }
    await kind.delete(k);

    t0 = performance.now();
    const w = await kwok.create({ name: `bench-kwok-${i}`, workers: 2 });
    kwokTimes.push(performance.now() - t0);
    if (i === 0) {
      await new Promise((r) => setTimeout(r, 30_000));
      kwokIdle = kwok.residentBytes(w);
    }
    await kwok.delete(w);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
const s = (t: number) => (t / 1000).toFixed(1);
const report = `# kind lab benchmark, beside kwok

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${mb(totalmem())} MiB RAM;
a shared, noisy machine. Run with \`npx tsx test/bench/kind-lab.ts\`. Both providers, alternating, in one run.

| figure | kind | kwok | kind / kwok |
|---|---|---|---|
| lab creation, median of ${runs} (2 workers Ready, identities; kind from the node image with the stand-ins preloaded) | ${s(median(kindTimes))} s | ${s(median(kwokTimes))} s | ${(median(kindTimes) / median(kwokTimes)).toFixed(1)}× |
| lab creation, each run | ${kindTimes.map(s).join(' s, ')} s | ${kwokTimes.map(s).join(' s, ')} s | |
| memory of one idle lab (30 s after creation) | ${mb(kindIdle.bytes)} MiB (${kindIdle.containers} node containers) | ${mb(kwokIdle)} MiB (processes' RSS) | ${(kindIdle.bytes / kwokIdle).toFixed(1)}× |

Creation is "cold" for the cluster (new nodes from nothing) with everything built and cached: the
kind node image (\`kubelab images build\`), the workload stand-ins (\`kubelab images load\`) and the
cluster binaries. Building those from an empty cache is measured by \`.ci/run\`, not here.
`;
writeFileSync(new URL('./results/kind-lab.md', import.meta.url), report);
console.log(report);
