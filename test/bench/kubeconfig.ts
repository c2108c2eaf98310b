/**
 * Kubeconfig benchmark: what the first kubeconfig read of a fresh process costs (a provider reads
 * its lab's API server address while it creates the lab), through sandbox/kubeconfig.ts (the
 * library's kubeconfig model only) against loading the whole @kubernetes/client-node to use its
 * KubeConfig, and what a read costs once loaded. Medians of RUNS fresh processes each, in one run;
 * written to test/bench/results/kubeconfig.md. Run: npx tsx test/bench/kubeconfig.ts
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../sandbox/index.js';
import { median } from './support/stats.js';

const runs = Number(process.env.RUNS ?? 7);

const kubeconfig = `apiVersion: v1
kind: Config
current-context: lab
contexts: [{ name: lab, context: { cluster: lab, user: admin } }]
clusters: [{ name: lab, cluster: { server: 'https://127.0.0.1:32001', certificate-authority-data: UEVN } }]
users: [{ name: admin, user: { client-certificate-data: Y2VydA==, client-key-data: a2V5 } }]
`;

// Each probe runs in a fresh Node process and prints milliseconds: first read, then 1000 more reads' mean.
const probes = {
  'sandbox/kubeconfig.ts clusterOf': `
    const { clusterOf } = await import(${JSON.stringify(join(packageRoot, 'dist', 'sandbox', 'kubeconfig.js'))});
    const y = ${JSON.stringify(kubeconfig)};
    let t = performance.now(); await clusterOf(y); const first = performance.now() - t;
    t = performance.now(); for (let i = 0; i < 1000; i++) await clusterOf(y); console.log(first, (performance.now() - t) / 1000);`,
  'client-node KubeConfig.loadFromString': `
    const y = ${JSON.stringify(kubeconfig)};
    let t = performance.now(); const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig(); kc.loadFromString(y); kc.getCurrentCluster(); const first = performance.now() - t;
    t = performance.now(); for (let i = 0; i < 1000; i++) { const k = new KubeConfig(); k.loadFromString(y); k.getCurrentCluster(); } console.log(first, (performance.now() - t) / 1000);`,
};

const rows: string[] = [];
for (const [name, code] of Object.entries(probes)) {
  const firsts: number[] = [];
  const each: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: packageRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    const [a, b] = r.stdout.trim().split(/\s+/).map(Number);
    firsts.push(a!);
    each.push(b!);
  }
  rows.push(`| ${name} | ${median(firsts).toFixed(0)} ms | ${(median(each) * 1000).toFixed(0)} µs |`);
}
const [ours, whole] = rows.map((r) => Number(/\| ([\d.]+) ms/.exec(r)![1]));
const [oursEach, wholeEach] = rows.map((r) => Number(/\| (\d+) µs/.exec(r)![1]));
const out = `# Kubeconfig reads

${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, shared with other work; medians of ${runs} fresh processes each.

| read | first read in a fresh process (import included) | each read after that |
| --- | --- | --- |
${rows.join('\n')}

The first read through sandbox/kubeconfig.ts costs ${(whole! / ours!).toFixed(0)}× less than importing the whole library for it: a provider creating a lab, or a shell being written its kubeconfig, does not wait for the library's API clients to load; only the grader's connection loads them. A read once loaded is ${(oursEach! / wholeEach!).toFixed(1)}× the library's (the \`yaml\` parser against js-yaml); kubelab reads a kubeconfig once per lab created and per shell started.
`;
writeFileSync(join(packageRoot, 'test', 'bench', 'results', 'kubeconfig.md'), out);
console.log(out);
