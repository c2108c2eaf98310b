/** Running a child process with argv only (never a shell string), a timeout, and captured output. */
import { spawn } from 'node:child_process';
import { kubectlPath } from './binaries.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

export function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // detached: the child leads its own process group, so a timeout kills what it started too.
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}


/** Runs kubectl against one kubeconfig; rejects with kubectl's own message on failure. */
export async function kubectl(kubeconfig: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await run(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], {
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  if (r.code !== 0) {
    throw new Error(`kubectl ${args.slice(0, 3).join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}${r.timedOut ? ' (timed out)' : ''}`);
  }
  return r.stdout;
}
