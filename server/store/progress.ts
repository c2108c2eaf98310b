import type { Db } from './db.js';

export interface QuizAnswerRecord {
  lessonId: string;
  questionId: string;
  answer: unknown;
  correct: boolean;
  createdAt: string;
}

/** A learner's self-paced progress: lessons read and quiz answers. Exercise progress derives from attempts. */
export class ProgressRepo {
  constructor(private readonly db: Db) {}

  markRead(userId: number, lessonId: string): void {
    this.db.prepare('INSERT OR IGNORE INTO lesson_progress (user_id, lesson_id) VALUES (?, ?)').run(userId, lessonId);
  }

  lessonsRead(userId: number): Set<string> {
    const rows = this.db.prepare('SELECT lesson_id FROM lesson_progress WHERE user_id = ?').all(userId) as { lesson_id: string }[];
    return new Set(rows.map((r) => r.lesson_id));
  }

  recordAnswer(userId: number, lessonId: string, questionId: string, answer: unknown, correct: boolean): void {
    this.db
      .prepare('INSERT INTO quiz_answers (user_id, lesson_id, question_id, answer, correct) VALUES (?, ?, ?, ?, ?)')
      .run(userId, lessonId, questionId, JSON.stringify(answer), correct ? 1 : 0);
  }

  /** The latest answer to each question of a lesson. */
  latestAnswers(userId: number, lessonId: string): QuizAnswerRecord[] {
    const rows = this.db
      .prepare(
        `SELECT lesson_id, question_id, answer, correct, created_at FROM quiz_answers q
         WHERE user_id = ? AND lesson_id = ? AND id = (SELECT MAX(id) FROM quiz_answers WHERE user_id = q.user_id AND lesson_id = q.lesson_id AND question_id = q.question_id)`,
      )
      .all(userId, lessonId) as { lesson_id: string; question_id: string; answer: string; correct: number; created_at: string }[];
    return rows.map((r) => ({ lessonId: r.lesson_id, questionId: r.question_id, answer: JSON.parse(r.answer), correct: r.correct === 1, createdAt: r.created_at }));
  }

  /** Remembers the lesson a learner is on, so the course can offer to continue there. */
  visit(userId: number, lessonId: string): void {
    this.db
      .prepare(
        `INSERT INTO learner_position (user_id, lesson_id) VALUES (?, ?)
         ON CONFLICT(user_id) DO UPDATE SET lesson_id = excluded.lesson_id, visited_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      )
      .run(userId, lessonId);
  }

  /** The lesson the learner last opened, if any. */
  position(userId: number): { lessonId: string; visitedAt: string } | undefined {
    const r = this.db.prepare('SELECT lesson_id, visited_at FROM learner_position WHERE user_id = ?').get(userId) as
      | { lesson_id: string; visited_at: string }
      | undefined;
    return r && { lessonId: r.lesson_id, visitedAt: r.visited_at };
  }

  /** The latest answer to every question the learner answered, in every lesson. */
  allLatestAnswers(userId: number): QuizAnswerRecord[] {
    const rows = this.db
      .prepare(
        `SELECT lesson_id, question_id, answer, correct, created_at FROM quiz_answers q
         WHERE user_id = ? AND id = (SELECT MAX(id) FROM quiz_answers WHERE user_id = q.user_id AND lesson_id = q.lesson_id AND question_id = q.question_id)
         ORDER BY lesson_id, question_id`,
      )
      .all(userId) as { lesson_id: string; question_id: string; answer: string; correct: number; created_at: string }[];
    return rows.map((r) => ({ lessonId: r.lesson_id, questionId: r.question_id, answer: JSON.parse(r.answer), correct: r.correct === 1, createdAt: r.created_at }));
  }
}
