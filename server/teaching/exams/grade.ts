/**
 * Grading a sitting, on the server only: when the candidate submits or the time runs out, every
 * exercise item is checked against the candidate's lab with the grader credential (never from
 * their shell), quiz items against the stored answers. An exercise item scores only the progress
 * the candidate made over the untouched lab (score.ts; docs/teaching.md says how). The per-check
 * results and a snapshot of the objects the checks read are stored with the score; then the lab
 * is freed.
 */
import { kubectl, type Lab } from '../../../sandbox/index.js';
import type { AppContext } from '../../context.js';
import { checkQuizAnswer } from '../../course.js';
import { courseOf } from '../../course/cache.js';
import { gradeExercise, targetOf, watchedCollections } from '../../grading.js';
import { fillVariables } from '../../grading/target.js';
import type { ExamItem, ItemResult, SittingRecord } from '../../store/exams.js';
import { messageOf } from '../../errors.js';
import { scoreItem } from './score.js';
import { examQuestion } from './questions.js';

export interface ExerciseItemDetail {
  kind: 'exercise';
  exerciseId: string;
  checks: { title: string; passed: boolean; message: string; points: number; maxPoints: number }[];
  /** Titles of the checks that passed on the untouched lab (they earn nothing), or null without one. */
  baseline?: string[] | null;
  error?: string;
}

export interface QuizItemDetail {
  kind: 'quiz';
  answer: unknown;
  answered: boolean;
  correct: boolean;
  explanation: string;
}

const maxObservedBytes = 256 * 1024;

/** The candidate's lab as it is now; a lab still being created is waited for, a missing one is not re-created. */
async function labNow(ctx: AppContext, userId: number): Promise<Lab | undefined> {
  const s = ctx.labs.statusOf(userId);
  if (s.state === 'ready') return s.parked ? ctx.labs.labFor(userId).catch(() => undefined) : s.lab;
  if (s.state === 'creating') return ctx.labs.labFor(userId).catch(() => undefined);
  return undefined;
}

/** The objects an exercise's checks read, as the grader sees them (no managed fields, no secret data). */
async function observe(ex: Parameters<typeof watchedCollections>[0], lab: Lab): Promise<unknown[]> {
  const out: unknown[] = [];
  const t = targetOf(lab);
  for (const c of watchedCollections(ex).collections) {
    const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
    const resource = group ? `${c.kind}.${group}` : c.kind;
    let ns: string | undefined;
    try {
      ns = c.namespace ? fillVariables(c.namespace, t) : undefined;
    } catch {
      ns = undefined;
    }
    try {
      const json = JSON.parse(await kubectl(lab.kubeconfigs.grader, ['get', resource, ...(ns ? ['-n', ns] : ['-A']), '-o', 'json'])) as { items?: Record<string, unknown>[] };
      for (const item of json.items ?? []) {
        const meta = (item.metadata ?? {}) as Record<string, unknown>;
        out.push({
          apiVersion: item.apiVersion ?? c.apiVersion,
          kind: c.kind,
          metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels, annotations: undefined, generation: meta.generation },
          ...(c.kind === 'Secret' ? { type: item.type, keys: Object.keys((item.data ?? {}) as object) } : { spec: item.spec, status: item.status, data: item.data }),
        });
      }
    } catch (err) {
      out.push({ kind: c.kind, namespace: ns, error: messageOf(err).slice(0, 300) });
    }
  }
  return out;
}

/**
 * The checks of every exercise item on the lab as the setup left it, before the candidate types.
 * Graded twice, a moment apart, and a check counts as passing if either time it passed: a
 * controller still settling after the setup must not turn a given into progress.
 */
export async function takeBaseline(ctx: AppContext, exam: { items: ExamItem[] }, userId: number, lab: Lab, settleMs = 2_000): Promise<Record<string, string[]>> {
  const course = courseOf(ctx);
  const items = exam.items.flatMap((i) => (i.kind === 'exercise' ? [{ key: i.key, ex: course.exercises.get(i.exerciseId) }] : []));
  const passing = new Map<string, Set<string>>(items.map((i) => [i.key, new Set<string>()]));
  for (let pass = 0; pass < 2; pass++) {
    if (pass > 0) await new Promise((r) => setTimeout(r, settleMs));
    for (const { key, ex } of items) {
      if (!ex) continue;
      const r = await gradeExercise(ex, targetOf(lab, ctx.labs.kubeconfigs.of(userId, lab)));
      for (const c of r.checks) if (c.passed) passing.get(key)!.add(c.title);
    }
  }
  return Object.fromEntries([...passing].map(([k, v]) => [k, [...v]]));
}

export async function gradeSitting(ctx: AppContext, sitting: SittingRecord): Promise<void> {
  const exam = ctx.store.exams.get(sitting.examId);
  if (!exam) return;
  const course = courseOf(ctx);
  const answers = ctx.store.exams.answers(sitting.id);
  const lab = exam.items.some((i) => i.kind === 'exercise') ? await labNow(ctx, sitting.userId) : undefined;
  const results: ItemResult[] = [];
  const observed: Record<string, unknown> = { lab: lab?.name ?? null, at: new Date().toISOString() };
  for (const item of exam.items) results.push(await gradeItem(ctx, sitting, item, lab, answers, observed, course));
  let size = JSON.stringify(observed).length;
  if (size > maxObservedBytes) {
    for (const k of Object.keys(observed)) if (Array.isArray(observed[k])) observed[k] = { truncated: true, objects: (observed[k] as unknown[]).length };
    size = JSON.stringify(observed).length;
  }
  ctx.store.exams.finishGrading(sitting.id, results, observed);
  ctx.log.info('exam sitting graded', { sitting: sitting.id, exam: exam.id, userId: sitting.userId, score: results.reduce((s, r) => s + r.points, 0) });
  await ctx.labs.release(sitting.userId).catch((err) => ctx.log.warn('cannot free an exam lab', { userId: sitting.userId, err }));
}

async function gradeItem(
  ctx: AppContext,
  sitting: SittingRecord,
  item: ExamItem,
  lab: Lab | undefined,
  answers: Map<string, unknown>,
  observed: Record<string, unknown>,
  course: ReturnType<typeof courseOf>,
): Promise<ItemResult> {
  if (item.kind === 'quiz') {
    const q = examQuestion(course, item);
    const answered = answers.has(item.key);
    const answer = answers.get(item.key) ?? null;
    const verdict = q && answered ? checkQuizAnswer(q, answer) : { correct: false, explanation: q?.explanation ?? 'This question is no longer in the course.' };
    const detail: QuizItemDetail = { kind: 'quiz', answer, answered, correct: verdict.correct, explanation: verdict.explanation };
    return { itemKey: item.key, points: verdict.correct ? item.points : 0, maxPoints: item.points, detail, attemptId: null };
  }
  const ex = course.exercises.get(item.exerciseId);
  if (!ex || !lab) {
    const error = !ex ? 'This exercise is no longer in the course.' : 'Your lab was not available when the exam was graded.';
    const detail: ExerciseItemDetail = { kind: 'exercise', exerciseId: item.exerciseId, checks: [], error };
    return { itemKey: item.key, points: 0, maxPoints: item.points, detail, attemptId: null };
  }
  const r = await gradeExercise(ex, targetOf(lab, ctx.labs.kubeconfigs.of(sitting.userId, lab)));
  // Hints stay out of exam results: the candidate sees what was wrong, not how to fix it.
  const checks = r.checks.map((c) => ({ title: c.title, passed: c.passed, message: c.message, points: c.points, maxPoints: c.maxPoints }));
  const attemptId = ctx.store.attempts.record({ userId: sitting.userId, exerciseId: ex.id, labName: lab.name, trigger: 'exam', checks });
  observed[item.key] = await observe(ex, lab).catch((err) => [{ error: messageOf(err) }]);
  const { points } = scoreItem(item.points, checks, sitting.baseline?.[item.key]);
  const detail: ExerciseItemDetail = { kind: 'exercise', exerciseId: ex.id, checks, baseline: sitting.baseline?.[item.key] ?? null };
  return { itemKey: item.key, points, maxPoints: item.points, detail, attemptId };
}
