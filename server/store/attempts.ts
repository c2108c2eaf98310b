import { EventEmitter } from 'node:events';
import type { Db } from './db.js';

export type AttemptTrigger = 'check' | 'live' | 'exam' | 'cli';

export interface CheckResultRecord {
  title: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  message: string;
}

export interface AttemptRecord {
  id: number;
  userId: number | null;
  exerciseId: string;
  labName: string | null;
  trigger: AttemptTrigger;
  passed: boolean;
  points: number;
  maxPoints: number;
  createdAt: string;
  checks: CheckResultRecord[];
}

interface AttemptRow {
  id: number;
  user_id: number | null;
  exercise_id: string;
  lab_name: string | null;
  trigger: AttemptTrigger;
  passed: number;
  points: number;
  max_points: number;
  created_at: string;
}

interface CheckRow {
  title: string;
  passed: number;
  points: number;
  max_points: number;
  message: string;
}

/**
 * Attempts and their per-check results. After an attempt is committed the repo emits
 * `recorded` with it, so live views (the workshop dashboard) follow attempts as they happen.
 */
export class AttemptsRepo extends EventEmitter<{ recorded: [AttemptRecord] }> {
  constructor(private readonly db: Db) {
    super();
    this.setMaxListeners(0); // one listener per open dashboard
  }

  /** Records an attempt and its per-check results in one transaction: all of it or none. */
  record(a: { userId: number | null; exerciseId: string; labName: string | null; trigger: AttemptTrigger; checks: CheckResultRecord[] }): number {
    const points = a.checks.reduce((s, c) => s + c.points, 0);
    const maxPoints = a.checks.reduce((s, c) => s + c.maxPoints, 0);
    const passed = a.checks.length > 0 && a.checks.every((c) => c.passed);
    const attemptId = this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO attempts (user_id, exercise_id, lab_name, trigger, passed, points, max_points) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(a.userId, a.exerciseId, a.labName, a.trigger, passed ? 1 : 0, points, maxPoints);
      const id = Number(info.lastInsertRowid);
      const insert = this.db.prepare(
        'INSERT INTO check_results (attempt_id, position, title, passed, points, max_points, message) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      a.checks.forEach((c, i) => insert.run(id, i, c.title, c.passed ? 1 : 0, c.points, c.maxPoints, c.message));
      return id;
    })();
    if (this.listenerCount('recorded') > 0) {
      const recorded = this.get(attemptId);
      if (recorded) this.emit('recorded', recorded);
    }
    return attemptId;
  }

  get(id: number): AttemptRecord | undefined {
    const r = this.db.prepare('SELECT * FROM attempts WHERE id = ?').get(id) as AttemptRow | undefined;
    return r && this.withChecks(r);
  }

  forUser(userId: number, exerciseId?: string): AttemptRecord[] {
    const rows = (
      exerciseId
        ? this.db.prepare('SELECT * FROM attempts WHERE user_id = ? AND exercise_id = ? ORDER BY id').all(userId, exerciseId)
        : this.db.prepare('SELECT * FROM attempts WHERE user_id = ? ORDER BY id').all(userId)
    ) as AttemptRow[];
    return rows.map((r) => this.withChecks(r));
  }

  /**
   * Whether the user's latest check of an exercise (a Check press or a live result that changed
   * pass/fail) passed; undefined if they have none. Exam attempts do not count: they grade a sitting.
   */
  lastPassed(userId: number, exerciseId: string): boolean | undefined {
    const r = this.db
      .prepare("SELECT passed FROM attempts WHERE user_id = ? AND exercise_id = ? AND trigger IN ('check', 'live') ORDER BY id DESC LIMIT 1")
      .get(userId, exerciseId) as { passed: number } | undefined;
    return r && r.passed === 1;
  }

  /** Exercise ids the user has passed at least once. */
  passedExercises(userId: number): Set<string> {
    const rows = this.db.prepare('SELECT DISTINCT exercise_id FROM attempts WHERE user_id = ? AND passed = 1').all(userId) as { exercise_id: string }[];
    return new Set(rows.map((r) => r.exercise_id));
  }

  /** Exercise ids the user has tried (any attempt). */
  triedExercises(userId: number): Set<string> {
    const rows = this.db.prepare('SELECT DISTINCT exercise_id FROM attempts WHERE user_id = ?').all(userId) as { exercise_id: string }[];
    return new Set(rows.map((r) => r.exercise_id));
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM attempts').get() as { n: number }).n;
  }

  private withChecks(r: AttemptRow): AttemptRecord {
    const checks = (
      this.db.prepare('SELECT title, passed, points, max_points, message FROM check_results WHERE attempt_id = ? ORDER BY position').all(r.id) as CheckRow[]
    ).map((c) => ({ title: c.title, passed: c.passed === 1, points: c.points, maxPoints: c.max_points, message: c.message }));
    return {
      id: r.id,
      userId: r.user_id,
      exerciseId: r.exercise_id,
      labName: r.lab_name,
      trigger: r.trigger,
      passed: r.passed === 1,
      points: r.points,
      maxPoints: r.max_points,
      createdAt: r.created_at,
      checks,
    };
  }
}
