/**
 * The host view: where an imported scenario's own scripts run (setup, reference solution, checks).
 * Scenario scripts were written for a lab host where they are root, their home /root is the
 * learner's home, kubectl is configured, and nodes are called node01 or controlplane. The host
 * view gives them that, and nothing more:
 *
 *   - bubblewrap with fresh user, pid, network, ipc and uts namespaces, uid 0 inside (an
 *     unprivileged host uid outside), a read-only /usr, a private /tmp, no host files;
 *   - /root is a copy of the learner's home: read-only for checks; for setup and the solution the
 *     files it writes there are copied back into the learner's home afterwards;
 *   - the lab's API server is the only thing reachable, through a unix-socket gate (as in the
 *     learner's jail), with the credential given: admin for setup, learner for the solution,
 *     grader for checks; $KUBECONFIG names it;
 *   - the scenario's node names (node01, controlplane) are replaced by the lab's in the copy of the
 *     exercise's scripts the view runs, so `kubectl get node node01` and a comparison with a file the
 *     learner wrote (holding the real name, which the lesson text shows) agree;
 *   - kubectl and `k` on PATH are the labs' own kubectl.
 *
 * The learner's home lives inside the jail (a tmpfs in its mount namespace), which a bind mount
 * cannot reach from another namespace; so it is copied in through /proc/<pid>/root, never mounted.
 */
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath } from './binaries.js';
import { ApiGate } from './jail/gate.js';
import { usrLinkArgs } from './jail/bwrap.js';
import { endpointOf, rewriteKubeconfig } from './jail/files.js';
import { run, type RunResult } from './run.js';
import { SandboxError } from './provider.js';

/** A learner's home as the host reaches it, and who owns it (when the server runs as root). */
export interface HostHome {
  path: string;
  /** Host uid (and gid) of the home's files; the host view runs as this uid when the server is root. */
  uid?: number;
}

export interface HostViewSpec {
  home: HostHome;
  /** Whether files the script writes under /root go back into the learner's home. */
  writable: boolean;
  /** The credential the script gets, as a kubeconfig file on the host. */
  kubeconfig: string;
  /** The lab's API server URL as the host reaches it. */
  apiServer: string;
  /** The exercise folder: a read-only copy is the script's working folder, /kubelab/exercise. */
  exerciseDir: string;
  /** Scenario node name → this lab's node name (node01 → kwok-worker-1). */
  nodeNames: Record<string, string>;
  env: Record<string, string>;
}

/** Host uid of host views that belong to no learner's shell (CLI, tests) when the server is root. */
export const hostViewUid = 899_999;

/** What a copy of a home may hold: homes of scenarios hold manifests and notes, not data sets. */
const copyLimits = { files: 2000, bytes: 32 * 1024 * 1024, fileBytes: 8 * 1024 * 1024 };

const apiPort = 6443;
const viewPath = '/opt/kubelab/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** kubectl (and `k`) inside the host view: the labs' own kubectl. */
const kubectlWrapper = '#!/bin/sh\nexec /opt/kubelab/real/kubectl "$@"\n';

const passwd = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const group = 'root:x:0:\nnogroup:x:65534:\n';

/** Read-only pieces of the host's /etc a script needs (no secrets): as in the learner's jail. */
const etcPieces = ['alternatives', 'ssl/certs', 'ssl/openssl.cnf', 'ca-certificates', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'terminfo'];

let sharedKubectl: string | undefined;

/** The labs' kubectl, copied where an unprivileged uid can read it (root's cache is not). */
function kubectlCopy(): string {
  if (sharedKubectl && existsSync(sharedKubectl)) return sharedKubectl;
  const source = kubectlPath();
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-hostview-bin-'));
  chmodSync(dir, 0o755);
  const target = join(dir, 'kubectl');
  if (source.startsWith('/') && existsSync(source)) copyFileSync(source, target);
  else throw new SandboxError('kubectl is not available for scenario scripts', 'Run `kubelab setup` first.');
  chmodSync(target, 0o755);
  sharedKubectl = target;
  return target;
}

/** Flattened kubeconfigs by path, while the file is unchanged: kubectl takes a few hundred ms per run. */
const flatCache = new Map<string, { mtimeMs: number; text: string }>();

async function flattened(kubeconfig: string, scratch: string): Promise<string> {
  const mtimeMs = statSync(kubeconfig).mtimeMs;
  const hit = flatCache.get(kubeconfig);
  if (hit && hit.mtimeMs === mtimeMs) return hit.text;
  const r = await run(kubectlPath(), ['config', 'view', '--flatten', '--raw'], { env: { KUBECONFIG: kubeconfig, PATH: '/usr/bin:/bin', HOME: scratch }, timeoutMs: 20_000 });
  if (r.code !== 0) throw new SandboxError(`cannot read the kubeconfig ${kubeconfig}: ${r.stderr.trim()}`);
  if (flatCache.size > 256) flatCache.clear();
  flatCache.set(kubeconfig, { mtimeMs, text: r.stdout });
  return r.stdout;
}

/** Copies a folder tree (regular files, folders, symlinks inside it), within copyLimits. */
export function copyHome(from: string, to: string, onlyChanged = false, owner?: number): void {
  let files = 0;
  let bytes = 0;
  const walk = (src: string, dst: string) => {
    let entries: string[];
    try {
      entries = readdirSync(src);
    } catch {
      return;
    }
    for (const name of entries) {
      const s = join(src, name);
      const d = join(dst, name);
      let st;
      try {
        st = lstatSync(s);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!existsSync(d)) {
          mkdirSync(d, { mode: st.mode & 0o7777 });
          if (owner !== undefined) chownSync(d, owner, owner);
        }
        walk(s, d);
      } else if (st.isFile()) {
        if (++files > copyLimits.files || st.size > copyLimits.fileBytes || (bytes += st.size) > copyLimits.bytes) continue;
        if (onlyChanged && existsSync(d)) {
          const old = lstatSync(d);
          if (!old.isFile() || (old.size === st.size && Math.abs(old.mtimeMs - st.mtimeMs) < 1)) continue;
        }
        try {
          // read and write, not copyFileSync: its in-kernel copy fails (EOVERFLOW) between the jail's tmpfs and the host.
          writeFileSync(d, readFileSync(s), { mode: st.mode & 0o7777 });
          chmodSync(d, st.mode & 0o7777);
          // Same times as the source: the copy back after a script takes only what the script changed.
          utimesSync(d, st.atime, st.mtime);
          if (owner !== undefined) chownSync(d, owner, owner);
        } catch {
          /* a file the copy cannot write (the learner's kubeconfig bind): leave it */
        }
      }
    }
  };
  walk(from, to);
}

/** The scenario's node names as this lab's, in every text file (scripts, assets) of the copied exercise folder. */
function renameNodes(dir: string, names: Record<string, string>): void {
  const pairs = Object.entries(names).filter(([from, to]) => /^[a-z0-9][a-z0-9.-]*$/.test(from) && to);
  if (!pairs.length) return;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const file = join(dir, name);
    const st = lstatSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) continue;
    const bytes = readFileSync(file);
    if (bytes.includes(0)) continue; // not text
    const text = bytes.toString('utf8');
    let out = text;
    for (const [from, to] of pairs) out = out.replace(new RegExp(`(?<![A-Za-z0-9_.-])${from.replace(/\./g, '\\.')}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'g'), to);
    if (out !== text) writeFileSync(file, out);
  }
}

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (statSync(path).isDirectory()) for (const n of readdirSync(path)) {
    const p = join(path, n);
    if (lstatSync(p).isSymbolicLink()) continue;
    chownTree(p, uid);
  }
}

/**
 * Files the script wrote under /root, back into the learner's home. A jailed shell's home is a tmpfs
 * of the jail's user namespace, where host root cannot create files (EOVERFLOW: uid 0 is not mapped
 * there), so as root the copy runs as the home's owner; otherwise (own uid, or the lab's folder) here.
 */
async function copyBack(from: string, home: HostHome, root: boolean): Promise<void> {
  if (root && home.uid !== undefined) {
    const r = await run('/usr/bin/setpriv', ['--reuid', String(home.uid), '--regid', String(home.uid), '--clear-groups', '--', 'cp', '-a', '-u', '--no-preserve=ownership', `${from}/.`, `${home.path}/`], { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 60_000 });
    if (r.code !== 0) throw new SandboxError(`cannot place the script's files in the learner's home: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
    return;
  }
  mkdirSync(home.path, { recursive: true, mode: 0o700 });
  copyHome(from, home.path, true, root ? hostViewUid : undefined);
}

/** Runs one script of an exercise folder in the host view; resolves with its exit status and output. */
export async function runInHostView(spec: HostViewSpec, script: string, args: string[], opts: { input?: string; timeoutMs: number }): Promise<RunResult> {
  const root = process.getuid?.() === 0;
  const uid = root ? (spec.home.uid ?? hostViewUid) : undefined;
  const work = mkdtempSync(join(tmpdir(), 'kubelab-hostview-'));
  let gate: ApiGate | undefined;
  try {
    chmodSync(work, 0o700);
    const home = join(work, 'home');
    mkdirSync(home, { mode: 0o700 });
    if (existsSync(spec.home.path)) copyHome(spec.home.path, home);
    // The learner's own kubeconfig is theirs: scripts use $KUBECONFIG, the credential they were given.
    rmSync(join(home, '.kube', 'config'), { force: true });
    cpSync(spec.exerciseDir, join(work, 'exercise'), { recursive: true, dereference: false });
    renameNodes(join(work, 'exercise'), spec.nodeNames);
    mkdirSync(join(work, 'bin'));
    writeFileSync(join(work, 'bin', 'kubectl'), kubectlWrapper, { mode: 0o755 });
    writeFileSync(join(work, 'bin', 'k'), kubectlWrapper, { mode: 0o755 });
    writeFileSync(join(work, 'passwd'), passwd, { mode: 0o644 });
    writeFileSync(join(work, 'group'), group, { mode: 0o644 });
    // Certificates a provider's kubeconfig names by path are inlined: those paths are not in the view.
    writeFileSync(join(work, 'source-kubeconfig'), await flattened(spec.kubeconfig, work), { mode: 0o600 });
    await rewriteKubeconfig(join(work, 'source-kubeconfig'), join(work, 'kubeconfig'), `https://127.0.0.1:${apiPort}`);
    rmSync(join(work, 'source-kubeconfig'));
    if (uid !== undefined) chownTree(work, uid);
    const { host, port } = endpointOf(spec.apiServer);
    gate = await ApiGate.open({ socketPath: join(work, 'api.sock'), host, port, owner: uid !== undefined ? { uid, gid: uid } : undefined });

    const env: Record<string, string> = {
      ...spec.env,
      HOME: '/root',
      USER: 'root',
      PATH: viewPath,
      LANG: 'C.UTF-8',
      TERM: 'xterm',
      KUBECONFIG: '/run/kubelab/kubeconfig',
    };
    const a: string[] = ['--unshare-all', '--die-with-parent', '--uid', '0', '--gid', '0', '--hostname', 'controlplane', '--cap-drop', 'ALL', '--ro-bind', '/usr', '/usr', ...usrLinkArgs()];
    for (const piece of etcPieces) a.push('--ro-bind-try', `/etc/${piece}`, `/etc/${piece}`);
    a.push(
      '--ro-bind', join(work, 'passwd'), '/etc/passwd',
      '--ro-bind', join(work, 'group'), '/etc/group',
      '--proc', '/proc',
      '--dev', '/dev',
      '--tmpfs', '/tmp',
      spec.writable ? '--bind' : '--ro-bind', home, '/root',
      '--ro-bind', join(work, 'exercise'), '/kubelab/exercise',
      '--ro-bind', join(work, 'kubeconfig'), '/run/kubelab/kubeconfig',
      '--ro-bind', join(work, 'api.sock'), '/run/kubelab/api.sock',
      '--ro-bind', join(work, 'bin'), '/opt/kubelab/bin',
      '--ro-bind', kubectlCopy(), '/opt/kubelab/real/kubectl',
      '--remount-ro', '/',
      '--chdir', '/kubelab/exercise',
      '--clearenv',
    );
    for (const [k, v] of Object.entries(env)) a.push('--setenv', k, v);
    const init = `( while :; do socat TCP-LISTEN:${apiPort},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:/run/kubelab/api.sock </dev/null >/dev/null 2>&1; sleep 1; done ) &
for i in $(seq 1 150); do (: </dev/tcp/127.0.0.1/${apiPort}) 2>/dev/null && break; sleep 0.02; done
f=$1; shift
if [ "$(head -c2 "$f")" = '#!' ] && [ -x "$f" ]; then "$f" "$@"; else /bin/bash "$f" "$@"; fi`;
    a.push('--', '/bin/bash', '--noprofile', '--norc', '-c', init, 'host-view', `/kubelab/exercise/${script}`, ...args);
    const bwrap = existsSync('/usr/bin/bwrap') ? '/usr/bin/bwrap' : 'bwrap';
    const [file, argv] =
      uid !== undefined
        ? ['/usr/bin/setpriv', ['--reuid', String(uid), '--regid', String(uid), '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--', bwrap, ...a]]
        : [bwrap, a];
    const r = await run(file, argv as string[], { env: { PATH: '/usr/bin:/bin' }, input: opts.input, timeoutMs: opts.timeoutMs });
    if (spec.writable) await copyBack(home, spec.home, root);
    return r;
  } finally {
    await gate?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
