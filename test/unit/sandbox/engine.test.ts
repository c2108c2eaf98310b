/** The container engine's host checks and the image build's status, without Docker. */
import { describe, expect, it } from 'vitest';
import { missingCapabilities } from '../../../sandbox/engine.js';
import { parseStatus } from '../../../sandbox/images.js';

describe('capabilities a privileged container would lack', () => {
  it('names the capabilities the bounding set lacks, up to the kernel’s last one', () => {
    // A VM that drops CAP_SYS_RESOURCE (bit 24): CapBnd 000001fffeffffff, cap_last_cap 40.
    expect(missingCapabilities('Name:\tx\nCapBnd:\t000001fffeffffff\nCapAmb:\t0\n', 40)).toEqual(['CAP_SYS_RESOURCE']);
    expect(missingCapabilities('CapBnd:\t000001ffffffffff\n', 40)).toEqual([]);
    // Bits above cap_last_cap are not capabilities of this kernel.
    expect(missingCapabilities('CapBnd:\t000000ffffffffff\n', 39)).toEqual([]);
    expect(missingCapabilities('CapBnd:\t000000fffffffffc\n', 40)).toEqual(['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_CHECKPOINT_RESTORE']);
  });

  it('finds nothing missing when the status has no bounding set line', () => {
    expect(missingCapabilities('Name:\tx\n', 40)).toEqual([]);
  });
});

describe('what the image build reports as built', () => {
  it('reads the name=value lines of build.sh status', () => {
    expect(parseStatus('kind=/c/bin/kind-v0.33.0/kind\nkind_ready=1\nnode=kubelab/node:v1.37.2-abc\nnode_built=0\nworkloads=/c/images/w.tar\nworkloads_ready=1\noffline=kubelab/node:v1.37.2-abc-offline-def\noffline_built=1\n')).toEqual({
      kind: '/c/bin/kind-v0.33.0/kind',
      kindReady: true,
      nodeImage: 'kubelab/node:v1.37.2-abc',
      nodeBuilt: false,
      workloads: '/c/images/w.tar',
      workloadsReady: true,
      offlineImage: 'kubelab/node:v1.37.2-abc-offline-def',
      offlineBuilt: true,
    });
  });
});
