/**
 * Each learner's home as their running shell has it, for host-view scripts (imported scenarios:
 * setup places files there, checks read it). The terminal registers a shell's home when it starts
 * and forgets it when the shell ends; without a shell, scripts use the lab's own folder (labHome).
 */
import { jailHomeOf, type HostHome } from '../../sandbox/index.js';

export interface ShellHome {
  lab: string;
  /** The shell's process id, for a jailed shell (its home lives in the jail's mount namespace). */
  pid?: number;
  /** A plain folder, for an unjailed (development) shell. */
  path?: string;
  /** Host uid of the home's files, when the server runs as root. */
  uid?: number;
}

export class LearnerHomes {
  private readonly shells = new Map<number, ShellHome>();

  set(userId: number, home: ShellHome): void {
    this.shells.set(userId, home);
  }

  forget(userId: number): void {
    this.shells.delete(userId);
  }

  /** The learner's home in their shell in this lab, or undefined (no shell, or a shell of another lab). */
  of(userId: number, lab: { name: string }): HostHome | undefined {
    const s = this.shells.get(userId);
    if (!s || s.lab !== lab.name) return undefined;
    const path = s.path ?? (s.pid !== undefined ? jailHomeOf(s.pid) : undefined);
    return path ? { path, uid: s.uid } : undefined;
  }
}
