import type { Db } from './db.js';

export type Role = 'learner' | 'instructor' | 'admin';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string | null;
  createdAt: string;
  /** When an admin disabled the account (it cannot sign in), or null. */
  disabledAt: string | null;
}

interface Row {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

const toUser = (r: Row): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

export class UsersRepo {
  constructor(private readonly db: Db) {}

  create(u: { username: string; displayName: string; role: Role; passwordHash?: string | null }): User {
    const info = this.db
      .prepare('INSERT INTO users (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)')
      .run(u.username, u.displayName, u.role, u.passwordHash ?? null);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  byId(id: number): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return r && toUser(r);
  }

  byUsername(username: string): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return r && toUser(r);
  }

  /** The user of single-user mode: created on first use. */
  ensure(username: string, displayName: string, role: Role): User {
    return this.byUsername(username) ?? this.create({ username, displayName, role });
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as Row[]).map(toUser);
  }

  setPasswordHash(id: number, hash: string): void {
    this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, id);
  }

  setRole(id: number, role: Role): void {
    this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, id);
  }

  setDisabled(id: number, disabled: boolean): void {
    this.db.prepare("UPDATE users SET disabled_at = CASE WHEN ? THEN COALESCE(disabled_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) END WHERE id = ?").run(disabled ? 1 : 0, id);
  }

  /** Admins who can still sign in: the last one may not be disabled or demoted. */
  activeAdminCount(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL").get() as { n: number }).n;
  }
}
