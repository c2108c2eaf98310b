/**
 * What a kind lab is made of, built offline by sandbox/images/build.sh: the kind executable, the
 * node image (Debian + containerd + the labs' Kubernetes build + the control-plane images, preloaded)
 * and the workload stand-ins (the course's images, from Debian packages, for labs without a registry).
 * Everything is cached under the cache folder; this module runs the script and reads what it built.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from './paths.js';
import { SandboxError } from './provider.js';
import { run } from './run.js';

export const buildScript = join(packageRoot, 'sandbox', 'images', 'build.sh');

export interface ImageStatus {
  /** Path of the kind executable (built or not). */
  kind: string;
  kindReady: boolean;
  /** Name of the node image for the current pins (built or not). */
  nodeImage: string;
  nodeBuilt: boolean;
  /** The tar of workload stand-ins for the current pins (what `kubelab images load` loads into running labs). */
  workloads: string;
  workloadsReady: boolean;
  /** The node image with the stand-ins preloaded: every new kind lab is made from it when it is built. */
  offlineImage: string;
  offlineBuilt: boolean;
}

/** Parses `build.sh status` (name=value lines). */
export function parseStatus(stdout: string): ImageStatus {
  const v = Object.fromEntries(
    stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  return {
    kind: v.kind ?? '',
    kindReady: v.kind_ready === '1',
    nodeImage: v.node ?? '',
    nodeBuilt: v.node_built === '1',
    workloads: v.workloads ?? '',
    workloadsReady: v.workloads_ready === '1',
    offlineImage: v.offline ?? '',
    offlineBuilt: v.offline_built === '1',
  };
}

const scriptEnv = (cacheDir: string) => ({ ...process.env, KUBELAB_CACHE_DIR: cacheDir });

export async function imageStatus(cacheDir: string): Promise<ImageStatus> {
  const r = await run('bash', [buildScript, 'status'], { env: scriptEnv(cacheDir), timeoutMs: 30_000 });
  if (r.code !== 0) throw new SandboxError(`cannot read what is built for kind labs: ${r.stderr.trim()}`);
  return parseStatus(r.stdout);
}

export type BuildTarget = 'kind' | 'node' | 'workloads' | 'offline';

/**
 * Builds one target (a cache hit returns at once), streaming the script's progress lines to
 * onLine; resolves with what the script printed last (a path or an image name). A failure names
 * the step that failed.
 */
export function buildTarget(cacheDir: string, target: BuildTarget, onLine: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [buildScript, target], { env: scriptEnv(cacheDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let partial = '';
    let failure = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('[kubelab images] error')) failure = line.replace('[kubelab images] ', '');
        onLine(line);
      }
    });
    child.on('error', (err) => reject(new SandboxError(`cannot run ${buildScript}: ${err.message}`)));
    child.on('close', (code) => {
      if (partial) onLine(partial);
      if (code === 0) resolve(out.trim().split('\n').pop() ?? '');
      else reject(new SandboxError(`building the ${target} for kind labs failed: ${failure || `exit code ${code}`}`, 'Fix what the step names and run it again; completed steps stay cached.'));
    });
  });
}
