/**
 * What a lab uses of the host, measured from outside it: the resident memory of its processes and
 * the disk its folder takes (blocks allocated, so etcd's preallocated write-ahead log counts as what
 * it holds). Read from /proc and the file system; nothing a learner writes in the lab is trusted.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LabUsage {
  /** Resident memory of the lab's processes, summed. */
  memoryBytes?: number;
  /** Disk the lab's folder takes. */
  diskBytes?: number;
  /** etcd's database file, and the quota past which etcd refuses writes. */
  etcd?: { bytes: number; quotaBytes: number };
}

/** Bytes allocated to a folder's files, not following symbolic links; at most `maxEntries` entries are visited. */
export function folderBytes(dir: string, maxEntries = 100_000): number {
  let total = 0;
  let seen = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      if (++seen > maxEntries) return;
      const p = join(d, name);
      try {
        const st = lstatSync(p);
        total += st.blocks * 512;
        if (st.isDirectory()) walk(p);
      } catch {
        // removed while walking
      }
    }
  };
  walk(dir);
  return total;
}

/** Size of a file, 0 when it is not there. */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
