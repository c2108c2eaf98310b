/**
 * What the host offers the container-based providers (kind, minikube): executables on PATH and a
 * working container engine (Docker, or Podman). Each check says exactly what is missing and how to fix it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Availability } from './provider.js';
import { run } from './run.js';

/** The full path of an executable on PATH, or undefined. */
export function findExecutable(name: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export type ContainerEngine = 'docker' | 'podman';

/**
 * The engine kind and minikube should drive: Podman when KIND_EXPERIMENTAL_PROVIDER=podman asks for
 * it, or when only Podman is installed; Docker otherwise.
 */
export function containerEngineFor(env: NodeJS.ProcessEnv, installed: (name: string) => boolean): ContainerEngine {
  if (env.KIND_EXPERIMENTAL_PROVIDER === 'podman') return 'podman';
  if (env.KIND_EXPERIMENTAL_PROVIDER === 'docker') return 'docker';
  if (!installed('docker') && installed('podman')) return 'podman';
  return 'docker';
}

export function containerEngine(): ContainerEngine {
  return containerEngineFor(process.env, (n) => findExecutable(n) !== undefined);
}

export const installHints = {
  docker: 'Install Docker Engine (https://docs.docker.com/engine/install/), or Podman (apt-get install podman) with KIND_EXPERIMENTAL_PROVIDER=podman.',
  podman: 'Install Podman: apt-get install podman.',
  kind: 'Run `kubelab setup --provider kind`: it builds kind from the Go module proxy into the cache.',
  minikube: 'Install minikube: curl -LO https://storage.googleapis.com/minikube/releases/latest/minikube-linux-amd64 && sudo install minikube-linux-amd64 /usr/local/bin/minikube',
  openssl: 'Install it: apt-get install openssl',
} as const;

/** Explains a failed `docker info` (or `podman info`) in words a user can act on. */
export function explainEngineFailure(engine: ContainerEngine, output: string): string {
  const first = output.trim().split('\n').find((l) => l.trim()) ?? '';
  if (engine === 'docker' && /cannot connect to the docker daemon|is the docker daemon running|docker\.sock: connect: no such file/i.test(output)) {
    return `the docker CLI is installed but no Docker daemon is running (${first.trim()}). Start it: sudo systemctl start docker, or \`sudo kubelab setup --provider kind\` (starts dockerd without systemd), or start Docker Desktop.`;
  }
  if (/permission denied/i.test(output)) {
    return `${engine} refused access (${first.trim()}). Add your user to the ${engine} group (sudo usermod -aG ${engine} $USER, then log in again) or run kubelab as a user that may use ${engine}.`;
  }
  return `${engine} is installed but does not work: ${first.trim() || 'no output'}. Check \`${engine} info\`.`;
}

/** Is the container engine installed and its daemon (or socket) answering? */
export async function containerEngineAvailability(engine: ContainerEngine = containerEngine()): Promise<Availability> {
  if (!findExecutable(engine)) {
    return { ok: false, reason: `${engine} is not installed. ${installHints[engine]}` };
  }
  const r = await run(engine, ['info', '--format', engine === 'docker' ? '{{.ServerVersion}}' : '{{.Version.Version}}'], { timeoutMs: 15_000 }).catch(
    (err: Error) => ({ code: -1, stdout: '', stderr: err.message, timedOut: false }),
  );
  if (r.code !== 0 || r.timedOut) return { ok: false, reason: explainEngineFailure(engine, r.timedOut ? `${engine} info timed out` : r.stderr + r.stdout) };
  return { ok: true };
}

/** The last non-empty lines of a command's output, for an error message. */
export function lastLines(output: string, n = 2): string {
  return (
    output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-n)
      .join(' ') || 'no output'
  );
}

/**
 * What a provider that runs clusters in containers (kind, minikube) needs: its own tool, a working
 * container engine, and openssl for the lab credentials; every missing piece is named at once.
 */
export async function containerClusterAvailability(tool: 'kind' | 'minikube', toolPath: string | undefined, engine: ContainerEngine): Promise<Availability> {
  const missing: string[] = [];
  if (!toolPath) missing.push(`${tool} is not installed. ${installHints[tool]}`);
  const engineState = await containerEngineAvailability(engine);
  if (!engineState.ok) missing.push(engineState.reason!);
  if (!findExecutable('openssl')) missing.push(`openssl is not installed (needed to issue lab credentials). ${installHints.openssl}`);
  return missing.length ? { ok: false, reason: missing.join(' Also: ') } : { ok: true };
}
