/**
 * The learner's shell jail. Each learner shell runs under bubblewrap as an unprivileged user, in
 * fresh user, pid, network, ipc and uts namespaces, with a read-only /usr, a private tmpfs home and
 * /tmp, a minimal environment, resource limits, and exactly one way out: a unix socket forwarded to
 * its own lab's API server. See README.md, "Security", for the design and its limits.
 *
 *   const shell = await openShell({ jailed: true, runDir, kubeconfig, apiServer, hostname, hostUid });
 *   pty.spawn(shell.command.file, shell.command.args, { env: shell.command.env, cwd: shell.command.cwd });
 *   ...
 *   await shell.close();   // stops the gate; removeShellFiles(runDir) when the lab goes
 *
 * `jailed: false` runs a plain shell with the same minimal environment, for development on a
 * machine without bubblewrap only: it has the server's user, files and network.
 */
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiGate } from './jail/gate.js';
import { createJailCgroup, type JailCgroup } from './jail/cgroup.js';
import { seccompProgram, hostArch } from './jail/seccomp.js';
import { bwrapArgs, jailToolsDir, usrLinkArgs } from './jail/bwrap.js';
import { kubectlPath } from './binaries.js';
import { endpointOf, groupFile, hostsFile, jailUser, passwdFile, rewriteKubeconfig } from './jail/files.js';
import { defaultJailLimits, initScript, learnerBashrc, type JailLimits } from './jail/init.js';
import { SandboxError, type Availability } from './provider.js';
import { run } from './run.js';

export { defaultJailLimits, type JailLimits } from './jail/init.js';
export { jailApiServer, jailUser } from './jail/files.js';

/** The command that starts a learner's shell: to be run in a pty. */
export interface ShellCommand {
  file: string;
  args: string[];
  /** The whole environment of the started process: nothing is inherited from the server. */
  env: Record<string, string>;
  cwd: string;
}

export interface ShellSpec {
  /** Run under bubblewrap (production) or as a plain process (development only). */
  jailed: boolean;
  /** A host folder for this shell's files; created (mode 0700), removed by close(). */
  runDir: string;
  /** The lab's learner kubeconfig on the host. */
  kubeconfig: string;
  /** The lab's API server URL as the host reaches it (https://127.0.0.1:<port>). */
  apiServer: string;
  /** Host name shown in the prompt: the lab name. */
  hostname: string;
  /** When the server runs as root: the host uid (and gid) the jail runs as. */
  hostUid?: number;
  term?: string;
  limits?: Partial<JailLimits>;
}

export interface LearnerShell {
  readonly jailed: boolean;
  readonly command: ShellCommand;
  /**
   * The learner's own kubeconfig as their shell sees and edits it (~/.kube/config is this file,
   * bind-mounted): `kubectl config set-context` inside changes it. Learner-controlled content: read
   * it as data (the grader's kubeconfig checks), never use it to connect from the host.
   */
  readonly liveKubeconfig: string;
  /** Writes the live kubeconfig as a new lab's shell gets it (a lab reset in place), in the same file: the shell keeps seeing it. */
  resetKubeconfig(): Promise<void>;
  /** The unix-socket door to the lab's API server (jailed shells only). */
  readonly gate?: ApiGate;
  /** The jail's control group (memory, processes, CPU as a whole); absent where groups are not available (see cgroupReason). */
  readonly cgroup?: JailCgroup;
  readonly cgroupReason?: string;
  /** Whether the seccomp filter is loaded (every jail on x86_64 and arm64). */
  readonly seccomp: boolean;
  /**
   * Kills everything left in the jail's control group and removes it, then stops the gate. The run
   * folder (and the live kubeconfig) stays until removeShellFiles.
   */
  close(): Promise<void>;
}

/** Host uids of jails start here (jail uid = base + learner id) when the server runs as root. */
export const jailHostUidBase = 900_000;

export function jailHostUid(learnerId: number): number | undefined {
  return process.getuid?.() === 0 ? jailHostUidBase + learnerId : undefined;
}

const hostPath = `${jailToolsDir}:/usr/local/bin:/usr/bin:/bin`;

function shellEnv(o: { home: string; kubeconfig: string; term: string; jailed: boolean }): Record<string, string> {
  const kubectlDir = dirname(kubectlPath());
  return {
    HOME: o.home,
    USER: jailUser.name,
    SHELL: '/bin/bash',
    // Unjailed (development only), the labs' kubectl is used where it lies.
    PATH: o.jailed || !kubectlDir.startsWith('/') ? hostPath : `${kubectlDir}:${hostPath}`,
    TERM: o.term,
    COLORTERM: 'truecolor',
    LANG: 'C.UTF-8',
    KUBECONFIG: o.kubeconfig,
    // bash drops PS1 from the environment of the (non-interactive) init; ~/.bashrc sets the prompt.
  };
}

export async function openShell(spec: ShellSpec): Promise<LearnerShell> {
  if (!/^[a-z0-9][a-z0-9.-]{0,62}$/.test(spec.hostname)) throw new SandboxError(`"${spec.hostname}" is not a valid host name for a shell`);
  const limits = { ...defaultJailLimits, ...spec.limits };
  const term = spec.term ?? 'xterm-256color';
  mkdirSync(spec.runDir, { recursive: true, mode: 0o700 });
  const owner = spec.hostUid !== undefined ? { uid: spec.hostUid, gid: spec.hostUid } : undefined;
  const own = (path: string) => owner && chownSync(path, owner.uid, owner.gid);

  // The live kubeconfig survives a shell restart (an `exit`, an idle shell) for as long as the lab lives.
  const labMarker = join(spec.runDir, 'lab');
  const freshLab = !existsSync(labMarker) || readFileSync(labMarker, 'utf8') !== spec.hostname;

  if (!spec.jailed) {
    const home = join(spec.runDir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true, mode: 0o700 });
    const kubeconfig = join(home, '.kube', 'config');
    if (freshLab || !existsSync(kubeconfig)) await rewriteKubeconfig(spec.kubeconfig, kubeconfig, spec.apiServer);
    writeFileSync(labMarker, spec.hostname);
    writeFileSync(join(home, '.bashrc'), learnerBashrc);
    return {
      jailed: false,
      // Not a login shell: the host's /etc/profile would change PATH and the prompt.
      command: { file: '/bin/bash', args: ['--noprofile', '--rcfile', join(home, '.bashrc'), '-i'], env: shellEnv({ home, kubeconfig, term, jailed: false }), cwd: home },
      liveKubeconfig: kubeconfig,
      resetKubeconfig: () => rewriteKubeconfig(spec.kubeconfig, kubeconfig, spec.apiServer),
      seccomp: false,
      close: async () => {},
    };
  }

  own(spec.runDir);
  writeFileSync(join(spec.runDir, 'passwd'), passwdFile, { mode: 0o644 });
  writeFileSync(join(spec.runDir, 'group'), groupFile, { mode: 0o644 });
  writeFileSync(join(spec.runDir, 'hosts'), hostsFile(spec.hostname), { mode: 0o644 });
  writeFileSync(join(spec.runDir, 'bashrc'), learnerBashrc, { mode: 0o644 });
  const kubeconfig = join(spec.runDir, 'kubeconfig');
  if (freshLab || !existsSync(kubeconfig)) {
    await rewriteKubeconfig(spec.kubeconfig, kubeconfig);
    own(kubeconfig);
  }
  writeFileSync(labMarker, spec.hostname, { mode: 0o644 });
  const { host, port } = endpointOf(spec.apiServer);
  const gate = await ApiGate.open({ socketPath: join(spec.runDir, 'api.sock'), host, port, owner });
  const arch = hostArch();
  const seccompFile = join(spec.runDir, 'seccomp.bpf');
  if (arch) writeFileSync(seccompFile, seccompProgram(arch), { mode: 0o644 });
  const args = bwrapArgs({
    runDir: spec.runDir,
    hostname: spec.hostname,
    limits,
    env: shellEnv({ home: jailUser.home, kubeconfig: `${jailUser.home}/.kube/config`, term, jailed: true }),
    init: initScript(limits),
    seccompFd: arch ? seccompFd : undefined,
  });
  const { group: cgroup, reason: cgroupReason } = createJailCgroup(`${spec.hostname}-${randomBytes(4).toString('hex')}`, {
    memoryBytes: limits.memoryBytes,
    // bwrap, its init and the socat forwarder come on top of the learner's own processes.
    processes: limits.processes + 16,
    cpuWeight: limits.cpuWeight,
    cpuCores: limits.cpuCores,
  });
  const jail = owner
    ? [
        // As root: drop to the jail's own host uid first, so that inside the jail nothing runs as host root
        // (and the process limit counts this learner's processes only).
        '/usr/bin/setpriv', '--reuid', String(owner.uid), '--regid', String(owner.gid), '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--', bwrapPath(), ...args,
      ]
    : [bwrapPath(), ...args];
  const command: ShellCommand = {
    // A first step as the server's user: enter the jail's control group (before anything in the jail
    // exists, so nothing escapes it) and open the seccomp filter on the descriptor bwrap reads it from.
    file: '/bin/sh',
    args: ['-c', enterJail, 'kubelab-jail', arch ? seccompFile : '/dev/null', ...(cgroup?.procsFiles ?? []), '--', ...jail],
    env: { PATH: '/usr/bin:/bin' },
    cwd: '/',
  };
  return {
    jailed: true,
    command,
    liveKubeconfig: kubeconfig,
    // Rewritten in place (the same inode is bind-mounted as ~/.kube/config), so its owner stays the jail's.
    resetKubeconfig: () => rewriteKubeconfig(spec.kubeconfig, kubeconfig),
    gate,
    cgroup,
    cgroupReason,
    seccomp: arch !== undefined,
    close: async () => {
      await cgroup?.destroy().catch(() => undefined);
      await gate.close().catch(() => undefined);
    },
  };
}

/** The descriptor bwrap reads the seccomp filter from. */
const seccompFd = 9;
/** $1: the filter file; then control-group files to write our pid to, up to "--"; then the command. */
const enterJail = `f=$1; shift; while [ "$1" != -- ]; do echo $$ > "$1" || exit 112; shift; done; shift; exec "$@" ${seccompFd}<"$f"`;

/**
 * The learner's home of a running jailed shell as the host reaches it: /proc/<pid>/root/home/learner
 * of the jail's first process (bubblewrap's child, inside the jail's mount namespace). The home is a
 * tmpfs of that namespace: files can be read and written through this path, never bind-mounted.
 */
export function jailHomeOf(shellPid: number): string | undefined {
  try {
    const child = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim().split(/\s+/)[0];
    return child ? `/proc/${child}/root${jailUser.home}` : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a shell's run folder, its live kubeconfig included (when its lab is reset or deleted). */
export function removeShellFiles(runDir: string): void {
  rmSync(runDir, { recursive: true, force: true });
}

function bwrapPath(): string {
  return existsSync('/usr/bin/bwrap') ? '/usr/bin/bwrap' : 'bwrap';
}

/**
 * A folder for the run folders of this server's jails: under /run/kubelab when root (each jail
 * must be able to reach its own folder, so the path is traversable but not listable), else under
 * the temporary folder. Unique per server, so two servers on one machine never share one.
 */
export function createJailsRoot(): string {
  let base = tmpdir();
  if (process.getuid?.() === 0) {
    try {
      mkdirSync('/run/kubelab', { recursive: true, mode: 0o711 });
      base = '/run/kubelab';
    } catch {
      /* no /run: use the temporary folder */
    }
  }
  const root = mkdtempSync(join(base, base === tmpdir() ? 'kubelab-jails-' : 'jails-'));
  // Jails (another uid) must traverse it to their own folder; they cannot list it.
  if (process.getuid?.() === 0) chmodSync(root, 0o711);
  shareKubectl(root);
  return root;
}

/**
 * The kubectl that matches the labs' control plane usually lives in root's cache, which a jail's
 * uid cannot read; a copy beside the jails is bound into each shell as /opt/kubelab/bin/kubectl
 * (first on PATH). Hosts without a packaged kubectl (Debian has none) rely on it.
 */
function shareKubectl(root: string): void {
  const source = kubectlPath();
  if (!source.startsWith('/') || !existsSync(source)) return;
  const dir = join(root, 'bin');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  copyFileSync(source, join(dir, 'kubectl'));
  chmodSync(join(dir, 'kubectl'), 0o755);
}

let availability: Promise<Availability> | undefined;

/** Whether jailed shells work on this machine: bubblewrap and socat installed, user namespaces allowed. */
export function jailAvailable(): Promise<Availability> {
  availability ??= (async () => {
    for (const [bin, pkg] of [['bwrap', 'bubblewrap'], ['socat', 'socat']] as const) {
      const r = await run('sh', ['-c', 'command -v "$0"', bin], { timeoutMs: 5000 }).catch(() => undefined);
      if (!r || r.code !== 0) return { ok: false, reason: `${bin} is not installed (learner shells run under it). Install it: apt-get install ${pkg}` };
    }
    const uid = jailHostUid(0);
    const probe = ['--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', ...usrLinkArgs(), '--proc', '/proc', '--dev', '/dev', '--', '/usr/bin/true'];
    const r =
      uid !== undefined
        ? await run('/usr/bin/setpriv', ['--reuid', String(uid), '--regid', String(uid), '--clear-groups', '--', bwrapPath(), ...probe], { timeoutMs: 10_000, env: { PATH: '/usr/bin:/bin' } })
        : await run(bwrapPath(), probe, { timeoutMs: 10_000, env: { PATH: '/usr/bin:/bin' } });
    if (r.code !== 0) {
      return { ok: false, reason: `bubblewrap cannot create a sandbox here: ${r.stderr.trim() || 'exit ' + r.code}. User namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1), or, for development only, set KUBELAB_JAIL=false.` };
    }
    return { ok: true };
  })();
  return availability;
}
