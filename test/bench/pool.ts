/**
 * Pool benchmark: how long a learner waits for a lab (LabManager.labFor, what the page waits on)
 * when the warm pool has one ready (median and p99 of CLAIMS claims) against a cold creation with an
 * empty pool (median of COLD runs), on kwok labs; written to test/bench/results/pool.md.
 * Never more than two labs exist at once. Run: npx tsx test/bench/pool.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KwokProvider } from '../../sandbox/index.js';
import { loadConfig, type Config } from '../../server/config.js';
import { LabManager } from '../../server/labs.js';
import { createLogger } from '../../server/logger.js';
import { kwokWorkDir } from '../../server/labs/providers.js';
import { databasePath, openStore } from '../../server/store.js';
import { median } from './support/stats.js';

const claims = Number(process.env.CLAIMS ?? 30);
const coldRuns = Number(process.env.COLD ?? 5);

/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
const until = async (probe: () => boolean, timeoutMs = 300_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the pool');
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function withManager<T>(flags: Partial<Config>, body: (labs: LabManager, user: (n: string) => number) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-pool-'));
  const config = loadConfig({ dataDir, ...flags }, {});
  const store = openStore(databasePath(dataDir));
  const provider = new KwokProvider({ workDir: kwokWorkDir(config), cacheDir: config.cacheDir });
  const labs = new LabManager(provider, store, config, createLogger({ level: 'warn' }));
  try {
    return await body(labs, (n) => store.users.create({ username: n, displayName: n, role: 'learner' }).id);
  } finally {
    await labs.stop();
    for (const ref of await provider.list()) await provider.delete(ref);
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Warm: the pool holds one ready lab and the machine is otherwise quiet; claim, then give it back
// (the pool has already started refilling) and wait for the next ready one.
const warm = await withManager({ poolSize: 1, maxLabs: 2 }, async (labs, user) => {
  const times: number[] = [];
  await labs.adopt();
  for (let i = 0; i < claims; i++) {
    await until(() => labs.pool.ready === 1);
    const id = user(`warm-${i}`);
    const t0 = performance.now();
    await labs.labFor(id);
    times.push(performance.now() - t0);
    await labs.release(id);
    process.stderr.write(`warm claim ${i + 1}/${claims}: ${times.at(-1)!.toFixed(1)} ms\n`);
  }
  return times;
});

// Cold: no pool; the learner waits for the whole creation.
const cold = await withManager({ poolSize: 0, maxLabs: 2 }, async (labs, user) => {
  const times: number[] = [];
  await labs.adopt();
  for (let i = 0; i < coldRuns; i++) {
    const id = user(`cold-${i}`);
    const t0 = performance.now();
    await labs.labFor(id);
    times.push(performance.now() - t0);
    await labs.release(id);
    process.stderr.write(`cold creation ${i + 1}/${coldRuns}: ${(times.at(-1)! / 1000).toFixed(1)} s\n`);
  }
  return times;
});

const ms = (t: number) => `${t.toFixed(1)} ms`;
const s = (t: number) => `${(t / 1000).toFixed(1)} s`;
const report = `# Pool benchmark (kwok provider)

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 1024 / 1024).toFixed(0)} MiB RAM;
a shared, noisy machine (teammates' builds and tests ran at the same time). Run with \`npx tsx test/bench/pool.ts\`
(\`CLAIMS=\` and \`COLD=\` change the sample counts).

What is timed: \`LabManager.labFor(user)\` for a learner with no lab, i.e. what the lesson page waits for
before the terminal can open, including the store writes.

| figure | value |
|---|---|
| claim from a warm pool (one ready lab), median of ${claims} | ${ms(median(warm))} |
| claim from a warm pool, p99 (nearest rank of ${claims}: the slowest) | ${ms(percentile(warm, 99))} |
| cold creation with an empty pool (2 worker nodes Ready), median of ${coldRuns} | ${s(median(cold))} |
| cold creation, each run | ${cold.map(s).join(', ')} |
| cold median / warm median | ${Math.round(median(cold) / median(warm))}× |

A warm claim hands over a lab that is already running: its cost is one SQLite transaction (owner and
last use, synchronous=FULL, so one disk sync) and an event. With ${claims} samples the p99 is the single
slowest claim and mostly measures disk-sync jitter on a shared machine.
`;
writeFileSync(new URL('./results/pool.md', import.meta.url), report);
console.log(report);
