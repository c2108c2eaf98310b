import type { Db } from './db.js';

/** The exercise last set up in each learner's lab: one row per learner, kept across restarts. */
export class SetupsRepo {
  constructor(private readonly db: Db) {}

  /** The exercise whose setup last ran in the learner's lab, if its cleanup has not run since. */
  current(userId: number): string | undefined {
    const r = this.db.prepare('SELECT exercise_id FROM exercise_setups WHERE user_id = ?').get(userId) as { exercise_id: string } | undefined;
    return r?.exercise_id;
  }

  set(userId: number, exerciseId: string): void {
    this.db
      .prepare("INSERT INTO exercise_setups (user_id, exercise_id) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET exercise_id = excluded.exercise_id, set_up_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
      .run(userId, exerciseId);
  }

  /** Forgets the learner's setup; with `exerciseId`, only if that is the one set up. */
  clear(userId: number, exerciseId?: string): void {
    if (exerciseId === undefined) this.db.prepare('DELETE FROM exercise_setups WHERE user_id = ?').run(userId);
    else this.db.prepare('DELETE FROM exercise_setups WHERE user_id = ? AND exercise_id = ?').run(userId, exerciseId);
  }
}
