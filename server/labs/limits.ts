/**
 * Per-lab limits that protect the host, beside the hard ones the lab enforces itself (etcd's
 * quota, the jail's cgroup): a lab's memory and disk are measured every half minute, and a lab over
 * a limit carries a warning its learner sees in the top bar and the terminal, saying what is over,
 * by how much, and what to do. The server's log names the lab too, for the admin.
 */
import type { LabUsage } from '../../sandbox/index.js';

export interface LabLimits {
  /** Resident memory of a lab's processes, in MiB. */
  memoryMiB: number;
  /** A lab's folder on disk (etcd's data, logs), in MiB. */
  diskMiB: number;
}

/** etcd refuses every write once its database reaches the quota: warn a little before. */
const etcdNearlyFull = 0.9;

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/** The warning a lab's usage earns, or undefined when it is within every limit. The first limit passed is named. */
export function usageWarning(u: LabUsage, limits: LabLimits): string | undefined {
  if (u.etcd && u.etcd.bytes >= u.etcd.quotaBytes * etcdNearlyFull) {
    return (
      `Your lab's etcd database holds ${mib(u.etcd.bytes)} MiB of its ${mib(u.etcd.quotaBytes)} MiB quota: once full, the API server refuses every write ` +
      `("database space exceeded"), and deleting objects does not give the space back. Reset the lab to start with an empty one.`
    );
  }
  if (u.memoryBytes !== undefined && u.memoryBytes > limits.memoryMiB * 2 ** 20) {
    return (
      `Your lab's control plane uses ${mib(u.memoryBytes)} MiB of memory, over this server's limit of ${limits.memoryMiB} MiB a lab. ` +
      `Delete what you no longer need (many objects, or large ConfigMaps and Secrets, grow it), or reset the lab.`
    );
  }
  if (u.diskBytes !== undefined && u.diskBytes > limits.diskMiB * 2 ** 20) {
    return `Your lab takes ${mib(u.diskBytes)} MiB of disk, over this server's limit of ${limits.diskMiB} MiB a lab. Reset the lab to start with an empty one.`;
  }
  return undefined;
}
