/** Which TCP addresses a set of processes listens on, read from /proc (no ss/netstat needed). */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        /* fd closed meanwhile */
      }
    }
  } catch {
    /* process gone */
  }
  return inodes;
}

function hexToAddress(hex: string, v6: boolean): string {
  if (!v6) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  return hex;
}

/** Listening addresses ("127.0.0.1:6443", ":::1234") of the given processes. */
export function listeningAddresses(pids: number[]): string[] {
  const wanted = new Set(pids.flatMap((p) => [...socketInodes(p)]));
  const out: string[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !wanted.has(cols[9]!)) continue; // 0A = LISTEN
      const [addr, port] = cols[1]!.split(':');
      out.push(`${hexToAddress(addr!, v6)}:${parseInt(port!, 16)}`);
    }
  }
  return out;
}
