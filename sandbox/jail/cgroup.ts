/**
 * A control group per jail, so one learner's shell has a ceiling as a whole, not only per
 * process: memory (tmpfs pages the shell writes count too: /dev/shm, /tmp, the home), number of
 * processes and threads, and a CPU weight below the server's. Ending a shell kills everything in
 * its group, so nothing a learner started (a fork bomb mid-fork) outlives it.
 *
 * CPU is both weighted (the server and everyone else come first) and capped (cpuCores).
 *
 * Works on both cgroup layouts:
 * - v1 (one hierarchy per controller, as on this kind of host): memory, pids, cpu and freezer
 *   groups of the same name, each under the server's own group in that hierarchy.
 * - v2 (one unified hierarchy): one group under the server's own. v2 lets a group hand controllers
 *   to its children only when it holds no process itself, so the server first moves the processes
 *   of its own group into a `kubelab-server` leaf (systemd: run the service with Delegate=yes).
 *
 * Groups are nested under the server's own, never at the root: the jails stay inside whatever
 * limits the server itself was given. Needs root (or a delegated group); without, `cgroupSupport`
 * says why and shells run with per-process limits only.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface CgroupLimits {
  /** Memory of the whole jail, tmpfs contents included, in bytes. */
  memoryBytes: number;
  /** Processes and threads of the whole jail. */
  processes: number;
  /** CPU weight against the server's: 1-10000, 100 is the default of every other group (v2 scale). */
  cpuWeight: number;
  /** At most this many cores' worth of CPU time (a fork bomb spins on every core it may use). */
  cpuCores: number;
}

type Layout = { version: 2; dir: string } | { version: 1; dirs: Record<'memory' | 'pids' | 'cpu' | 'freezer', string> };

export interface JailCgroup {
  readonly layout: Layout;
  /** The files a process id is written to, to enter the group (cgroup.procs, one per hierarchy). */
  readonly procsFiles: string[];
  /** Processes in the group now. */
  pids(): number[];
  /** Memory the group holds now, in bytes. */
  memoryBytes(): number;
  /** Kills every process in the group, waits until it is empty, and removes it. */
  destroy(): Promise<void>;
}

const mountsFile = '/proc/self/mountinfo';

/** cgroup mount points by controller ("unified" for v2), from mountinfo. */
function cgroupMounts(): { unified?: string; v1: Map<string, string> } {
  const v1 = new Map<string, string>();
  let unified: string | undefined;
  for (const line of readFileSync(mountsFile, 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4]!;
    const [fstype, , superOpts = ''] = right.split(' ');
    if (fstype === 'cgroup2') unified ??= mountPoint;
    else if (fstype === 'cgroup') for (const opt of superOpts.split(',')) if (['memory', 'pids', 'cpu', 'freezer'].includes(opt)) v1.set(opt, mountPoint);
  }
  return { unified, v1 };
}

/** The server's own group in each hierarchy, from /proc/self/cgroup ("" key: v2). */
function ownGroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, controllers = '', path = '/'] = line.split(':');
    if (controllers === '') own.set('', path);
    for (const c of controllers.split(',')) own.set(c, path);
  }
  return own;
}

let parent: { ok: true; layout: Layout } | { ok: false; reason: string } | undefined;

/**
 * Where this server's jail groups go (created once): a `kubelab-jails-<pid>` group under the
 * server's own group. v1 is used when memory and pids have their own hierarchies; else v2.
 */
export function cgroupSupport(): { ok: true; layout: Layout } | { ok: false; reason: string } {
  parent ??= (() => {
    if (process.getuid?.() !== 0) return { ok: false, reason: 'the server does not run as root, so it cannot create a control group per jail' };
    try {
      const mounts = cgroupMounts();
      const own = ownGroups();
      const name = `kubelab-jails-${process.pid}`;
      if (mounts.v1.has('memory') && mounts.v1.has('pids')) {
        const dirs = {} as Record<'memory' | 'pids' | 'cpu' | 'freezer', string>;
        for (const c of ['memory', 'pids', 'cpu', 'freezer'] as const) {
          const mount = mounts.v1.get(c);
          if (!mount) {
            if (c === 'cpu' || c === 'freezer') continue;
            return { ok: false, reason: `no cgroup v1 ${c} hierarchy is mounted` };
          }
          dirs[c] = join(mount, own.get(c) ?? '/', name);
          sweepStale(dirname(dirs[c]));
          mkdirSync(dirs[c], { recursive: true });
        }
        // A v1 memory group counts its children's memory only when hierarchical accounting is on.
        const useHierarchy = join(dirs.memory, 'memory.use_hierarchy');
        if (existsSync(useHierarchy) && readFileSync(useHierarchy, 'utf8').trim() !== '1') writeFileSync(useHierarchy, '1');
        return { ok: true, layout: { version: 1, dirs } };
      }
      if (!mounts.unified) return { ok: false, reason: 'no cgroup hierarchy with the memory and pids controllers is mounted' };
      const ownDir = join(mounts.unified, own.get('') ?? '/');
      const wanted = ['memory', 'pids', 'cpu'];
      const available = readFileSync(join(ownDir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
      const missing = wanted.filter((c) => !available.includes(c));
      if (missing.length) return { ok: false, reason: `the server's control group does not offer the ${missing.join(', ')} controller(s) (systemd: Delegate=yes)` };
      enableControllers(ownDir, wanted);
      const dir = join(ownDir, name);
      sweepStale(ownDir);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
      return { ok: true, layout: { version: 2, dir } };
    } catch (err) {
      return { ok: false, reason: `control groups could not be set up: ${(err as Error).message}` };
    }
  })();
  return parent;
}

/** Removes the (empty) jail groups a server that is gone left behind: a kill -9 never cleans up. */
function sweepStale(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const m = /^kubelab-jails-(\d+)$/.exec(entry.name);
    if (!entry.isDirectory() || !m || alive(Number(m[1]))) continue;
    const stale = join(dir, entry.name);
    try {
      for (const child of readdirSync(stale, { withFileTypes: true })) if (child.isDirectory()) rmdirSync(join(stale, child.name));
      rmdirSync(stale);
    } catch {
      /* a group still holding a process: left alone */
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Enables controllers for the children of `dir`, first moving its own processes into a leaf if it has any (v2's rule). */
function enableControllers(dir: string, controllers: string[]): void {
  const control = join(dir, 'cgroup.subtree_control');
  const enabled = readFileSync(control, 'utf8').trim().split(/\s+/);
  if (controllers.every((c) => enabled.includes(c))) return;
  const procs = readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').filter(Boolean);
  if (procs.length > 0 && dir !== '/sys/fs/cgroup' && dir !== '/sys/fs/cgroup/') {
    const leaf = join(dir, 'kubelab-server');
    mkdirSync(leaf, { recursive: true });
    for (const pid of procs) {
      try {
        writeFileSync(join(leaf, 'cgroup.procs'), pid);
      } catch {
        /* a process that just ended */
      }
    }
  }
  writeFileSync(control, controllers.map((c) => `+${c}`).join(' '));
}

const cpuPeriodUs = 100_000;

const int = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${what} must be a positive whole number, got ${n}`);
  return String(n);
};

/** Creates the group of one jail with its limits; undefined (with the reason) where groups are not available. */
export function createJailCgroup(name: string, limits: CgroupLimits): { group?: JailCgroup; reason?: string } {
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) throw new Error(`"${name}" is not a valid control group name`);
  const support = cgroupSupport();
  if (!support.ok) return { reason: support.reason };
  const layout = support.layout;
  if (layout.version === 2) {
    const dir = join(layout.dir, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.max'), int(limits.memoryBytes, 'memory'));
    if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
    writeFileSync(join(dir, 'pids.max'), int(limits.processes, 'processes'));
    writeFileSync(join(dir, 'cpu.weight'), int(limits.cpuWeight, 'cpu weight'));
    writeFileSync(join(dir, 'cpu.max'), `${int(Math.round(limits.cpuCores * cpuPeriodUs), 'cpu cores')} ${cpuPeriodUs}`);
    return { group: groupOf({ version: 2, dir }) };
  }
  const dirs = {} as Record<'memory' | 'pids' | 'cpu' | 'freezer', string>;
  for (const [c, base] of Object.entries(layout.dirs) as [keyof typeof dirs, string][]) {
    dirs[c] = join(base, name);
    mkdirSync(dirs[c]);
  }
  writeFileSync(join(dirs.memory, 'memory.limit_in_bytes'), int(limits.memoryBytes, 'memory'));
  // Swap may not stand in for memory (memsw exists only with swap accounting on).
  if (existsSync(join(dirs.memory, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dirs.memory, 'memory.memsw.limit_in_bytes'), int(limits.memoryBytes, 'memory'));
  writeFileSync(join(dirs.pids, 'pids.max'), int(limits.processes, 'processes'));
  // v1 cpu.shares: 1024 is every other group's; the v2 weight 100 maps to it.
  if (dirs.cpu) {
    writeFileSync(join(dirs.cpu, 'cpu.shares'), String(Math.max(2, Math.round((limits.cpuWeight * 1024) / 100))));
    writeFileSync(join(dirs.cpu, 'cpu.cfs_period_us'), String(cpuPeriodUs));
    writeFileSync(join(dirs.cpu, 'cpu.cfs_quota_us'), int(Math.round(limits.cpuCores * cpuPeriodUs), 'cpu cores'));
  }
  return { group: groupOf({ version: 1, dirs }) };
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function groupOf(layout: Layout): JailCgroup {
  const dirs = layout.version === 2 ? [layout.dir] : Object.values(layout.dirs);
  const procsFiles = dirs.map((d) => join(d, 'cgroup.procs'));
  // Every process of the jail is in every hierarchy: the pids group lists them all.
  const listFile = layout.version === 2 ? join(layout.dir, 'cgroup.procs') : join(layout.dirs.pids, 'cgroup.procs');
  return {
    layout,
    procsFiles,
    pids: () => readPids(listFile),
    memoryBytes: () => {
      try {
        return Number(readFileSync(layout.version === 2 ? join(layout.dir, 'memory.current') : join(layout.dirs.memory, 'memory.usage_in_bytes'), 'utf8').trim());
      } catch {
        return 0;
      }
    },
    destroy: async () => {
      for (let round = 0; round < 100; round++) {
        if (layout.version === 2 && existsSync(join(layout.dir, 'cgroup.kill'))) {
          try {
            writeFileSync(join(layout.dir, 'cgroup.kill'), '1');
          } catch {
            /* already empty and gone */
          }
        } else {
          // v1: freeze first, so nothing forks between reading the list and killing it.
          const freezer = layout.version === 1 && layout.dirs.freezer ? join(layout.dirs.freezer, 'freezer.state') : undefined;
          if (freezer) writeFileSync(freezer, 'FROZEN');
          for (const pid of readPids(listFile)) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* already gone */
            }
          }
          if (freezer) writeFileSync(freezer, 'THAWED');
        }
        if (readPids(listFile).length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const d of dirs) {
        for (let i = 0; i < 50; i++) {
          try {
            rmdirSync(d);
            break;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      }
    },
  };
}
