/** The warning a lab's measured usage earns: which limit, by how much, what to do; none within every limit. */
import { describe, expect, it } from 'vitest';
import { usageWarning } from '../../../server/labs/limits.js';

const MiB = 2 ** 20;
const limits = { memoryMiB: 1536, diskMiB: 1024 };
const quota = { quotaBytes: 256 * MiB };

describe('per-lab limits', () => {
  it('says nothing for a lab within every limit, or one the provider cannot measure', () => {
    expect(usageWarning({ memoryBytes: 600 * MiB, diskBytes: 130 * MiB, etcd: { bytes: 2 * MiB, ...quota } }, limits)).toBeUndefined();
    expect(usageWarning({}, limits)).toBeUndefined();
    // Exactly at a limit is within it.
    expect(usageWarning({ memoryBytes: 1536 * MiB, diskBytes: 1024 * MiB }, limits)).toBeUndefined();
  });

  it('names memory over the limit with both figures and what to do', () => {
    expect(usageWarning({ memoryBytes: 2000 * MiB, diskBytes: 130 * MiB }, limits)).toBe(
      "Your lab's control plane uses 2000 MiB of memory, over this server's limit of 1536 MiB a lab. Delete what you no longer need (many objects, or large ConfigMaps and Secrets, grow it), or reset the lab.",
    );
  });

  it('names disk over the limit', () => {
    expect(usageWarning({ memoryBytes: 600 * MiB, diskBytes: 1100 * MiB }, limits)).toMatch(/^Your lab takes 1100 MiB of disk, over this server's limit of 1024 MiB a lab\. Reset the lab/);
  });

  it('warns before etcd refuses writes, and says a reset is the way out (deleting does not free the space)', () => {
    expect(usageWarning({ etcd: { bytes: 200 * MiB, ...quota } }, limits)).toBeUndefined();
    const w = usageWarning({ memoryBytes: 5000 * MiB, etcd: { bytes: 240 * MiB, ...quota } }, limits);
    // etcd first: it is the limit that stops the lab working.
    expect(w).toMatch(/^Your lab's etcd database holds 240 MiB of its 256 MiB quota: .*"database space exceeded".*deleting objects does not give the space back\. Reset the lab/);
  });
});
