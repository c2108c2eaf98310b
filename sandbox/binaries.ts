/**
 * Where the cluster binaries of a kwok lab are, and how to get them: sandbox/binaries/obtain.sh
 * (cache -> PATH -> checked release download -> go build from the Go module proxy).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './paths.js';
import { SandboxError } from './provider.js';

export const binaryNames = ['etcd', 'etcdctl', 'etcdutl', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'kwokctl', 'metrics-server'] as const;
export type BinaryName = (typeof binaryNames)[number];

/** The folder with obtain.sh and versions.env. */
export const binariesScriptDir = join(packageRoot, 'sandbox', 'binaries');

export interface PinnedVersions {
  kubernetes: string;
  etcd: string;
  kwok: string;
  metricsServer: string;
}

export function pinnedVersions(): PinnedVersions {
  const env = Object.fromEntries(
    readFileSync(join(binariesScriptDir, 'versions.env'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => l.split('=', 2) as [string, string]),
  );
  return { kubernetes: env.K8S_VERSION!, etcd: env.ETCD_VERSION!, kwok: env.KWOK_VERSION!, metricsServer: env.METRICS_SERVER_VERSION! };
}

/** The cache folder of the pinned versions (what obtain.sh fills). */
export function binDir(cacheDir: string): string {
  const v = pinnedVersions();
  return process.env.KUBELAB_BIN_DIR ?? join(cacheDir, 'bin', `${v.kubernetes}-etcd${v.etcd}-kwok${v.kwok}`);
}

/** Paths of every binary, or an error naming the missing ones and how to get them. */
export function locateBinaries(cacheDir: string): Record<BinaryName, string> {
  const dir = binDir(cacheDir);
  const missing = binaryNames.filter((n) => !existsSync(join(dir, n)));
  if (missing.length > 0) {
    throw new SandboxError(
      `cluster binaries missing: ${missing.join(', ')} (looked in ${dir})`,
      'Run `kubelab setup` to download or build them (a cold build takes tens of minutes, once).',
    );
  }
  return Object.fromEntries(binaryNames.map((n) => [n, join(dir, n)])) as Record<BinaryName, string>;
}

/** Runs obtain.sh, streaming its progress to `onLine`; resolves with the binary folder. */
export function obtainBinaries(cacheDir: string, onLine: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(binariesScriptDir, 'obtain.sh')], {
      env: { ...process.env, KUBELAB_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let partial = '';
    child.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.on('error', (err) => reject(new SandboxError(`cannot run obtain.sh: ${err.message}`, 'Is bash installed?')));
    child.on('close', (code) => {
      if (partial) onLine(partial);
      if (code === 0) resolve(out.trim().split('\n').pop() ?? binDir(cacheDir));
      else reject(new SandboxError('the cluster binaries could not be obtained (see the lines above)', 'Install Go 1.26+ or put the binaries on PATH, then run `kubelab setup` again.'));
    });
  });
}

/** The cache folder kubelab uses unless the config names another (same default as server/config.ts). */
export function defaultCacheDir(): string {
  return process.env.KUBELAB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubelab');
}

/** The kubectl that matches the labs' control plane: KUBELAB_KUBECTL, else the cached build, else PATH. */
export function kubectlPath(cacheDir: string = defaultCacheDir()): string {
  if (process.env.KUBELAB_KUBECTL) return process.env.KUBELAB_KUBECTL;
  const cached = join(binDir(cacheDir), 'kubectl');
  return existsSync(cached) ? cached : 'kubectl';
}
