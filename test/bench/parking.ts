/**
 * Parking benchmark: what a parked kwok lab holds (resident memory of its processes, its folder on
 * disk) against the same lab idle, and how long a learner waits for it to wake (median and max of
 * WAKES park/wake rounds), beside a new lab's creation (median of COLD creations), in one run on
 * this machine; written to test/bench/results/parking.md. One or two labs at once.
 * Run: npx tsx test/bench/parking.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KwokProvider, kubectl } from '../../sandbox/index.js';
import { defaultConfig } from '../../server/config.js';
import { median } from './support/stats.js';

const wakes = Number(process.env.WAKES ?? 5);
const coldRuns = Number(process.env.COLD ?? 3);

const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const sec = (ms: number) => (ms / 1000).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-park-'));
const provider = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: defaultConfig().cacheDir });
const load = loadavg()[0]!.toFixed(1);

try {
  const cold: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    const t = Date.now();
    const l = await provider.create({ name: `cold-${i}`, workers: 2 });
    cold.push(Date.now() - t);
    await provider.delete(l);
  }

  const lab = await provider.create({ name: 'parked', workers: 2 });
  await sleep(20_000); // settle: the first seconds of a lab are busier than its idle state
  const idle = await provider.usage(lab);
  const parkMs: number[] = [];
  const wakeMs: number[] = [];
  let parked = idle;
  for (let i = 0; i < wakes; i++) {
    let t = Date.now();
    await provider.park(lab);
    parkMs.push(Date.now() - t);
    parked = await provider.usage(lab);
    t = Date.now();
    await provider.wake(lab);
    // Woken means a learner's kubectl answers.
    await kubectl(lab.kubeconfigs.learner, ['get', 'pods', '-A']);
    wakeMs.push(Date.now() - t);
  }
  await provider.delete(lab);

  const lines = [
    '# Parked labs',
    '',
    `One run of \`npx tsx test/bench/parking.ts\` on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (load average ${load} at start), ${new Date().toISOString().slice(0, 10)}.`,
    'A kwok lab with two workers and metrics-server. Memory: resident memory of the lab\'s processes, summed; disk: blocks its folder takes.',
    '',
    '| figure | idle lab | parked lab |',
    '|---|---|---|',
    `| memory (MiB) | ${mib(idle.memoryBytes ?? 0)} | ${mib(parked.memoryBytes ?? 0)} |`,
    `| disk (MiB) | ${mib(idle.diskBytes ?? 0)} | ${mib(parked.diskBytes ?? 0)} |`,
    '',
    '| time (s) | median | max | runs |',
    '|---|---|---|---|',
    `| park | ${sec(median(parkMs))} | ${sec(Math.max(...parkMs))} | ${wakes} |`,
    `| wake, until kubectl answers | ${sec(median(wakeMs))} | ${sec(Math.max(...wakeMs))} | ${wakes} |`,
    `| a new lab instead (create) | ${sec(median(cold))} | ${sec(Math.max(...cold))} | ${coldRuns} |`,
    '',
    `Waking takes ${(median(wakeMs) / median(cold)).toFixed(2)}× the time of a new lab, and keeps everything the learner made.`,
  ];
  writeFileSync(new URL('./results/parking.md', import.meta.url), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
} finally {
  for (const l of await provider.list()) await provider.delete(l).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
