/**
 * Exams: an instructor composes an exam of exercises and quiz questions with points and a time
 * limit, opens it, and releases results when ready. A candidate starts it and gets a fresh lab
 * (each exercise's setup applied); the clock starts when the lab is ready. While a sitting runs,
 * the candidate can reach only the exam itself: no lesson, hint, solution, check or quiz endpoint
 * answers them (the lockdown below). At submit or time-out the server grades the sitting
 * (exams/grade.ts). The gradebook shows every candidate per item and exports CSV.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { addUpgradeGuard, type AppContext, type RouteModule } from './app.js';
import { HttpError, messageOf } from './errors.js';
import { requireSession, type Session } from './http/session.js';
import { isStaff, requireStaff, wantsHtml } from './auth.js';
import { courseOf } from './course-cache.js';
import { setupExercise } from './grading/lifecycle.js';
import { sendCsv } from './csv.js';
import { page } from './page.js';
import { answerSchema, questionView } from './quiz.js';
import { gradeSitting } from './exams/grade.js';
import { candidateView, examsView, gradebookView, sittingDetailView, type ExamTask } from './exams/views.js';
import type { ExamItem, ExamRecord, SittingRecord } from './store/exams.js';
import { labStatusView, terminalsFor } from './terminal.js';

const itemSchema = z.union([
  z.object({ kind: z.literal('exercise'), exerciseId: z.string().min(1).max(100), points: z.number().positive().max(1000) }).strict(),
  z.object({ kind: z.literal('quiz'), lessonId: z.string().min(1).max(100), questionId: z.string().min(1).max(100), points: z.number().positive().max(1000) }).strict(),
]);

const createBody = z
  .object({
    title: z.string().trim().min(1).max(120),
    timeLimitMinutes: z.coerce.number().positive().max(24 * 60),
    items: z.array(itemSchema).max(200).optional(),
  })
  .passthrough();

export const itemKey = (i: z.infer<typeof itemSchema>) => (i.kind === 'exercise' ? `ex:${i.exerciseId}` : `q:${i.lessonId}/${i.questionId}`);

/** Paths a candidate in a running sitting may still reach. Everything else answers 403. */
function allowedDuringExam(req: Request, examId: number): boolean {
  const p = req.path;
  if (p === `/exams/${examId}` || p === `/exams/${examId}/submit` || p.startsWith(`/api/exams/${examId}/`)) return true;
  if (p.startsWith('/assets/') || p === '/healthz' || p === '/logout' || p === '/api/logout' || p === '/api/session') return true;
  if (req.method === 'GET' && (p === '/api/notices' || p === '/api/notices/stream' || p === '/api/lab')) return true;
  return false;
}

function examOr404(ctx: AppContext, idParam: unknown): ExamRecord {
  const id = Number(idParam);
  const exam = Number.isInteger(id) ? ctx.store.exams.get(id) : undefined;
  if (!exam) throw new HttpError(404, 'There is no such exam.');
  return exam;
}

function manageable(ctx: AppContext, s: Session, idParam: unknown): ExamRecord {
  const exam = examOr404(ctx, idParam);
  if (s.user.role !== 'admin' && exam.createdBy !== s.user.id) throw new HttpError(404, 'There is no such exam.');
  return exam;
}

const after = (ms: number) => new Date(Date.now() + ms).toISOString();

export const examRoutes: RouteModule = (app, ctx) => {
  const accounts = ctx.config.auth === 'accounts';
  /** Sittings being prepared (fresh lab + setup) or graded in this process. */
  const preparing = new Map<number, Promise<void>>();
  const grading = new Map<number, Promise<void>>();

  const grade = (sitting: SittingRecord, endedBy: 'submit' | 'timeout'): Promise<void> => {
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
  };

  const timer = setInterval(() => {
    if (!ctx.store.db.open) return clearInterval(timer); // the server stopped
    for (const s of ctx.store.exams.dueForGrading(new Date().toISOString())) void grade(s, 'timeout');
  }, 2_000);
  timer.unref();

  /** A fresh lab for the sitting, every exercise's setup applied, then the clock starts. */
  const prepare = (exam: ExamRecord, sitting: SittingRecord): Promise<void> => {
    const running = preparing.get(sitting.id);
    if (running) return running;
    const p = (async () => {
      const exercises = exam.items.flatMap((i) => (i.kind === 'exercise' ? [courseOf(ctx).exercises.get(i.exerciseId)] : [])).filter((e) => e !== undefined);
      if (exercises.length > 0) {
        // Through the terminals, so a shell open on the old lab ends and follows the fresh one.
        await terminalsFor(ctx).resetLab(sitting.userId);
        const lab = await ctx.labs.labFor(sitting.userId);
        for (const ex of exercises) await setupExercise(ex, lab, ctx.labs.provider);
        ctx.log.info('exam lab ready', { sitting: sitting.id, lab: lab.name });
      }
      ctx.store.exams.setDeadline(sitting.id, after(exam.timeLimitMinutes * 60_000));
    })()
      .catch((err) => ctx.log.warn('preparing an exam lab failed', { sitting: sitting.id, err: messageOf(err) }))
      .finally(() => preparing.delete(sitting.id));
    preparing.set(sitting.id, p);
    return p;
  };

  // The lockdown: a candidate in a running sitting sees only their exam (no lessons, hints, solutions or checks).
  // Sockets too: only the terminal stays open (no live check feedback, no other socket).
  addUpgradeGuard(ctx, (session, url) =>
    url.pathname !== '/ws/terminal' && ctx.store.exams.activeSittingOf(session.user.id) ? 'Forbidden: exam in progress' : undefined,
  );
  app.use((req, _res, next) => {
    if (!req.session) return next();
    const active = ctx.store.exams.activeSittingOf(req.session.user.id);
    if (!active || allowedDuringExam(req, active.examId)) return next();
    if (req.method === 'GET' && wantsHtml(req)) return _res.redirect(303, `/exams/${active.examId}`);
    next(new HttpError(403, 'You are taking an exam: only the exam is available until you submit it.', `Go back to /exams/${active.examId}.`));
  });

  const tasksOf = (exam: ExamRecord, userId: number): ExamTask[] => {
    const course = courseOf(ctx);
    return exam.items.map((item): ExamTask => {
      if (item.kind === 'exercise') {
        const ex = course.exercises.get(item.exerciseId);
        // Title and task statement only: never hints, checks or the solution.
        return { key: item.key, kind: 'exercise', points: item.points, title: ex?.title ?? item.exerciseId, task: ex?.task ?? 'This exercise is no longer in the course.' };
      }
      const q = course.lessons.find((l) => l.id === item.lessonId)?.quiz.find((x) => x.id === item.questionId);
      return { key: item.key, kind: 'quiz', points: item.points, title: q?.prompt ?? item.questionId, question: q ? questionView(q, `${userId}/exam/${exam.id}`) : undefined };
    });
  };

  // ---- instructors ----

  app.post(['/exams', '/api/exams'], (req, res) => {
    const s = requireStaff(req);
    const parsed = createBody.safeParse(req.body);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new HttpError(400, `The exam's ${i.path.join('.') || 'form'} is not valid: ${i.message}.`);
    }
    // From the form: fields named item:ex:<id> or item:q:<lesson>/<question> hold points (empty or 0: left out).
    const items: z.infer<typeof itemSchema>[] = parsed.data.items ?? [];
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) {
      const pts = Number(v);
      if (!k.startsWith('item:') || !(pts > 0)) continue;
      const m = /^item:(?:ex:([a-z0-9-]+)|q:([a-z0-9-]+)\/([a-z0-9-]+))$/.exec(k);
      if (!m) continue;
      items.push(m[1] ? { kind: 'exercise', exerciseId: m[1], points: pts } : { kind: 'quiz', lessonId: m[2]!, questionId: m[3]!, points: pts });
    }
    if (items.length === 0) throw new HttpError(400, 'An exam needs at least one exercise or question with points.');
    const course = courseOf(ctx);
    const withKeys: ExamItem[] = [];
    for (const i of items) {
      if (i.kind === 'exercise' && !course.exercises.has(i.exerciseId)) throw new HttpError(400, `There is no exercise ${i.exerciseId}.`);
      if (i.kind === 'quiz' && !course.lessons.find((l) => l.id === i.lessonId)?.quiz.some((q) => q.id === i.questionId)) {
        throw new HttpError(400, `Lesson ${i.lessonId} has no question ${i.questionId}.`);
      }
      const key = itemKey(i);
      if (withKeys.some((w) => w.key === key)) throw new HttpError(400, `${key} is in the exam twice.`);
      withKeys.push({ ...i, key } as ExamItem);
    }
    const exam = ctx.store.exams.create({ title: parsed.data.title, timeLimitMinutes: parsed.data.timeLimitMinutes, items: withKeys, createdBy: s.user.id });
    if (wantsHtml(req)) return res.redirect(303, `/exams/${exam.id}/gradebook`);
    res.status(201).json(exam);
  });

  for (const [action, apply] of [
    ['open', (e: ExamRecord) => ctx.store.exams.setState(e.id, 'open')],
    ['close', (e: ExamRecord) => ctx.store.exams.setState(e.id, 'closed')],
    ['release', (e: ExamRecord) => ctx.store.exams.setReleased(e.id, true)],
    ['withhold', (e: ExamRecord) => ctx.store.exams.setReleased(e.id, false)],
  ] as const) {
    app.post([`/exams/:id/${action}`, `/api/exams/:id/${action}`], (req, res) => {
      const s = requireStaff(req);
      const exam = manageable(ctx, s, req.params.id);
      apply(exam);
      if (wantsHtml(req)) return res.redirect(303, `/exams/${exam.id}/gradebook`);
      res.json(ctx.store.exams.get(exam.id));
    });
  }

  const gradebook = (exam: ExamRecord) =>
    ctx.store.exams.sittings(exam.id).map((s) => {
      const user = ctx.store.users.byId(s.userId);
      const results = new Map(ctx.store.exams.itemResults(s.id).map((r) => [r.itemKey, r]));
      return {
        sittingId: s.id,
        userId: s.userId,
        username: user?.username ?? '',
        displayName: user?.displayName ?? '(removed)',
        state: s.state,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        endedBy: s.endedBy,
        score: s.score,
        maxScore: s.maxScore ?? exam.items.reduce((t, i) => t + i.points, 0),
        items: Object.fromEntries(exam.items.map((i) => [i.key, results.get(i.key)?.points ?? null])),
      };
    });

  app.get('/api/exams/:id/gradebook', (req, res) => {
    const s = requireStaff(req);
    const exam = manageable(ctx, s, req.params.id);
    res.json({ exam, candidates: gradebook(exam) });
  });

  app.get('/exams/:id/gradebook', (req, res) => {
    const s = requireStaff(req);
    const exam = manageable(ctx, s, req.params.id);
    res.type('html').send(page({ title: `Gradebook: ${exam.title}`, session: s, accounts, body: gradebookView(exam, gradebook(exam), s.csrfToken) }));
  });

  app.get('/api/exams/:id/results.csv', (req, res) => {
    const s = requireStaff(req);
    const exam = manageable(ctx, s, req.params.id);
    const rows = gradebook(exam).map((c) => [c.displayName, c.username, c.state, c.startedAt, c.endedAt, c.endedBy, ...exam.items.map((i) => c.items[i.key]), c.score, c.maxScore]);
    sendCsv(res, `exam-${exam.id}-results.csv`, [
      ['Candidate', 'Username', 'State', 'Started', 'Ended', 'Ended by', ...exam.items.map((i) => `${i.key} (${i.points})`), 'Score', 'Max'],
      ...rows,
    ]);
  });

  app.get('/exams/:id/sittings/:sittingId', (req, res) => {
    const s = requireStaff(req);
    const exam = manageable(ctx, s, req.params.id);
    const sitting = ctx.store.exams.sitting(Number(req.params.sittingId));
    if (!sitting || sitting.examId !== exam.id) throw new HttpError(404, 'There is no such sitting.');
    const user = ctx.store.users.byId(sitting.userId);
    res.type('html').send(
      page({ title: `${user?.displayName ?? 'Candidate'}: ${exam.title}`, session: s, accounts, body: sittingDetailView(exam, sitting, user?.displayName ?? '', ctx.store.exams.itemResults(sitting.id), tasksOf(exam, sitting.userId)) }),
    );
  });

  // ---- everyone ----

  app.get('/exams', (req, res) => {
    const s = requireSession(req);
    const staff = isStaff(s);
    const exams = ctx.store.exams.list().filter((e) => (staff ? s.user.role === 'admin' || e.createdBy === s.user.id : e.state === 'open' || ctx.store.exams.sittingOf(e.id, s.user.id)));
    const course = courseOf(ctx);
    res.type('html').send(
      page({
        title: 'Exams',
        session: s,
        accounts,
        body: examsView(exams.map((e) => ({ exam: e, sitting: ctx.store.exams.sittingOf(e.id, s.user.id) })), staff, course, s.csrfToken),
      }),
    );
  });

  /** The candidate's own sitting: state, deadline, lab, saved answers, and results once released. */
  const mine = (exam: ExamRecord, s: Session) => {
    const sitting = ctx.store.exams.sittingOf(exam.id, s.user.id);
    const released = exam.resultsReleased && sitting?.state === 'graded';
    return {
      exam: { id: exam.id, title: exam.title, timeLimitMinutes: exam.timeLimitMinutes, state: exam.state, resultsReleased: exam.resultsReleased },
      sitting: sitting && {
        state: sitting.state,
        startedAt: sitting.startedAt,
        deadline: sitting.deadline,
        endedBy: sitting.endedBy,
        preparing: preparing.has(sitting.id),
        score: released ? sitting.score : null,
        maxScore: released ? sitting.maxScore : null,
      },
      lab: sitting?.state === 'in-progress' ? labStatusView(ctx.labs.statusOf(s.user.id)) : null,
      answers: sitting ? Object.fromEntries(ctx.store.exams.answers(sitting.id)) : {},
      results: released && sitting ? ctx.store.exams.itemResults(sitting.id).map((r) => ({ itemKey: r.itemKey, points: r.points, maxPoints: r.maxPoints, detail: r.detail })) : null,
      now: new Date().toISOString(),
    };
  };

  app.get('/api/exams/:id/me', (req, res) => {
    const s = requireSession(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json(mine(examOr404(ctx, req.params.id), s));
  });

  app.get('/exams/:id', (req, res) => {
    const s = requireSession(req);
    const exam = examOr404(ctx, req.params.id);
    const sitting = ctx.store.exams.sittingOf(exam.id, s.user.id);
    if (!sitting && exam.state !== 'open' && !isStaff(s)) throw new HttpError(404, 'There is no such exam.');
    const running = sitting && sitting.state === 'in-progress';
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      page({
        title: exam.title,
        session: s,
        accounts,
        scripts: running ? ['exam'] : [],
        body: candidateView({
          exam,
          sitting,
          tasks: tasksOf(exam, s.user.id),
          answers: sitting ? ctx.store.exams.answers(sitting.id) : new Map(),
          results: sitting && exam.resultsReleased && sitting.state === 'graded' ? ctx.store.exams.itemResults(sitting.id) : undefined,
          csrf: s.csrfToken,
          staff: isStaff(s),
        }),
      }),
    );
  });

  app.post(['/exams/:id/start', '/api/exams/:id/start'], (req, res) => {
    const s = requireSession(req);
    const exam = examOr404(ctx, req.params.id);
    if (isStaff(s)) throw new HttpError(403, 'Instructors preview an exam; only learners take it.', 'Sign in as a learner to take it.');
    if (exam.state !== 'open') throw new HttpError(409, 'This exam is not open.');
    const other = ctx.store.exams.activeSittingOf(s.user.id);
    if (other && other.examId !== exam.id) throw new HttpError(409, 'You are in the middle of another exam.');
    // Until the lab is ready the deadline is provisional (limit + 15 minutes for the lab); prepare() sets the real one.
    const { sitting, created } = ctx.store.exams.startSitting(exam.id, s.user.id, after((exam.timeLimitMinutes + 15) * 60_000));
    if (created) {
      ctx.log.info('exam sitting started', { exam: exam.id, userId: s.user.id, sitting: sitting.id });
      void prepare(exam, sitting);
    }
    if (wantsHtml(req)) return res.redirect(303, `/exams/${exam.id}`);
    res.status(created ? 201 : 200).json(mine(exam, s));
  });

  const runningSitting = (req: Request): { exam: ExamRecord; sitting: SittingRecord; session: Session } => {
    const s = requireSession(req);
    const exam = examOr404(ctx, req.params.id);
    const sitting = ctx.store.exams.sittingOf(exam.id, s.user.id);
    if (!sitting) throw new HttpError(409, 'You have not started this exam.');
    if (sitting.state !== 'in-progress' || sitting.deadline <= new Date().toISOString()) throw new HttpError(409, 'This exam is over: answers can no longer change.');
    return { exam, sitting, session: s };
  };

  app.post('/api/exams/:id/answers', (req, res) => {
    const { exam, sitting } = runningSitting(req);
    const body = z.object({ itemKey: z.string().max(220), answer: answerSchema }).passthrough().safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'Send { itemKey, answer }.');
    const item = exam.items.find((i) => i.key === body.data.itemKey && i.kind === 'quiz');
    if (!item) throw new HttpError(404, 'This exam has no such question.');
    ctx.store.exams.saveAnswer(sitting.id, item.key, body.data.answer);
    res.json({ saved: true }); // no verdict during the exam
  });

  app.post(['/exams/:id/submit', '/api/exams/:id/submit'], async (req: Request, res: Response) => {
    const { exam, sitting, session } = runningSitting(req);
    await grade(sitting, 'submit');
    if (wantsHtml(req)) return res.redirect(303, `/exams/${exam.id}`);
    res.json(mine(exam, session));
  });
};
