/**
 * Lab benchmark: cold creation time of a kwok lab (median of 5) and the resident memory of one
 * idle lab (sum over its processes, and each process), written to test/bench/results/lab.md.
 * Labs as kubelab creates them (with resource metrics) and, in the same run, without resource
 * metrics, so the cost of metrics-server shows beside the rest. Resident memory counts the pages of
 * the binaries each process has touched; those are shared by every lab on the machine (one page
 * cache), so the private (anonymous) part is shown too: it is what each further lab adds.
 * Run: npx tsx test/bench/lab.ts   (the cluster binaries must be in the cache: kubelab setup)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { KwokProvider, defaultCacheDir, pinnedVersions } from '../../sandbox/index.js';
import { residentBytes } from '../../sandbox/kwok/processes.js';
import { median } from './support/stats.js';

const runs = Number(process.env.RUNS ?? 5);
const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-lab-'));

// The figures recorded before the move to the current pins (Kubernetes v1.34.4, kwok v0.7.0, no
// resource metrics, 5 processes), on the same kind of machine: test/bench/results/lab.md of 2026-11-23.
const previous = { pins: 'Kubernetes v1.34.4, etcd v3.6.16, kwok v0.7.0', createS: 4.7, idleMiB: 518 };

const mib = (b: number) => b / 1024 / 1024;

/** A process's name: the binary its command line starts with (kwokctl links them into the lab's bin/). */
const nameOf = (pid: number) => basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? String(pid));

interface Variant {
  label: string;
  times: number[];
  idle: Record<string, number>;
  /** Private (anonymous) resident bytes per process name. */
  privateIdle: Record<string, number>;
}

const anonymousBytes = (pid: number) => Number(/^RssAnon:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

async function measure(label: string, resourceMetrics: boolean): Promise<Variant> {
  const provider = new KwokProvider({ workDir: join(dataDir, label.replace(/\W+/g, '-')), cacheDir: defaultCacheDir(), resourceMetrics });
  const v: Variant = { label, times: [], idle: {}, privateIdle: {} };
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const lab = await provider.create({ name: `bench-${i}`, workers: 2 });
    v.times.push(performance.now() - t0);
    if (i === 0) {
      await new Promise((r) => setTimeout(r, 20_000)); // let start-up work settle: "idle"
      for (const pid of provider.processes(lab)) {
        v.idle[nameOf(pid)] = (v.idle[nameOf(pid)] ?? 0) + residentBytes(pid);
        v.privateIdle[nameOf(pid)] = (v.privateIdle[nameOf(pid)] ?? 0) + anonymousBytes(pid);
      }
    }
    await provider.delete(lab);
  }
  return v;
}

const loadBefore = loadavg()[0]!;
let withMetrics: Variant;
let without: Variant;
try {
  // Interleaving would mix the two in each figure's noise; one after the other, the lighter one first.
  without = await measure('without resource metrics', false);
  withMetrics = await measure('as created (with resource metrics)', true);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const total = (v: Variant) => sum(v.idle);
const cell = (r: Record<string, number>, n: string) => (r[n] ? `${mib(r[n]).toFixed(0)} MiB` : '–');
const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)}%`;
const names = [...new Set([...Object.keys(without.idle), ...Object.keys(withMetrics.idle)])].sort();
const v = pinnedVersions();
const report = `# Lab benchmark (kwok provider)

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${mib(totalmem()).toFixed(0)} MiB RAM;
a shared, noisy machine (load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end). Run with \`npx tsx test/bench/lab.ts\`. Pins: Kubernetes ${v.kubernetes}, etcd ${v.etcd},
kwok ${v.kwok}, metrics-server ${v.metricsServer}.

| figure | without resource metrics | as created (with resource metrics) |
|---|---|---|
| cold lab creation, median of ${runs} (control plane + identities + StorageClass + 2 worker nodes Ready) | ${(median(without.times) / 1000).toFixed(1)} s | ${(median(withMetrics.times) / 1000).toFixed(1)} s |
| cold lab creation, each run | ${without.times.map((t) => (t / 1000).toFixed(1)).join(' s, ')} s | ${withMetrics.times.map((t) => (t / 1000).toFixed(1)).join(' s, ')} s |
| resident memory of one idle lab, sum over its processes (20 s after creation) | ${mib(total(without)).toFixed(0)} MiB (${Object.keys(without.idle).length} processes) | ${mib(total(withMetrics)).toFixed(0)} MiB (${Object.keys(withMetrics.idle).length} processes) |
${names.map((n) => `| … of which ${n} | ${cell(without.idle, n)} | ${cell(withMetrics.idle, n)} |`).join('\n')}
| private (anonymous) memory of the same lab: what each further lab adds | ${mib(sum(without.privateIdle)).toFixed(0)} MiB | ${mib(sum(withMetrics.privateIdle)).toFixed(0)} MiB |
${names.map((n) => `| … of which ${n} | ${cell(without.privateIdle, n)} | ${cell(withMetrics.privateIdle, n)} |`).join('\n')}

Resource metrics cost ${(mib(total(withMetrics)) - mib(total(without))).toFixed(0)} MiB of resident memory (${pct(total(withMetrics), total(without))}), of which
${(mib(sum(withMetrics.privateIdle)) - mib(sum(without.privateIdle))).toFixed(0)} MiB private (${pct(sum(withMetrics.privateIdle), sum(without.privateIdle))}); the rest is metrics-server's binary, shared by every lab.

Before the current pins (${previous.pins}; recorded, not re-run: those binaries are not in the
cache and would take a cold build): cold creation ${previous.createS} s, idle memory ${previous.idleMiB} MiB.
Against that: idle memory ${pct(mib(total(without)), previous.idleMiB)} without resource metrics, ${pct(mib(total(withMetrics)), previous.idleMiB)} as created;
creation ${pct(median(withMetrics.times) / 1000, previous.createS)} as created.

"Cold" means a new cluster from nothing, with the binaries already in the cache (\`kubelab setup\`).${
  loadBefore > cpus().length
    ? `\nThe load average was above the number of cores: creation times here measure the contention more than the
lab, and only the memory figures compare with other runs.`
    : ''
}
`;
writeFileSync(new URL('./results/lab.md', import.meta.url), report);
console.log(report);
