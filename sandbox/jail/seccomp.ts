/**
 * The jail's seccomp filter: a classic BPF program, written here rather than compiled with
 * libseccomp (nothing to install), that bubblewrap loads (`--seccomp FD`) just before it starts the
 * learner's shell. It refuses with EPERM what a shell has no use for and what widens the kernel's
 * attack surface: new namespaces (unshare, setns, clone with CLONE_NEW*; clone3 answers ENOSYS so
 * libc falls back to clone, whose flags the filter can read), mounts, kernel keyrings, ptrace and
 * other processes' memory, BPF, perf, io_uring, userfaultfd, modules, kexec, clocks, swap, reboot,
 * and the TIOCSTI/TIOCLINUX ioctls that push input into a terminal. Everything else is allowed.
 * A system call of another ABI (x32, or i386 on x86_64) is refused as a whole.
 */

const syscalls = {
  x86_64: {
    arch: 0xc000003e,
    /** x32 system calls have this bit set: refused, they would bypass the numbers below. */
    x32Bit: 0x40000000,
    clone: 56,
    clone3: 435,
    ioctl: 16,
    refused: {
      ptrace: 101, syslog: 103, mount: 165, umount2: 166, swapon: 167, swapoff: 168, reboot: 169, iopl: 172, ioperm: 173,
      create_module: 174, init_module: 175, delete_module: 176, get_kernel_syms: 177, query_module: 178, quotactl: 179,
      nfsservctl: 180, acct: 163, settimeofday: 164, pivot_root: 155, _sysctl: 156, adjtimex: 159, chroot: 161, uselib: 134,
      vhangup: 153, lookup_dcookie: 212, kexec_load: 246, add_key: 248, request_key: 249, keyctl: 250, unshare: 272,
      perf_event_open: 298, fanotify_init: 300, name_to_handle_at: 303, open_by_handle_at: 304, clock_adjtime: 305, setns: 308,
      process_vm_readv: 310, process_vm_writev: 311, finit_module: 313, kexec_file_load: 320, bpf: 321, userfaultfd: 323,
      clock_settime: 227, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, open_tree: 428, move_mount: 429,
      fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, pidfd_getfd: 438, mount_setattr: 442, quotactl_fd: 443,
    },
  },
  aarch64: {
    arch: 0xc00000b7,
    x32Bit: undefined,
    clone: 220,
    clone3: 435,
    ioctl: 29,
    refused: {
      ptrace: 117, syslog: 116, mount: 40, umount2: 39, swapon: 224, swapoff: 225, reboot: 142, init_module: 105,
      delete_module: 106, quotactl: 60, nfsservctl: 42, acct: 89, settimeofday: 170, pivot_root: 41, adjtimex: 171, chroot: 51,
      vhangup: 58, lookup_dcookie: 18, kexec_load: 104, add_key: 217, request_key: 218, keyctl: 219, unshare: 97,
      perf_event_open: 241, fanotify_init: 262, name_to_handle_at: 264, open_by_handle_at: 265, clock_adjtime: 266, setns: 268,
      process_vm_readv: 270, process_vm_writev: 271, finit_module: 273, kexec_file_load: 294, bpf: 280, userfaultfd: 282,
      clock_settime: 112, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, open_tree: 428, move_mount: 429,
      fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, pidfd_getfd: 438, mount_setattr: 442, quotactl_fd: 443,
    },
  },
} as const;

export type SeccompArch = keyof typeof syscalls;

/** The system calls the filter refuses (by name), for documentation and tests. */
export function refusedSyscalls(arch: SeccompArch = hostArch()!): string[] {
  return [...Object.keys(syscalls[arch].refused), 'clone with CLONE_NEW* flags', 'clone3 (ENOSYS)', 'ioctl TIOCSTI/TIOCLINUX'];
}

export function hostArch(): SeccompArch | undefined {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : undefined;
}

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
// Offsets in struct seccomp_data: nr, arch, instruction pointer, then six 64-bit arguments (low word first).
const NR = 0;
const ARCH = 4;
const arg = (i: number) => 16 + 8 * i;

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
const newNamespaceFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;

type Insn = { code: number; jt: number | string; jf: number | string; k: number } | { label: string };

/** The filter program for one architecture, as the bytes of struct sock_filter[] (8 bytes each). */
export function seccompProgram(arch: SeccompArch = hostArch()!): Buffer {
  const t = syscalls[arch];
  const p: Insn[] = [];
  const ins = (code: number, k: number, jt: number | string = 0, jf: number | string = 0) => p.push({ code, jt, jf, k });
  ins(LD_W_ABS, ARCH);
  ins(JEQ_K, t.arch, 0, 'deny');
  ins(LD_W_ABS, NR);
  if (t.x32Bit !== undefined) ins(JGE_K, t.x32Bit, 'deny', 0);
  for (const nr of Object.values(t.refused)) ins(JEQ_K, nr, 'deny', 0);
  ins(JEQ_K, t.clone3, 'enosys', 0);
  ins(JEQ_K, t.clone, 'clone', 0);
  ins(JEQ_K, t.ioctl, 'ioctl', 0);
  ins(RET_K, RET_ALLOW);
  p.push({ label: 'clone' });
  ins(LD_W_ABS, arg(0));
  ins(JSET_K, newNamespaceFlags, 'deny', 0);
  ins(RET_K, RET_ALLOW);
  p.push({ label: 'ioctl' });
  ins(LD_W_ABS, arg(1));
  ins(JEQ_K, TIOCSTI, 'deny', 0);
  ins(JEQ_K, TIOCLINUX, 'deny', 0);
  ins(RET_K, RET_ALLOW);
  p.push({ label: 'deny' });
  ins(RET_K, RET_ERRNO | EPERM);
  p.push({ label: 'enosys' });
  ins(RET_K, RET_ERRNO | ENOSYS);

  // Resolve labels to forward jump offsets (relative to the next instruction, at most 255).
  const labels = new Map<string, number>();
  const code: Exclude<Insn, { label: string }>[] = [];
  for (const i of p) {
    if ('label' in i) labels.set(i.label, code.length);
    else code.push(i);
  }
  const buf = Buffer.alloc(code.length * 8);
  code.forEach((i, n) => {
    const jump = (j: number | string) => {
      if (typeof j === 'number') return j;
      const off = labels.get(j)! - n - 1;
      if (off < 0 || off > 255) throw new Error(`seccomp jump to ${j} out of range`);
      return off;
    };
    buf.writeUInt16LE(i.code, n * 8);
    buf.writeUInt8(jump(i.jt), n * 8 + 2);
    buf.writeUInt8(jump(i.jf), n * 8 + 3);
    buf.writeUInt32LE(i.k >>> 0, n * 8 + 4);
  });
  return buf;
}
