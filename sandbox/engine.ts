/**
 * The container engine kind labs run on: Docker, made to work on this host.
 *
 * ensureDocker (for `kubelab setup --provider kind`) installs Debian's docker.io where there is no
 * docker, and starts dockerd as a plain process when no daemon answers (no systemd needed; its log
 * goes to <cache>/engine/dockerd.log). On a host whose capability bounding set lacks a capability
 * that `--privileged` asks for (some VMs drop CAP_SYS_RESOURCE), runc refuses every privileged
 * container, and a kind node is one; there, docker's default runtime becomes kubelab-runc
 * (engine/runtime-wrapper): it strips the missing capabilities from the spec and clamps rlimits to
 * the hard limits, then execs runc. Where --privileged works, nothing is changed.
 *
 * What setup found and did is kept in <cache>/engine/state.json for `kubelab doctor`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable, lastLines } from './host.js';
import { buildScript } from './images.js';
import { SandboxError } from './provider.js';
import { run } from './run.js';

/** The runtime name docker knows the wrapper by. */
export const wrapperRuntime = 'kubelab-runc';

const capNames = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/**
 * The capabilities the kernel has (0..cap_last_cap) that are missing from the bounding set in a
 * /proc/<pid>/status text: what a privileged container would ask for and runc could not grant.
 */
export function missingCapabilities(status: string, lastCap: number): string[] {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!hex) return [];
  const bnd = BigInt(`0x${hex}`);
  const names: string[] = [];
  for (let i = 0; i <= Math.min(lastCap, capNames.length - 1); i++) if (((bnd >> BigInt(i)) & 1n) === 0n) names.push(capNames[i]!);
  return names;
}

export function hostMissingCapabilities(): string[] {
  const last = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  return missingCapabilities(readFileSync('/proc/self/status', 'utf8'), Number.isFinite(last) ? last : capNames.length - 1);
}

/** What setup found and did, for doctor. */
export interface EngineState {
  /** Capabilities the bounding set lacks (empty: --privileged works as it is). */
  missingCaps: string[];
  /** What setup did, in words: "installed docker.io", "started dockerd (log: …)", … */
  actions: string[];
  /** The wrapper executable docker runs, when one is needed. */
  wrapper?: string;
  /** dockerd's pid when kubelab started it. */
  dockerdPid?: number;
  log?: string;
  at: string;
}

const engineDir = (cacheDir: string) => join(cacheDir, 'engine');
const statePath = (cacheDir: string) => join(engineDir(cacheDir), 'state.json');

export function readEngineState(cacheDir: string): EngineState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(cacheDir), 'utf8')) as EngineState;
  } catch {
    return undefined;
  }
}

interface DaemonInfo {
  defaultRuntime: string;
  runtimes: string[];
}

async function daemonInfo(): Promise<DaemonInfo | undefined> {
  if (!findExecutable('docker')) return undefined;
  const r = await run('docker', ['info', '--format', '{{json .DefaultRuntime}} {{json .Runtimes}}'], { timeoutMs: 15_000 }).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  const [def, runtimes] = r.stdout.trim().split(' ', 2);
  try {
    return { defaultRuntime: JSON.parse(def!) as string, runtimes: Object.keys(JSON.parse(runtimes ?? '{}') as object) };
  } catch {
    return undefined;
  }
}

/** Does docker run privileged containers here? The reason when it cannot. */
export async function privilegedProblem(missingCaps: string[] = hostMissingCapabilities()): Promise<string | undefined> {
  if (missingCaps.length === 0) return undefined;
  const info = await daemonInfo();
  if (!info || info.defaultRuntime === wrapperRuntime) return undefined;
  return (
    `this host's capability bounding set lacks ${missingCaps.join(', ')}, so runc refuses privileged containers (kind's nodes), ` +
    `and dockerd's default runtime is ${info.defaultRuntime}, not ${wrapperRuntime}`
  );
}

const isRoot = () => process.getuid?.() === 0;

function pidAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function aptInstall(packages: string[], log: (line: string) => void): Promise<void> {
  log(`installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update'], { env, timeoutMs: 600_000 });
  if (update.code !== 0) log(`apt-get update failed (${lastLines(update.stderr, 1)}); trying with the package lists already here`);
  const r = await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, timeoutMs: 1_200_000 });
  if (r.code !== 0) throw new SandboxError(`apt-get could not install ${packages.join(' ')}: ${lastLines(r.stderr)}`, `Run: apt-get install ${packages.join(' ')}`);
}

/** Builds (once, cached) the runtime wrapper with the images build script; returns its path. */
async function wrapperPath(cacheDir: string): Promise<string> {
  const r = await run('bash', [buildScript, 'wrapper'], { env: { ...process.env, KUBELAB_CACHE_DIR: cacheDir }, timeoutMs: 600_000 });
  const path = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !existsSync(path)) throw new SandboxError(`cannot build the runtime wrapper kubelab-runc: ${lastLines(r.stderr)}`, 'It is built with Go: install Go 1.22 or newer.');
  return path;
}

function dockerdArgs(wrapper: string | undefined): string[] {
  return wrapper ? ['--add-runtime', `${wrapperRuntime}=${wrapper}`, '--default-runtime', wrapperRuntime] : [];
}

async function waitForDaemon(timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync('/var/run/docker.sock') && (await daemonInfo())) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Starts dockerd as a detached process (its own session, so it outlives this command). */
async function startDockerd(cacheDir: string, wrapper: string | undefined, log: (line: string) => void): Promise<{ pid: number; logFile: string }> {
  const dockerd = findExecutable('dockerd') ?? findExecutable('dockerd', '/usr/sbin:/usr/bin:/usr/local/bin:/usr/local/sbin');
  if (!dockerd) throw new SandboxError('docker is installed but dockerd is not', 'Install the daemon: apt-get install docker.io');
  const logFile = join(engineDir(cacheDir), 'dockerd.log');
  const out = openSync(logFile, 'a');
  // runc and containerd are in the sbin folders, which a plain user's PATH may lack.
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` };
  const child = spawn(dockerd, dockerdArgs(wrapper), { detached: true, stdio: ['ignore', out, out], env });
  closeSync(out);
  child.unref();
  log(`started dockerd (pid ${child.pid}${wrapper ? `, default runtime ${wrapperRuntime}` : ''}; log: ${logFile})`);
  if (!(await waitForDaemon(60_000))) {
    throw new SandboxError(`dockerd did not answer within 60 s: ${lastLines(readFileSync(logFile, 'utf8'), 2)}`, `See ${logFile}.`);
  }
  return { pid: child.pid!, logFile };
}

async function stopDockerd(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + 30_000;
  while (pidAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 300));
}

/**
 * Makes Docker usable for kind: installed, running, and running privileged containers.
 * Throws a SandboxError saying what to do when it cannot (e.g. not root and nothing installed).
 */
export async function ensureDocker(cacheDir: string, log: (line: string) => void = (l) => process.stderr.write(`[kubelab setup] ${l}\n`)): Promise<EngineState> {
  mkdirSync(engineDir(cacheDir), { recursive: true });
  const previous = readEngineState(cacheDir);
  const missingCaps = hostMissingCapabilities();
  const state: EngineState = { missingCaps, actions: [], at: new Date().toISOString() };
  const say = (line: string) => {
    state.actions.push(line);
    log(line);
  };

  if (!findExecutable('docker') || !findExecutable('dockerd', `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin`)) {
    if (!isRoot()) {
      throw new SandboxError('Docker is not installed and kubelab is not running as root, so it cannot install it', 'Install it: sudo apt-get install docker.io (or run `sudo kubelab setup --provider kind`).');
    }
    await aptInstall(['docker.io', 'containerd', 'runc'], say);
  }
  if (missingCaps.length > 0) {
    state.wrapper = await wrapperPath(cacheDir);
    log(`the capability bounding set lacks ${missingCaps.join(', ')}: privileged containers need the runtime wrapper ${state.wrapper}`);
  } else {
    log('the capability bounding set is complete: privileged containers run with plain runc');
  }

  let info = await daemonInfo();
  const ours = previous?.dockerdPid !== undefined && pidAlive(previous.dockerdPid) && info !== undefined;
  if (info && state.wrapper && info.defaultRuntime !== wrapperRuntime) {
    if (!ours) {
      throw new SandboxError(
        `${(await privilegedProblem(missingCaps)) ?? 'dockerd does not use the runtime wrapper'}; kubelab did not start this dockerd, so it leaves it alone`,
        `Add to /etc/docker/daemon.json: {"runtimes": {"${wrapperRuntime}": {"path": "${state.wrapper}"}}, "default-runtime": "${wrapperRuntime}"}, restart Docker, then run setup again.`,
      );
    }
    say(`restarting the dockerd kubelab started (pid ${previous!.dockerdPid}) with the runtime wrapper`);
    await stopDockerd(previous!.dockerdPid!);
    info = undefined;
  }
  if (info) {
    state.dockerdPid = ours ? previous!.dockerdPid : undefined;
    state.log = ours ? previous!.log : undefined;
    log(`dockerd is running (default runtime ${info.defaultRuntime})`);
  } else {
    if (!isRoot()) {
      throw new SandboxError('no Docker daemon is running and kubelab is not root, so it cannot start one', 'Start it (sudo systemctl start docker, or run `sudo kubelab setup --provider kind`).');
    }
    const started = await startDockerd(cacheDir, state.wrapper, say);
    state.dockerdPid = started.pid;
    state.log = started.logFile;
  }
  writeFileSync(statePath(cacheDir), JSON.stringify(state, null, 2) + '\n');
  return state;
}
