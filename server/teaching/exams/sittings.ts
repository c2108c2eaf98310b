/**
 * The life of exam sittings in this server: preparing a candidate's lab (a fresh lab, every
 * exercise's setup applied, then the clock starts) and ending a sitting (graded at submit, or by
 * the time-out job when its deadline passes). One per server (AppContext): the in-flight maps make
 * sure a sitting is prepared once and graded once, and grading waits for a preparation in flight.
 */
import type { AppContext, Job } from '../../context.js';
import { messageOf } from '../../errors.js';
import { courseOf } from '../../course/cache.js';
import { setupExercise } from '../../grading/lifecycle.js';
import type { ExamRecord, SittingRecord } from '../../store/exams.js';
import { terminalsFor } from '../../terminal.js';
import { gradeSitting, takeBaseline } from './grade.js';

export const after = (ms: number) => new Date(Date.now() + ms).toISOString();

export class Sittings {
  /** Sittings being prepared (fresh lab + setup) or graded in this process. */
  private readonly preparing = new Map<number, Promise<void>>();
  private readonly grading = new Map<number, Promise<void>>();

  constructor(private readonly ctx: AppContext) {}

  isPreparing(sittingId: number): boolean {
    return this.preparing.has(sittingId);
  }

  /** A fresh lab for the sitting, every exercise's setup applied, then the clock starts. */
  prepare(exam: ExamRecord, sitting: SittingRecord): Promise<void> {
    const { ctx, preparing } = this;
    const running = preparing.get(sitting.id);
    if (running) return running;
    const p = (async () => {
      const exercises = exam.items.flatMap((i) => (i.kind === 'exercise' ? [courseOf(ctx).exercises.get(i.exerciseId)] : [])).filter((e) => e !== undefined);
      if (exercises.length > 0) {
        // Through the terminals, so a shell open on the old lab ends and follows the fresh one.
        await terminalsFor(ctx).resetLab(sitting.userId);
        const lab = await ctx.labs.labFor(sitting.userId);
        for (const ex of exercises) await setupExercise(ex, lab, ctx.labs.provider);
        // What already holds on the untouched lab earns nothing (score.ts).
        ctx.store.exams.setBaseline(sitting.id, await takeBaseline(ctx, exam, sitting.userId, lab));
        ctx.log.info('exam lab ready', { sitting: sitting.id, lab: lab.name });
      }
      ctx.store.exams.setDeadline(sitting.id, after(exam.timeLimitMinutes * 60_000));
    })()
      .catch((err) => ctx.log.warn('preparing an exam lab failed', { sitting: sitting.id, err: messageOf(err) }))
      .finally(() => preparing.delete(sitting.id));
    preparing.set(sitting.id, p);
    return p;
  }

  /** Ends and grades a sitting, once, whoever asks first (the candidate's submit or the time-out). */
  grade(sitting: SittingRecord, endedBy: 'submit' | 'timeout'): Promise<void> {
    const { ctx, grading, preparing } = this;
    const running = grading.get(sitting.id);
    if (running) return running;
    // Only one caller moves a sitting from in-progress to grading; a crashed run left it in grading.
    if (sitting.state === 'in-progress' && !ctx.store.exams.beginGrading(sitting.id, endedBy)) return grading.get(sitting.id) ?? Promise.resolve();
    const p = (async () => {
      await preparing.get(sitting.id)?.catch(() => undefined);
      await gradeSitting(ctx, ctx.store.exams.sitting(sitting.id)!);
    })()
      .catch((err) => ctx.log.error('grading an exam sitting failed', { sitting: sitting.id, err }))
      .finally(() => grading.delete(sitting.id));
    grading.set(sitting.id, p);
    return p;
  }

  /** Grades every sitting whose deadline has passed (and those a crashed run left in grading). */
  gradeDue(): void {
    for (const s of this.ctx.store.exams.dueForGrading(new Date().toISOString())) void this.grade(s, 'timeout');
  }
}

const sittings = new WeakMap<AppContext, Sittings>();

/** The sittings of a running server (one per AppContext). */
export function sittingsOf(ctx: AppContext): Sittings {
  let s = sittings.get(ctx);
  if (!s) sittings.set(ctx, (s = new Sittings(ctx)));
  return s;
}

/** Background job: sittings out of time are graded within seconds of their deadline. */
export function examTimeoutJob(ctx: AppContext): Job {
  return { name: 'exam time-outs', everyMs: 2_000, run: () => sittingsOf(ctx).gradeDue() };
}
