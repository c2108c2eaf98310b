import type { Db } from './db.js';

export type LabState = 'creating' | 'ready' | 'lost' | 'deleting';

export interface LabRecord {
  name: string;
  provider: string;
  ownerId: number | null;
  state: LabState;
  info: Record<string, unknown>;
  createdAt: string;
  lastUsedAt: string;
}

interface Row {
  name: string;
  provider: string;
  owner_id: number | null;
  state: LabState;
  info: string;
  created_at: string;
  last_used_at: string;
}

const toLab = (r: Row): LabRecord => ({
  name: r.name,
  provider: r.provider,
  ownerId: r.owner_id,
  state: r.state,
  info: JSON.parse(r.info) as Record<string, unknown>,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export class LabsRepo {
  constructor(private readonly db: Db) {}

  upsert(l: { name: string; provider: string; ownerId: number | null; state: LabState; info?: Record<string, unknown> }): void {
    this.db
      .prepare(
        `INSERT INTO labs (name, provider, owner_id, state, info) VALUES (@name, @provider, @ownerId, @state, @info)
         ON CONFLICT(name) DO UPDATE SET provider = @provider, owner_id = @ownerId, state = @state, info = @info`,
      )
      .run({ ...l, info: JSON.stringify(l.info ?? {}) });
  }

  setState(name: string, state: LabState): void {
    this.db.prepare('UPDATE labs SET state = ? WHERE name = ?').run(state, name);
  }

  /** A pool lab claimed by a learner: owned by them and used now, in one statement (one disk sync). */
  claim(name: string, ownerId: number): void {
    this.db.prepare("UPDATE labs SET owner_id = ?, last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE name = ?").run(ownerId, name);
  }

  touch(name: string): void {
    this.db.prepare("UPDATE labs SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE name = ?").run(name);
  }

  get(name: string): LabRecord | undefined {
    const r = this.db.prepare('SELECT * FROM labs WHERE name = ?').get(name) as Row | undefined;
    return r && toLab(r);
  }

  byOwner(ownerId: number): LabRecord | undefined {
    const r = this.db
      .prepare("SELECT * FROM labs WHERE owner_id = ? AND state != 'deleting' ORDER BY created_at DESC LIMIT 1")
      .get(ownerId) as Row | undefined;
    return r && toLab(r);
  }

  list(): LabRecord[] {
    return (this.db.prepare('SELECT * FROM labs ORDER BY created_at').all() as Row[]).map(toLab);
  }

  remove(name: string): void {
    this.db.prepare('DELETE FROM labs WHERE name = ?').run(name);
  }
}
