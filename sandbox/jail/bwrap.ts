/** The bubblewrap command line of a learner's jail. */
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { jailUser } from './files.js';
import { jailRunDir, type JailLimits } from './init.js';

/** Where the shared kubectl copy (see createJailsRoot) appears inside a jail; first on PATH. */
export const jailToolsDir = '/opt/kubelab/bin';

/** Top-level folders that are symlinks into /usr on merged-/usr systems (or real folders elsewhere). */
const usrLinks = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/**
 * Pieces of the host's /etc a shell needs, read-only: alternatives (vim, editor), CA certificates,
 * the dynamic linker cache, terminal and editor defaults. Nothing with secrets: not /etc/ssl/private,
 * not shadow, not the host's passwd.
 */
const etcPieces = [
  'alternatives', 'ssl/certs', 'ssl/openssl.cnf', 'ca-certificates', 'ca-certificates.conf',
  'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'vim', 'nanorc', 'inputrc', 'terminfo', 'bash_completion.d',
];

/** /bin, /lib, ... as the host has them: symlinks into /usr, or read-only binds. */
export function usrLinkArgs(): string[] {
  const a: string[] = [];
  for (const name of usrLinks) {
    const p = `/${name}`;
    if (!existsSync(p)) continue;
    if (lstatSync(p).isSymbolicLink()) a.push('--symlink', readlinkSync(p), p);
    else a.push('--ro-bind', p, p);
  }
  return a;
}

export interface BwrapSpec {
  /** Host folder holding this jail's passwd, group, hosts, kubeconfig, bashrc and api.sock. */
  runDir: string;
  hostname: string;
  limits: JailLimits;
  /** The complete environment inside the jail. */
  env: Record<string, string>;
  /** The init script, run by bash as the learner. */
  init: string;
  /** An open file descriptor holding the seccomp filter (seccomp.ts), loaded just before the shell starts. */
  seccompFd?: number;
}

export function bwrapArgs(spec: BwrapSpec): string[] {
  const a: string[] = [
    // New user, pid, network, ipc, uts and cgroup namespaces: no host processes, no host network.
    '--unshare-all',
    '--die-with-parent',
    '--uid', String(jailUser.uid),
    '--gid', String(jailUser.gid),
    '--hostname', spec.hostname,
    '--cap-drop', 'ALL',
    '--ro-bind', '/usr', '/usr',
  ];
  a.push(...usrLinkArgs());
  for (const piece of etcPieces) a.push('--ro-bind-try', `/etc/${piece}`, `/etc/${piece}`);
  a.push(
    '--ro-bind', `${spec.runDir}/passwd`, '/etc/passwd',
    '--ro-bind', `${spec.runDir}/group`, '/etc/group',
    '--ro-bind', `${spec.runDir}/hosts`, '/etc/hosts',
    '--proc', '/proc',
    // A minimal /dev (null, zero, random, tty, pts), read-only but for a small /dev/shm.
    '--dev', '/dev',
    '--size', String(spec.limits.shmBytes), '--tmpfs', '/dev/shm',
    '--remount-ro', '/dev',
    '--size', String(spec.limits.tmpBytes), '--tmpfs', '/tmp',
    '--size', String(spec.limits.homeBytes), '--tmpfs', jailUser.home,
    // Scenarios written for a lab host say /root for the learner's home: there it is the same folder.
    '--symlink', jailUser.home, '/root',
    // The learner's own kubeconfig, writable (kubectl config set-context); the grader reads it as data.
    '--bind', `${spec.runDir}/kubeconfig`, `${jailUser.home}/.kube/config`,
    '--ro-bind', `${spec.runDir}/bashrc`, `${jailRunDir}/bashrc`,
    // kubectl of the labs' own version, copied beside the jails (absent when kubectl came from PATH).
    '--ro-bind-try', `${dirname(spec.runDir)}/bin/kubectl`, `${jailToolsDir}/kubectl`,
    '--ro-bind', `${spec.runDir}/api.sock`, `${jailRunDir}/api.sock`,
    '--remount-ro', '/',
    '--chdir', jailUser.home,
    '--clearenv',
  );
  for (const [k, v] of Object.entries(spec.env)) a.push('--setenv', k, v);
  if (spec.seccompFd !== undefined) a.push('--seccomp', String(spec.seccompFd));
  a.push('--', '/bin/bash', '--noprofile', '--norc', '-c', spec.init);
  return a;
}
