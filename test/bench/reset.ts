/**
 * Reset benchmark: how long a learner waits for "Reset lab" when the lab's creation snapshot is
 * restored in place, against deleting the lab and creating a new one (the reset without a
 * snapshot; with a warm pool the wait is the delete, the creation happens in the background), in
 * rounds that alternate the two so that the machine's noise falls on both; median and p95 of
 * ROUNDS each, in one run on this machine; written to test/bench/results/reset.md.
 * "Done" means what the learner waits for: kubectl answers with the lab's nodes Ready.
 * Run: npx tsx test/bench/reset.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KwokProvider, kubectl } from '../../sandbox/index.js';
import { defaultConfig } from '../../server/config.js';
import { median, percentile } from './support/stats.js';

const rounds = Number(process.env.ROUNDS ?? 6);
const sec = (ms: number) => (ms / 1000).toFixed(1);

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-reset-'));
const provider = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: defaultConfig().cacheDir });
const load = loadavg()[0]!.toFixed(1);

/** What a learner typically leaves behind: a namespace with a Deployment, a few ConfigMaps. */
async function litter(admin: string): Promise<void> {
  await kubectl(admin, ['create', 'namespace', 'litter']);
  await kubectl(admin, ['create', 'deployment', 'web', '-n', 'litter', '--image=nginx:1.27', '--replicas=3']);
  for (let i = 0; i < 5; i++) await kubectl(admin, ['create', 'configmap', `c${i}`, `--from-literal=k=${i}`]);
}

try {
  const restoreMs: number[] = [];
  const deleteMs: number[] = [];
  const recreateMs: number[] = [];
  let lab = await provider.create({ name: 'reset-0', workers: 2 });
  for (let i = 0; i < rounds; i++) {
    await litter(lab.kubeconfigs.admin);
    let t = Date.now();
    await provider.restore(lab);
    await kubectl(lab.kubeconfigs.learner, ['get', 'nodes']);
    restoreMs.push(Date.now() - t);

    await litter(lab.kubeconfigs.admin);
    t = Date.now();
    await provider.delete(lab);
    deleteMs.push(Date.now() - t);
    lab = await provider.create({ name: `reset-${i + 1}`, workers: 2 });
    await kubectl(lab.kubeconfigs.learner, ['get', 'nodes']);
    recreateMs.push(Date.now() - t);
  }
  await provider.delete(lab);

  const row = (name: string, xs: number[]) => `| ${name} | ${sec(median(xs))} | ${sec(percentile(xs, 95))} | ${xs.length} |`;
  const lines = [
    '# Lab reset',
    '',
    `One run of \`npx tsx test/bench/reset.ts\` on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (load average ${load} at start), ${new Date().toISOString().slice(0, 10)}.`,
    'A kwok lab with two workers and metrics-server, holding a namespace with a 3-replica Deployment and five ConfigMaps at each reset; the rounds alternate the two ways.',
    '',
    '| reset (s) | median | p95 | runs |',
    '|---|---|---|---|',
    row('restore the creation snapshot in place (the shell stays)', restoreMs),
    row('delete the lab (the wait with a warm pool)', deleteMs),
    row('delete the lab and create a new one (no pool)', recreateMs),
    '',
    `Restoring in place takes ${(median(restoreMs) / median(recreateMs)).toFixed(2)}× the time of delete-and-create and ${(median(restoreMs) / median(deleteMs)).toFixed(2)}× a delete alone; it needs no spare lab, keeps the learner's shell and home, and keeps the lab's name and credentials.`,
  ];
  writeFileSync(new URL('./results/reset.md', import.meta.url), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
} finally {
  for (const l of await provider.list()) await provider.delete(l).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
