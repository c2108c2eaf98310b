/**
 * Stopping and starting one control-plane component of a kwok lab (kwokctl can only stop and start the whole cluster).
 * The component's binary, arguments and work dir come from the kwok.yaml kwokctl saved; its pid and
 * log files follow kwokctl's own layout (pids/<binary>.pid, logs/<binary>.log) so kwokctl's
 * `delete cluster` still finds and stops it.
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SandboxError, type ControlPlaneComponent } from '../provider.js';
import { isRunning, pidFromFile, terminate } from './processes.js';

export interface SavedComponent {
  name: string;
  binary: string;
  args?: string[];
  workDir?: string;
  /** Extra environment (the Go runtime settings, kwok.ts labGoMemory). */
  envs?: { name: string; value?: string }[];
}

/** What can be stopped and started: the components a lesson may stop, metrics-server (restarted when it died at start), and the kwok controller (kwok.ts takeOverLeases). */
export type KwokComponent = ControlPlaneComponent | 'metrics-server' | 'kwok-controller';

/** A component of the lab as kwokctl saved it in kwok.yaml (any of them: etcd, kube-apiserver, …). */
export function savedComponent(clusterDir: string, name: string): SavedComponent {
  const docs = parseAllDocuments(readFileSync(join(clusterDir, 'kwok.yaml'), 'utf8')).map((d) => d.toJS() as { kind?: string; components?: SavedComponent[] });
  const config = docs.find((d) => d?.kind === 'KwokctlConfiguration');
  const component = config?.components?.find((c) => c.name === name);
  if (!component) throw new SandboxError(`component ${name} is not part of this lab`);
  return component;
}

const pidPath = (clusterDir: string, c: SavedComponent) => join(clusterDir, 'pids', basename(c.binary) + '.pid');

export function componentRunning(clusterDir: string, name: KwokComponent): boolean {
  const pid = pidFromFile(pidPath(clusterDir, savedComponent(clusterDir, name)));
  return pid !== undefined && isRunning(pid);
}

export async function setComponentRunning(clusterDir: string, name: KwokComponent, running: boolean): Promise<void> {
  const c = savedComponent(clusterDir, name);
  const pidFile = pidPath(clusterDir, c);
  const pid = pidFromFile(pidFile);
  const alive = pid !== undefined && isRunning(pid);
  if (!running) {
    if (alive) await terminate([pid]);
    return;
  }
  if (alive) return;
  const log = openSync(join(clusterDir, 'logs', basename(c.binary) + '.log'), 'a');
  try {
    const env = { ...process.env, ...Object.fromEntries((c.envs ?? []).map((e) => [e.name, e.value ?? ''])) };
    const child = spawn(c.binary, c.args ?? [], { cwd: c.workDir ?? clusterDir, env, detached: true, stdio: ['ignore', log, log] });
    child.unref();
    writeFileSync(pidFile, String(child.pid));
  } finally {
    closeSync(log);
  }
}
