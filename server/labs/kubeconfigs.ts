/**
 * Each learner's kubeconfig as their shell edits it (`kubectl config set-context` in the
 * terminal changes it), for as long as their lab lives. The terminal registers the copy when a
 * shell starts; the lab manager forgets it when the learner's lab goes or changes; grading reads
 * it. Learner-controlled: parse it as data, never connect with it.
 */
import type { Lab } from '../../sandbox/index.js';

export class LearnerKubeconfigs {
  private readonly live = new Map<number, { path: string; lab: string }>();

  /** The shell of `userId` in lab `lab` edits the kubeconfig at `path`. */
  set(userId: number, lab: string, path: string): void {
    this.live.set(userId, { path, lab });
  }

  /** Forgets the learner's copy, or only a copy that belongs to another lab than `keepLab`. */
  forget(userId: number, keepLab?: string): void {
    if (keepLab === undefined || this.live.get(userId)?.lab !== keepLab) this.live.delete(userId);
  }

  /** The shell's copy, whatever lab it belongs to (undefined before the learner's first shell). */
  pathOf(userId: number): string | undefined {
    return this.live.get(userId)?.path;
  }

  /**
   * The learner kubeconfig that grading's kubeconfig checks (and a context reset) use: the copy
   * the learner's shell edits, once they have had a shell in this lab; otherwise the lab's own.
   */
  of(userId: number, lab: Pick<Lab, 'name' | 'kubeconfigs'>): string {
    const live = this.live.get(userId);
    return live && live.lab === lab.name ? live.path : lab.kubeconfigs.learner;
  }
}
