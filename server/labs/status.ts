import type { LabStatus } from '../labs.js';
import type { LabStatusView } from '../../shared/terminal-protocol.js';

/** The lab status as the page shows it: no credentials, no file paths. */
export function labStatusView(s: LabStatus): LabStatusView {
  switch (s.state) {
    case 'ready':
      return {
        state: 'ready',
        lab: {
          name: s.lab.name,
          workers: s.lab.workers,
          namespace: s.lab.namespace,
          variables: { ...s.lab.variables },
          unsupported: { ...s.lab.unsupported } as Record<string, string>,
        },
        ...(s.warning ? { warning: s.warning } : {}),
        ...(s.parked ? { parked: s.parked } : {}),
        ...(s.restoring ? { restoring: true as const } : {}),
      };
    case 'creating':
      return { state: 'creating', step: s.step, done: s.done, total: s.total };
    case 'lost':
      return { state: 'lost', reason: s.reason };
    default:
      return s.reason ? { state: 'none', reason: s.reason } : { state: 'none' };
  }
}
