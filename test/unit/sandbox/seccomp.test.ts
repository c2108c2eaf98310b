/** The jail's seccomp program, run through a small classic-BPF interpreter: what it refuses and allows. */
import { describe, expect, it } from 'vitest';
import { seccompProgram } from '../../../sandbox/jail/seccomp.js';

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;

/** Runs the program over one seccomp_data { nr, arch, ip, args[6] }. */
function verdict(prog: Buffer, data: { nr: number; arch: number; args?: number[] }): number {
  const mem = Buffer.alloc(64);
  mem.writeUInt32LE(data.nr >>> 0, 0);
  mem.writeUInt32LE(data.arch >>> 0, 4);
  (data.args ?? []).forEach((a, i) => mem.writeUInt32LE(a >>> 0, 16 + 8 * i));
  let acc = 0;
  for (let pc = 0; pc < prog.length / 8; pc++) {
    const code = prog.readUInt16LE(pc * 8);
    const jt = prog.readUInt8(pc * 8 + 2);
    const jf = prog.readUInt8(pc * 8 + 3);
    const k = prog.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = mem.readUInt32LE(k);
    else if (code === 0x06) return k;
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x45) pc += (acc & k) !== 0 ? jt : jf;
    else throw new Error(`unknown opcode ${code}`);
  }
  throw new Error('fell off the end');
}

const x86 = 0xc000003e;

describe('the jail seccomp filter (x86_64)', () => {
  const prog = seccompProgram('x86_64');
  it.each([
    ['unshare', 272, [], EPERM],
    ['setns', 308, [], EPERM],
    ['mount', 165, [], EPERM],
    ['keyctl', 250, [], EPERM],
    ['add_key', 248, [], EPERM],
    ['ptrace', 101, [], EPERM],
    ['bpf', 321, [], EPERM],
    ['io_uring_setup', 425, [], EPERM],
    ['clone with CLONE_NEWUSER', 56, [0x10000000 | 17], EPERM],
    ['clone with CLONE_NEWNET', 56, [0x40000000], EPERM],
    ['clone3', 435, [], ENOSYS],
    ['ioctl TIOCSTI', 16, [0, 0x5412], EPERM],
    ['an x32 call', 0x40000000 + 1, [], EPERM],
    ['read', 0, [], ALLOW],
    ['execve', 59, [], ALLOW],
    ['plain fork (clone with SIGCHLD)', 56, [0x01200011], ALLOW],
    ['a thread (clone with CLONE_VM|CLONE_THREAD…)', 56, [0x003d0f00], ALLOW],
    ['ioctl TIOCGWINSZ', 16, [0, 0x5413], ALLOW],
  ])('%s → %s', (_what, nr, args, expected) => {
    expect(verdict(prog, { nr, arch: x86, args })).toBe(expected);
  });

  it('refuses every call of another ABI (i386 on x86_64)', () => {
    expect(verdict(prog, { nr: 0, arch: 0x40000003 })).toBe(EPERM);
  });

  it('builds for arm64 too', () => {
    const arm = seccompProgram('aarch64');
    expect(verdict(arm, { nr: 97, arch: 0xc00000b7 })).toBe(EPERM); // unshare
    expect(verdict(arm, { nr: 63, arch: 0xc00000b7 })).toBe(ALLOW); // read
  });
});
