import type { Db } from '../store.js';

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
}
