/**
 * Timers owned by one long-lived watcher, cleared together when it stops: none keeps the process
 * alive (unref), and none fires after `clear()`.
 *
 *   private readonly timers = new Timers();
 *   this.timers.later(500, () => this.follow());   // a retry with backoff
 *   this.timers.clear();                           // on stop
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    t.unref();
    this.pending.add(t);
  }

  clear(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
