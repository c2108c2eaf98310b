/**
 * Idle cost of kwok labs: where an idle lab's memory and CPU go, per component, with the Go
 * runtime settings of kwok.ts (labGoMemory) and without them, in one run; written to
 * test/bench/results/idle-cost.md. LABS labs of each kind run side by side (so shared pages are
 * shared as they are in a workshop); after SETTLE seconds each process's RSS, PSS (its share of
 * shared pages), private anonymous memory and CPU time over WINDOW seconds are read from /proc.
 * The two kinds alternate in ROUNDS rounds so that the machine's noise falls on both; medians.
 * Run: npx tsx test/bench/idle-cost.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { KwokProvider, defaultCacheDir, type Lab } from '../../sandbox/index.js';
import { median } from './support/stats.js';

const labsPerKind = Number(process.env.LABS ?? 3);
const rounds = Number(process.env.ROUNDS ?? 2);
const settleS = Number(process.env.SETTLE ?? 30);
const windowS = Number(process.env.WINDOW ?? 60);
const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-idle-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = loadavg()[0]!.toFixed(1);
const ticks = 100; // USER_HZ on Linux

const nameOf = (pid: number) => basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? String(pid));
const kb = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? 0) * 1024;
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
};

interface Sample { rss: number; pss: number; anon: number; cpu: number }
type PerComponent = Record<string, Sample[]>;

async function measureKind(label: string, goMemoryTuning: boolean, round: number, into: PerComponent): Promise<void> {
  const provider = new KwokProvider({ workDir: join(dataDir, `${label}-${round}`), cacheDir: defaultCacheDir(), goMemoryTuning });
  const labs: Lab[] = [];
  try {
    for (let i = 0; i < labsPerKind; i++) labs.push(await provider.create({ name: `${label}-${round}-${i}`, workers: 2 }));
    await sleep(settleS * 1000);
    const pids = labs.flatMap((l) => provider.processes(l));
    const before = new Map(pids.map((p) => [p, cpuTicks(p)]));
    await sleep(windowS * 1000);
    for (const pid of pids) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const s: Sample = { rss: kb(status, 'VmRSS'), pss: kb(rollup, 'Pss'), anon: kb(status, 'RssAnon'), cpu: (cpuTicks(pid) - before.get(pid)!) / ticks / windowS };
      (into[nameOf(pid)] ??= []).push(s);
    }
  } finally {
    for (const l of labs) await provider.delete(l).catch(() => undefined);
  }
}

const tuned: PerComponent = {};
const plain: PerComponent = {};
try {
  for (let r = 0; r < rounds; r++) {
    await measureKind('plain', false, r, plain);
    await measureKind('tuned', true, r, tuned);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
const names = Object.keys(plain).sort();
const perLab = (c: PerComponent, k: keyof Sample) => names.reduce((sum, n) => sum + (c[n] ? med(c[n]!, k) : 0), 0);
const row = (n: string) => {
  const p = plain[n] ?? [];
  const t = tuned[n] ?? [];
  return `| ${n} | ${mib(med(p, 'rss'))} → ${mib(med(t, 'rss'))} | ${mib(med(p, 'pss'))} → ${mib(med(t, 'pss'))} | ${mib(med(p, 'anon'))} → ${mib(med(t, 'anon'))} | ${(med(p, 'cpu') * 100).toFixed(1)} → ${(med(t, 'cpu') * 100).toFixed(1)} |`;
};
const lines = [
  '# Idle cost of a kwok lab, per component',
  '',
  `One run of \`npx tsx test/bench/idle-cost.ts\` on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (load average ${load} at start), ${new Date().toISOString().slice(0, 10)}.`,
  `${labsPerKind} labs (two workers, metrics-server) at a time, idle for ${settleS} s, then measured over ${windowS} s; ${rounds} rounds of each kind, alternating; medians per process.`,
  'Each cell: without the Go runtime settings (Go defaults) → with them (kwok.ts `labGoMemory`: GOGC=50 and a soft GOMEMLIMIT per component).',
  'RSS counts shared pages (the binaries) in full; PSS splits them between the processes that share them; private is anonymous memory, what each further lab adds; CPU is the share of one core.',
  '',
  '| component | RSS (MiB) | PSS (MiB) | private (MiB) | CPU (% of a core) |',
  '|---|---|---|---|---|',
  ...names.map(row),
  `| **one lab** | ${mib(perLab(plain, 'rss'))} → ${mib(perLab(tuned, 'rss'))} | ${mib(perLab(plain, 'pss'))} → ${mib(perLab(tuned, 'pss'))} | ${mib(perLab(plain, 'anon'))} → ${mib(perLab(tuned, 'anon'))} | ${(perLab(plain, 'cpu') * 100).toFixed(1)} → ${(perLab(tuned, 'cpu') * 100).toFixed(1)} |`,
  '',
  `With the settings a lab's PSS is ${(perLab(tuned, 'pss') / perLab(plain, 'pss')).toFixed(2)}× and its private memory ${(perLab(tuned, 'anon') / perLab(plain, 'anon')).toFixed(2)}× the defaults'; its idle CPU ${(perLab(tuned, 'cpu') / perLab(plain, 'cpu')).toFixed(2)}×. A parked lab (test/bench/results/parking.md) holds none of it.`,
];
writeFileSync(new URL('./results/idle-cost.md', import.meta.url), lines.join('\n') + '\n');
console.log(lines.join('\n'));
