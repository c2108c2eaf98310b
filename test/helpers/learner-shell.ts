/**
 * Runs a lesson block the way the learner's terminal would: bash, with the learner's own copy of
 * their lab kubeconfig in $KUBECONFIG (so `kubectl config set-context` edits that copy, not the
 * lab's), a private home, and a PATH that finds the lab's kubectl first.
 *
 * In the terminal a block is typed line by line into an interactive shell, so one failing command
 * does not stop the next and the learner sees every error. To see those errors here, an ERR trap
 * records every top-level command that fails (exit status and text), not just the last one; a
 * pipeline fails when any part of it fails. A `timeout N` that stops a watch (status 124) and a
 * reader that stopped early (SIGPIPE, 141) are what the lesson meant, not failures.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { kubectlPath } from '../../sandbox/index.js';

export interface FailedCommand {
  status: number;
  command: string;
}

export interface BlockRun {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Every top-level command that failed, in order, including the allowed ones. */
  failed: FailedCommand[];
  /** The failures that count: not a timeout ending a watch, not SIGPIPE. */
  failures: FailedCommand[];
  ms: number;
}

export interface LearnerShell {
  home: string;
  kubeconfig: string;
  run(command: string, timeoutMs?: number): Promise<BlockRun>;
  close(): void;
}

/** A watch the block itself bounds with `timeout` (in a pipeline the trap names the last command), or SIGPIPE. */
const benignIn = (command: string) => (f: FailedCommand) => (f.status === 124 && /(^|[\s;(&|])timeout\s/.test(command)) || f.status === 141;

export function learnerShell(labKubeconfig: string): LearnerShell {
  const root = mkdtempSync(join(tmpdir(), 'kubelab-shell-'));
  const home = join(root, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  const kubeconfig = join(home, '.kube', 'config');
  copyFileSync(labKubeconfig, kubeconfig);
  const kubectlDir = dirname(kubectlPath());
  const PATH = [kubectlDir !== '.' ? kubectlDir : undefined, '/usr/local/bin', '/usr/bin', '/bin'].filter(Boolean).join(':');
  let n = 0;

  return {
    home,
    kubeconfig,
    run(command, timeoutMs = 30_000) {
      const fails = join(root, `fails-${++n}`);
      writeFileSync(fails, '');
      // The trap writes "status<TAB>command" records; a NUL ends each (commands span lines).
      const script = [
        'set -o pipefail',
        `trap 'printf "%s\\t%s\\0" "$?" "$BASH_COMMAND" >>"$KUBELAB_FAILS"' ERR`,
        command,
        '__kubelab_rc=$?',
        'wait',
        'exit $__kubelab_rc',
      ].join('\n');
      const benign = benignIn(command);
      const started = Date.now();
      return new Promise<BlockRun>((resolve, reject) => {
        const child = spawn('/bin/bash', ['--noprofile', '--norc', '-c', script], {
          cwd: home,
          env: { HOME: home, USER: 'learner', SHELL: '/bin/bash', PATH, LANG: 'C.UTF-8', TERM: 'dumb', KUBECONFIG: kubeconfig, KUBELAB_FAILS: fails },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, timeoutMs);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          // Background jobs of the block (a `( … ) &`) share the process group: none may outlive it.
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* none left */
          }
          const failed = readFileSync(fails, 'utf8')
            .split('\0')
            .filter(Boolean)
            .map((r) => {
              const tab = r.indexOf('\t');
              return { status: Number(r.slice(0, tab)), command: r.slice(tab + 1) };
            });
          const failures = failed.filter((f) => !benign(f));
          // The exit status of the block is its last command's: a watch ended by timeout is fine there too.
          if (code !== 0 && code !== null && !failed.some((f) => f.status === code && benign(f)) && failures.length === 0) {
            failures.push({ status: code, command: '(the block as a whole)' });
          }
          resolve({ code, timedOut, stdout, stderr, failed, failures, ms: Date.now() - started });
        });
      });
    },
    close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
