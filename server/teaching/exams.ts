/**
 * Exams: an instructor composes an exam of exercises and quiz questions (the course's, or the
 * exam's own, which no practice quiz shows: exams/questions.ts) with points and a time limit, opens it, and releases results when ready. A candidate starts it and gets a fresh lab
 * (each exercise's setup applied); the clock starts when the lab is ready. While a sitting runs,
 * the candidate can reach only the exam itself: no lesson, hint, solution, check or quiz endpoint
 * answers them (the lockdown below). At submit or time-out the server grades the sitting
 * (exams/sittings.ts prepares and ends sittings, exams/grade.ts scores them). The gradebook shows every candidate per item and exports CSV.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { addUpgradeGuard, type AppContext, type RouteModule } from '../context.js';
import { HttpError } from '../errors.js';
import { requireSession, type Session } from '../http/session.js';
import { isStaff, requireStaff } from '../accounts/roles.js';
import { wantsHtml } from '../http/negotiation.js';
import { parseBody } from '../http/body.js';
import { courseOf } from '../course/cache.js';
import { answerAsTexts } from '../course.js';
import { sendCsv } from './csv.js';
import { page } from '../http/layout.js';
import { answerSchema, questionView } from './quiz.js';
import { after, sittingsOf } from './exams/sittings.js';
import { fillKnownVariables, labVariables, targetOf } from '../grading/target.js';
import { candidateView, examsView, explanationsWithheld, gradebookView, sittingDetailView, type ExamTask } from './exams/views.js';
import type { ExamItem, ExamRecord, SittingRecord } from '../store/exams.js';
import { labStatusView } from '../labs/status.js';
import { examQuestion, ownQuestionsFromForm } from './exams/questions.js';

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

export const examRoutes: RouteModule = (app, ctx) => {
  const accounts = ctx.config.auth === 'accounts';
  const sittings = sittingsOf(ctx);

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

  /** A sitting's saved answers, with choices as option texts (how the page shows and sends them). */
  const savedAnswers = (exam: ExamRecord, sittingId: number): Map<string, unknown> => {
    const course = courseOf(ctx);
    const out = new Map<string, unknown>();
    for (const [key, answer] of ctx.store.exams.answers(sittingId)) {
      const q = examQuestion(course, exam.items.find((i) => i.key === key));
      out.set(key, q ? answerAsTexts(q, answer) : answer);
    }
    return out;
  };

  /** A sitting's item results, each quiz answer given as option texts (as the candidate saw them), for the pages. */
  const readableResults = (exam: ExamRecord, sittingId: number) => {
    const course = courseOf(ctx);
    return ctx.store.exams.itemResults(sittingId).map((r) => {
      const q = examQuestion(course, exam.items.find((i) => i.key === r.itemKey));
      const d = r.detail as { kind?: string; answer?: unknown; answered?: boolean };
      return q && d.kind === 'quiz' && d.answered ? { ...r, detail: { ...d, answer: answerAsTexts(q, d.answer) } } : r;
    });
  };

  /** Results as the candidate sees them: without the questions' explanations while they are withheld. */
  const candidateResults = (exam: ExamRecord, sittingId: number) => {
    const results = readableResults(exam, sittingId);
    if (!explanationsWithheld(exam)) return results;
    return results.map((r) => ((r.detail as { kind?: string }).kind === 'quiz' ? { ...r, detail: { ...(r.detail as object), explanation: '' } } : r));
  };

  /** What people read for an item: the exercise's title, or the question's prompt (its id when it left the course). */
  const itemTitles = (exam: ExamRecord): Map<string, string> => {
    const course = courseOf(ctx);
    return new Map(
      exam.items.map((item) => [
        item.key,
        item.kind === 'exercise'
          ? (course.exercises.get(item.exerciseId)?.title ?? item.exerciseId)
          : (examQuestion(course, item)?.prompt ?? item.questionId),
      ]),
    );
  };

  const tasksOf = (exam: ExamRecord, userId: number): ExamTask[] => {
    const course = courseOf(ctx);
    // Task statements name the candidate's own nodes ({{worker1}}) once their lab is ready.
    const status = ctx.labs.statusOf(userId);
    const vars = status.state === 'ready' ? labVariables(targetOf(status.lab)) : {};
    return exam.items.map((item): ExamTask => {
      if (item.kind === 'exercise') {
        const ex = course.exercises.get(item.exerciseId);
        // Title and task statement only: never hints, checks or the solution.
        return { key: item.key, kind: 'exercise', points: item.points, title: fillKnownVariables(ex?.title ?? item.exerciseId, vars), task: fillKnownVariables(ex?.task ?? 'This exercise is no longer in the course.', vars) };
      }
      const q = examQuestion(course, item);
      return { key: item.key, kind: 'quiz', points: item.points, title: q?.prompt ?? item.questionId, question: q ? questionView(q, `${userId}/exam/${exam.id}`, item.lessonId) : undefined };
    });
  };

  // ---- instructors ----

  app.post(['/exams', '/api/exams'], (req, res) => {
    const s = requireStaff(req);
    const body = parseBody(createBody, req.body, 'exam');
    // From the form: fields named item:ex:<id> or item:q:<lesson>/<question> hold points (empty or 0: left out).
    const items: z.infer<typeof itemSchema>[] = body.items ?? [];
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) {
      const pts = Number(v);
      if (!k.startsWith('item:') || !(pts > 0)) continue;
      const m = /^item:(?:ex:([a-z0-9-]+)|q:([a-z0-9-]+)\/([a-z0-9-]+))$/.exec(k);
      if (!m) continue;
      items.push(m[1] ? { kind: 'exercise', exerciseId: m[1], points: pts } : { kind: 'quiz', lessonId: m[2]!, questionId: m[3]!, points: pts });
    }
    // The exam's own questions (never in a practice quiz), written in the composer.
    const own = ownQuestionsFromForm(req.body as Record<string, unknown>);
    if (items.length === 0 && own.length === 0) throw new HttpError(400, 'An exam needs at least one exercise or question with points.');
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
    withKeys.push(...own);
    const exam = ctx.store.exams.create({ title: body.title, timeLimitMinutes: body.timeLimitMinutes, items: withKeys, createdBy: s.user.id });
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
    res.type('html').send(page({ title: `Gradebook: ${exam.title}`, session: s, accounts, body: gradebookView(exam, gradebook(exam), itemTitles(exam), s.csrfToken) }));
  });

  app.get('/api/exams/:id/results.csv', (req, res) => {
    const s = requireStaff(req);
    const exam = manageable(ctx, s, req.params.id);
    const titles = itemTitles(exam);
    // One row per candidate and item: the item's title, with its id in the next column.
    const rows = gradebook(exam).flatMap((c) =>
      exam.items.map((i) => [c.displayName, c.username, c.state, c.startedAt, c.endedAt, c.endedBy, titles.get(i.key), i.key, c.items[i.key], i.points, c.score, c.maxScore]),
    );
    sendCsv(res, `exam-${exam.id}-results.csv`, [['Candidate', 'Username', 'State', 'Started', 'Ended', 'Ended by', 'Item', 'Item id', 'Points', 'Item max', 'Score', 'Max'], ...rows]);
  });

  app.get('/exams/:id/sittings/:sittingId', (req, res) => {
    const s = requireStaff(req);
    const exam = manageable(ctx, s, req.params.id);
    const sitting = ctx.store.exams.sitting(Number(req.params.sittingId));
    if (!sitting || sitting.examId !== exam.id) throw new HttpError(404, 'There is no such sitting.');
    const user = ctx.store.users.byId(sitting.userId);
    res.type('html').send(
      page({ title: `${user?.displayName ?? 'Candidate'}: ${exam.title}`, session: s, accounts, body: sittingDetailView(exam, sitting, user?.displayName ?? '', readableResults(exam, sitting.id), tasksOf(exam, sitting.userId)) }),
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
        scripts: staff ? ['exams'] : [],
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
        preparing: sittings.isPreparing(sitting.id),
        score: released ? sitting.score : null,
        maxScore: released ? sitting.maxScore : null,
      },
      lab: sitting?.state === 'in-progress' ? labStatusView(ctx.labs.statusOf(s.user.id)) : null,
      answers: sitting ? Object.fromEntries(savedAnswers(exam, sitting.id)) : {},
      results: released && sitting ? candidateResults(exam, sitting.id).map((r) => ({ itemKey: r.itemKey, points: r.points, maxPoints: r.maxPoints, detail: r.detail })) : null,
      explanationsWithheld: released && explanationsWithheld(exam),
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
        // The running exam's page, and the page that waits for grading and released results.
        scripts: sitting ? ['exam'] : [],
        body: candidateView({
          exam,
          sitting,
          tasks: tasksOf(exam, s.user.id),
          answers: sitting ? savedAnswers(exam, sitting.id) : new Map(),
          results: sitting && exam.resultsReleased && sitting.state === 'graded' ? candidateResults(exam, sitting.id) : undefined,
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
      void sittings.prepare(exam, sitting);
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
    // A second submit (a double click, another tab): the page shows the submitted exam, the API says so.
    const done = ctx.store.exams.sittingOf(examOr404(ctx, req.params.id).id, requireSession(req).user.id);
    if (done && done.state !== 'in-progress') {
      if (wantsHtml(req)) return res.redirect(303, `/exams/${done.examId}`);
      throw new HttpError(409, 'You have already submitted this exam; nothing changed.', 'Its results appear on the exam page once released.');
    }
    const { exam, sitting, session } = runningSitting(req);
    await sittings.grade(sitting, 'submit');
    if (wantsHtml(req)) return res.redirect(303, `/exams/${exam.id}`);
    res.json(mine(exam, session));
  });
};
