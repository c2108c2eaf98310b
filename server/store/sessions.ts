import type { Db } from './db.js';

export interface SessionRow {
  /** sha256 of the cookie token, never the token itself. */
  id: string;
  userId: number;
  csrfToken: string;
}

/** Signed-in sessions (server/http/session.ts issues the cookies; only token hashes are stored). */
export class SessionsRepo {
  constructor(private readonly db: Db) {}

  create(s: SessionRow & { expiresAt: string }): void {
    this.db.prepare('INSERT INTO sessions (id, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)').run(s.id, s.userId, s.csrfToken, s.expiresAt);
  }

  /** The session with this id, unless it has expired. */
  live(id: string): SessionRow | undefined {
    const row = this.db
      .prepare("SELECT id, user_id, csrf_token FROM sessions WHERE id = ? AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
      .get(id) as { id: string; user_id: number; csrf_token: string } | undefined;
    return row && { id: row.id, userId: row.user_id, csrfToken: row.csrf_token };
  }

  /** Deletes expired sessions; returns how many. */
  prune(): number {
    return this.db.prepare("DELETE FROM sessions WHERE expires_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").run().changes;
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }

  /** How many unexpired sessions each signed-in user has. */
  liveCountByUser(): Map<number, number> {
    const rows = this.db
      .prepare("SELECT user_id, COUNT(*) AS n FROM sessions WHERE expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') GROUP BY user_id")
      .all() as { user_id: number; n: number }[];
    return new Map(rows.map((r) => [r.user_id, r.n]));
  }

  removeForUser(userId: number): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }
}
