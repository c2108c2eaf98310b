import type { Db } from './db.js';

/** Failed sign-ins counted per key ('account:<username>' or 'address:<ip>'), kept in the database so a restart does not reset them. */
export interface LoginThrottle {
  key: string;
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

interface Row {
  key: string;
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

export class LoginsRepo {
  constructor(private readonly db: Db) {}

  get(key: string): LoginThrottle | undefined {
    const r = this.db.prepare('SELECT * FROM login_failures WHERE key = ?').get(key) as Row | undefined;
    return r && { key: r.key, failures: r.failures, lastFailureAt: r.last_failure_at, blockedUntil: r.blocked_until };
  }

  set(t: LoginThrottle): void {
    this.db
      .prepare(
        `INSERT INTO login_failures (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
      )
      .run(t.key, t.failures, t.lastFailureAt, t.blockedUntil);
  }

  clear(key: string): void {
    this.db.prepare('DELETE FROM login_failures WHERE key = ?').run(key);
  }

  /** Forgets entries whose last failure is older than `before` (ms since the epoch). */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM login_failures WHERE last_failure_at < ? AND blocked_until < ?').run(before, before).changes;
  }
}
