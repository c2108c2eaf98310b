import type { Db } from './db.js';
import type { Role } from './users.js';

export interface WorkshopRecord {
  id: number;
  title: string;
  lessons: string[];
  capacity: number;
  opensAt: string;
  closesAt: string;
  joinCode: string;
  createdBy: number | null;
  closedAt: string | null;
  labsFreedAt: string | null;
  createdAt: string;
  /** Challenge mode: the workshop's learners see no hints and no solutions. */
  challenge: boolean;
}

export interface WorkshopMember {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  joinedAt: string;
}

export interface WorkshopMessage {
  id: number;
  workshopId: number;
  body: string;
  createdAt: string;
}

interface Row {
  id: number;
  title: string;
  lessons: string;
  capacity: number;
  opens_at: string;
  closes_at: string;
  join_code: string;
  created_by: number | null;
  closed_at: string | null;
  labs_freed_at: string | null;
  created_at: string;
  challenge: number;
}

const toWorkshop = (r: Row): WorkshopRecord => ({
  id: r.id,
  title: r.title,
  lessons: JSON.parse(r.lessons) as string[],
  capacity: r.capacity,
  opensAt: r.opens_at,
  closesAt: r.closes_at,
  joinCode: r.join_code,
  createdBy: r.created_by,
  closedAt: r.closed_at,
  labsFreedAt: r.labs_freed_at,
  createdAt: r.created_at,
  challenge: r.challenge === 1,
});

const now = () => new Date().toISOString();

/** Workshops, who joined them (each a learner account scoped to one workshop), and the instructor's messages. */
export class WorkshopsRepo {
  constructor(private readonly db: Db) {}

  create(w: { title: string; lessons: string[]; capacity: number; opensAt: string; closesAt: string; joinCode: string; createdBy: number; challenge?: boolean }): WorkshopRecord {
    const info = this.db
      .prepare('INSERT INTO workshops (title, lessons, capacity, opens_at, closes_at, join_code, created_by, challenge) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(w.title, JSON.stringify(w.lessons), w.capacity, w.opensAt, w.closesAt, w.joinCode, w.createdBy, w.challenge ? 1 : 0);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): WorkshopRecord | undefined {
    const r = this.db.prepare('SELECT * FROM workshops WHERE id = ?').get(id) as Row | undefined;
    return r && toWorkshop(r);
  }

  byJoinCode(code: string): WorkshopRecord | undefined {
    const r = this.db.prepare('SELECT * FROM workshops WHERE join_code = ?').get(code) as Row | undefined;
    return r && toWorkshop(r);
  }

  /** Every workshop, newest first; only those an instructor created unless `createdBy` is undefined. */
  list(createdBy?: number): WorkshopRecord[] {
    const rows = (
      createdBy === undefined
        ? this.db.prepare('SELECT * FROM workshops ORDER BY id DESC').all()
        : this.db.prepare('SELECT * FROM workshops WHERE created_by = ? ORDER BY id DESC').all(createdBy)
    ) as Row[];
    return rows.map(toWorkshop);
  }

  /** Workshops that have ended (closed, or past their closing time) whose labs have not been freed yet. */
  endedWithLabs(at: string = now()): WorkshopRecord[] {
    return (
      this.db.prepare('SELECT * FROM workshops WHERE labs_freed_at IS NULL AND (closed_at IS NOT NULL OR closes_at <= ?)').all(at) as Row[]
    ).map(toWorkshop);
  }

  setClosesAt(id: number, closesAt: string): void {
    this.db.prepare('UPDATE workshops SET closes_at = ?, labs_freed_at = NULL WHERE id = ?').run(closesAt, id);
  }

  close(id: number): void {
    this.db.prepare('UPDATE workshops SET closed_at = COALESCE(closed_at, ?) WHERE id = ?').run(now(), id);
  }

  markLabsFreed(id: number): void {
    this.db.prepare('UPDATE workshops SET labs_freed_at = ? WHERE id = ?').run(now(), id);
  }

  /**
   * Adds a member if the workshop still has room, in one transaction so two learners joining at
   * once cannot both take the last seat. Returns false when it is full.
   */
  addMemberIfRoom(workshopId: number, createUser: () => number): number | undefined {
    return this.db.transaction(() => {
      const w = this.get(workshopId);
      if (!w || this.memberCount(workshopId) >= w.capacity) return undefined;
      const userId = createUser();
      this.db.prepare('INSERT INTO workshop_members (workshop_id, user_id) VALUES (?, ?)').run(workshopId, userId);
      return userId;
    }).immediate();
  }

  memberCount(workshopId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM workshop_members WHERE workshop_id = ?').get(workshopId) as { n: number }).n;
  }

  members(workshopId: number): WorkshopMember[] {
    return (
      this.db
        .prepare(
          `SELECT u.id, u.username, u.display_name, u.role, m.joined_at FROM workshop_members m JOIN users u ON u.id = m.user_id
           WHERE m.workshop_id = ? ORDER BY m.joined_at, u.id`,
        )
        .all(workshopId) as { id: number; username: string; display_name: string; role: Role; joined_at: string }[]
    ).map((r) => ({ userId: r.id, username: r.username, displayName: r.display_name, role: r.role, joinedAt: r.joined_at }));
  }

  /** The workshop a user joined, if they are a workshop learner. */
  workshopOf(userId: number): WorkshopRecord | undefined {
    const r = this.db
      .prepare('SELECT w.* FROM workshops w JOIN workshop_members m ON m.workshop_id = w.id WHERE m.user_id = ?')
      .get(userId) as Row | undefined;
    return r && toWorkshop(r);
  }

  addMessage(workshopId: number, body: string): WorkshopMessage {
    const info = this.db.prepare('INSERT INTO workshop_messages (workshop_id, body) VALUES (?, ?)').run(workshopId, body);
    return this.db
      .prepare('SELECT id, workshop_id AS workshopId, body, created_at AS createdAt FROM workshop_messages WHERE id = ?')
      .get(Number(info.lastInsertRowid)) as WorkshopMessage;
  }

  messages(workshopId: number, afterId = 0): WorkshopMessage[] {
    return this.db
      .prepare('SELECT id, workshop_id AS workshopId, body, created_at AS createdAt FROM workshop_messages WHERE workshop_id = ? AND id > ? ORDER BY id')
      .all(workshopId, afterId) as WorkshopMessage[];
  }
}
