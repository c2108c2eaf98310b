import type { Db } from './db.js';
import type { QuizQuestion } from '../course/schema.js';

/**
 * One item of an exam: an exercise graded by its checks, or a quiz question: one of a lesson's, or
 * (`own`) one the exam holds itself, which no practice quiz shows (lessonId is then 'exam').
 */
export type ExamItem =
  | { key: string; kind: 'exercise'; exerciseId: string; points: number }
  | { key: string; kind: 'quiz'; lessonId: string; questionId: string; points: number; own?: QuizQuestion };

export type ExamState = 'draft' | 'open' | 'closed';
export type SittingState = 'in-progress' | 'grading' | 'graded';

export interface ExamRecord {
  id: number;
  title: string;
  timeLimitMinutes: number;
  items: ExamItem[];
  state: ExamState;
  resultsReleased: boolean;
  createdBy: number | null;
  createdAt: string;
}

export interface SittingRecord {
  id: number;
  examId: number;
  userId: number;
  state: SittingState;
  startedAt: string;
  deadline: string;
  endedBy: 'submit' | 'timeout' | null;
  endedAt: string | null;
  score: number | null;
  maxScore: number | null;
  observed: unknown;
  /** Per exercise item, the titles of the checks that passed on the untouched lab; null until taken. */
  baseline: Record<string, string[]> | null;
}

export interface ItemResult {
  itemKey: string;
  points: number;
  maxPoints: number;
  detail: unknown;
  attemptId: number | null;
}

interface ExamRow {
  id: number;
  title: string;
  time_limit_minutes: number;
  items: string;
  state: ExamState;
  results_released: number;
  created_by: number | null;
  created_at: string;
}

interface SittingRow {
  id: number;
  exam_id: number;
  user_id: number;
  state: SittingState;
  started_at: string;
  deadline: string;
  ended_by: 'submit' | 'timeout' | null;
  ended_at: string | null;
  score: number | null;
  max_score: number | null;
  observed: string | null;
  baseline: string | null;
}

const toExam = (r: ExamRow): ExamRecord => ({
  id: r.id,
  title: r.title,
  timeLimitMinutes: r.time_limit_minutes,
  items: JSON.parse(r.items) as ExamItem[],
  state: r.state,
  resultsReleased: r.results_released === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const toSitting = (r: SittingRow): SittingRecord => ({
  id: r.id,
  examId: r.exam_id,
  userId: r.user_id,
  state: r.state,
  startedAt: r.started_at,
  deadline: r.deadline,
  endedBy: r.ended_by,
  endedAt: r.ended_at,
  score: r.score,
  maxScore: r.max_score,
  observed: r.observed === null ? null : (JSON.parse(r.observed) as unknown),
  baseline: r.baseline ? (JSON.parse(r.baseline) as Record<string, string[]>) : null,
});

/** Exams, each candidate's sitting, their answers while it runs, and the graded result per item. */
export class ExamsRepo {
  constructor(private readonly db: Db) {}

  create(e: { title: string; timeLimitMinutes: number; items: ExamItem[]; createdBy: number }): ExamRecord {
    const info = this.db
      .prepare("INSERT INTO exams (title, time_limit_minutes, items, state, created_by) VALUES (?, ?, ?, 'draft', ?)")
      .run(e.title, e.timeLimitMinutes, JSON.stringify(e.items), e.createdBy);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): ExamRecord | undefined {
    const r = this.db.prepare('SELECT * FROM exams WHERE id = ?').get(id) as ExamRow | undefined;
    return r && toExam(r);
  }

  list(): ExamRecord[] {
    return (this.db.prepare('SELECT * FROM exams ORDER BY id DESC').all() as ExamRow[]).map(toExam);
  }

  setState(id: number, state: ExamState): void {
    this.db.prepare('UPDATE exams SET state = ? WHERE id = ?').run(state, id);
  }

  setReleased(id: number, released: boolean): void {
    this.db.prepare('UPDATE exams SET results_released = ? WHERE id = ?').run(released ? 1 : 0, id);
  }

  /** Starts a candidate's sitting; returns the existing one if they already started. */
  startSitting(examId: number, userId: number, deadline: string): { sitting: SittingRecord; created: boolean } {
    return this.db.transaction(() => {
      const existing = this.sittingOf(examId, userId);
      if (existing) return { sitting: existing, created: false };
      const info = this.db.prepare("INSERT INTO exam_sittings (exam_id, user_id, state, deadline) VALUES (?, ?, 'in-progress', ?)").run(examId, userId, deadline);
      return { sitting: this.sitting(Number(info.lastInsertRowid))!, created: true };
    }).immediate();
  }

  /** The clock starts when the candidate's lab is ready: the deadline moves to then + the time limit. */
  setDeadline(sittingId: number, deadline: string): void {
    this.db.prepare("UPDATE exam_sittings SET deadline = ? WHERE id = ? AND state = 'in-progress'").run(deadline, sittingId);
  }

  /** What the checks said on the untouched lab, taken once the setup ran and before the clock starts. */
  setBaseline(sittingId: number, baseline: Record<string, string[]>): void {
    this.db.prepare("UPDATE exam_sittings SET baseline = ? WHERE id = ? AND state = 'in-progress'").run(JSON.stringify(baseline), sittingId);
  }

  sitting(id: number): SittingRecord | undefined {
    const r = this.db.prepare('SELECT * FROM exam_sittings WHERE id = ?').get(id) as SittingRow | undefined;
    return r && toSitting(r);
  }

  sittingOf(examId: number, userId: number): SittingRecord | undefined {
    const r = this.db.prepare('SELECT * FROM exam_sittings WHERE exam_id = ? AND user_id = ?').get(examId, userId) as SittingRow | undefined;
    return r && toSitting(r);
  }

  /** The sitting a user is in the middle of (in progress or being graded), if any. */
  activeSittingOf(userId: number): SittingRecord | undefined {
    const r = this.db
      .prepare("SELECT * FROM exam_sittings WHERE user_id = ? AND state IN ('in-progress', 'grading') ORDER BY id DESC LIMIT 1")
      .get(userId) as SittingRow | undefined;
    return r && toSitting(r);
  }

  sittings(examId: number): SittingRecord[] {
    return (this.db.prepare('SELECT * FROM exam_sittings WHERE exam_id = ? ORDER BY id').all(examId) as SittingRow[]).map(toSitting);
  }

  /** Sittings that must be graded now: past their deadline while in progress, or left mid-grading by a crash. */
  dueForGrading(at: string): SittingRecord[] {
    return (
      this.db
        .prepare("SELECT * FROM exam_sittings WHERE (state = 'in-progress' AND deadline <= ?) OR state = 'grading' ORDER BY id")
        .all(at) as SittingRow[]
    ).map(toSitting);
  }

  /** Moves an in-progress sitting to grading; false if another caller already did (submit racing the timer). */
  beginGrading(sittingId: number, endedBy: 'submit' | 'timeout'): boolean {
    const info = this.db
      .prepare("UPDATE exam_sittings SET state = 'grading', ended_by = ?, ended_at = ? WHERE id = ? AND state = 'in-progress'")
      .run(endedBy, new Date().toISOString(), sittingId);
    return info.changes === 1;
  }

  saveAnswer(sittingId: number, itemKey: string, answer: unknown): void {
    this.db
      .prepare(
        `INSERT INTO exam_answers (sitting_id, item_key, answer) VALUES (?, ?, ?)
         ON CONFLICT(sitting_id, item_key) DO UPDATE SET answer = excluded.answer, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      )
      .run(sittingId, itemKey, JSON.stringify(answer));
  }

  answers(sittingId: number): Map<string, unknown> {
    const rows = this.db.prepare('SELECT item_key, answer FROM exam_answers WHERE sitting_id = ?').all(sittingId) as { item_key: string; answer: string }[];
    return new Map(rows.map((r) => [r.item_key, JSON.parse(r.answer) as unknown]));
  }

  /** Stores every item's result, the score and the observed lab state in one transaction. */
  finishGrading(sittingId: number, results: ItemResult[], observed: unknown): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM exam_item_results WHERE sitting_id = ?').run(sittingId);
      const insert = this.db.prepare('INSERT INTO exam_item_results (sitting_id, item_key, points, max_points, detail, attempt_id) VALUES (?, ?, ?, ?, ?, ?)');
      for (const r of results) insert.run(sittingId, r.itemKey, r.points, r.maxPoints, JSON.stringify(r.detail), r.attemptId);
      const score = results.reduce((s, r) => s + r.points, 0);
      const max = results.reduce((s, r) => s + r.maxPoints, 0);
      this.db
        .prepare("UPDATE exam_sittings SET state = 'graded', score = ?, max_score = ?, observed = ? WHERE id = ?")
        .run(score, max, JSON.stringify(observed ?? null), sittingId);
    })();
  }

  itemResults(sittingId: number): ItemResult[] {
    return (
      this.db.prepare('SELECT item_key, points, max_points, detail, attempt_id FROM exam_item_results WHERE sitting_id = ?').all(sittingId) as {
        item_key: string;
        points: number;
        max_points: number;
        detail: string;
        attempt_id: number | null;
      }[]
    ).map((r) => ({ itemKey: r.item_key, points: r.points, maxPoints: r.max_points, detail: JSON.parse(r.detail) as unknown, attemptId: r.attempt_id }));
  }
}
