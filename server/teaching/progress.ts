/**
 * Self-paced course memory: what each learner read, passed and answered, derived from the store
 * (attempts, lesson_progress, quiz_answers, learner_position), so it survives restarts.
 * GET /progress shows it; GET /continue takes a learner back to where they left off.
 */
import { z } from 'zod';
import type { AppContext, RouteModule } from '../context.js';
import { HttpError } from '../errors.js';
import { requireSession } from '../http/session.js';
import { requireStaff } from '../accounts/roles.js';
import { courseOf, lessonUrl } from '../course/cache.js';
import { html } from '../http/html.js';
import { page } from '../http/layout.js';
import { exerciseStateOf, type ExerciseState } from '../../shared/exercise.js';


export interface LessonProgress {
  id: string;
  title: string;
  read: boolean;
  exercises: { id: string; title: string; status: ExerciseState; attempts: number }[];
  quiz: { total: number; answered: number; correct: number };
  complete: boolean;
}

export interface Progress {
  userId: number;
  lessons: LessonProgress[];
  attempts: number;
  lastLessonId: string | null;
  continueLessonId: string | null;
}

export function progressOf(ctx: AppContext, userId: number): Progress {
  const course = courseOf(ctx);
  const read = ctx.store.progress.lessonsRead(userId);
  const attempts = ctx.store.attempts.forUser(userId);
  const answers = ctx.store.progress.allLatestAnswers(userId);
  const lessons: LessonProgress[] = course.lessons.map((l) => {
    const exercises = l.exercises.map((e) => {
      const mine = attempts.filter((a) => a.exerciseId === e.id);
      const status = exerciseStateOf(mine.some((a) => a.passed), mine.length > 0);
      return { id: e.id, title: e.title, status, attempts: mine.length };
    });
    const quizIds = new Set(l.quiz.map((q) => q.id));
    const mineAnswers = answers.filter((a) => a.lessonId === l.id && quizIds.has(a.questionId));
    const quiz = { total: l.quiz.length, answered: mineAnswers.length, correct: mineAnswers.filter((a) => a.correct).length };
    const isRead = read.has(l.id);
    return { id: l.id, title: l.title, read: isRead, exercises, quiz, complete: isRead && exercises.every((e) => e.status === 'passed') };
  });
  const last = ctx.store.progress.position(userId)?.lessonId ?? null;
  return { userId, lessons, attempts: attempts.length, lastLessonId: last, continueLessonId: continueFrom(lessons, last) };
}

/** Where to continue: the last lesson opened if it is not complete, else the next incomplete one after it. */
function continueFrom(lessons: LessonProgress[], last: string | null): string | null {
  if (lessons.length === 0) return null;
  const at = last ? lessons.findIndex((l) => l.id === last) : -1;
  if (at < 0) return (lessons.find((l) => !l.complete) ?? lessons[0]!).id;
  if (!lessons[at]!.complete) return lessons[at]!.id;
  const after = [...lessons.slice(at + 1), ...lessons.slice(0, at)].find((l) => !l.complete);
  return (after ?? lessons[at]!).id;
}

const visitBody = z.object({ lessonId: z.string().min(1).max(100), read: z.boolean().optional() }).strict();

export const progressRoutes: RouteModule = (app, ctx) => {
  app.get('/api/progress', (req, res) => {
    const s = requireSession(req);
    res.json(progressOf(ctx, s.user.id));
  });

  /** Whose progress an instructor may see: anyone's for an admin; an instructor's workshop learners and exam candidates. */
  const learnerFor = (req: Parameters<typeof requireSession>[0]): number => {
    const s = requireSession(req);
    const userId = Number(req.params.userId);
    if (!Number.isInteger(userId)) throw new HttpError(400, 'That is not a user id.');
    if (userId === s.user.id) return userId;
    requireStaff(req);
    const exists = ctx.store.users.byId(userId) !== undefined;
    const mine =
      s.user.role === 'admin' ||
      ctx.store.workshops.workshopOf(userId)?.createdBy === s.user.id ||
      ctx.store.exams.list().some((e) => e.createdBy === s.user.id && ctx.store.exams.sittingOf(e.id, userId));
    if (!exists || !mine) throw new HttpError(404, 'There is no such learner among yours.');
    return userId;
  };

  /** An instructor's view of one learner. A learner asking for anyone but themselves is refused. */
  app.get('/api/users/:userId/progress', (req, res) => {
    res.json(progressOf(ctx, learnerFor(req)));
  });

  app.get('/users/:userId/progress', (req, res) => {
    const userId = learnerFor(req);
    const user = ctx.store.users.byId(userId)!;
    const s = req.session!;
    res.type('html').send(
      page({ title: `Progress of ${user.displayName}`, session: s, accounts: ctx.config.auth === 'accounts', body: progressView(progressOf(ctx, userId), userId === s.user.id ? 'Your progress' : `Progress of ${user.displayName}`, userId === s.user.id) }),
    );
  });

  /** The lesson page reports that a learner opened a lesson (and, once they reach its end, read it). */
  app.post('/api/progress/visit', (req, res) => {
    const s = requireSession(req);
    const body = visitBody.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'Send { lessonId, read? }.');
    if (!courseOf(ctx).lessons.some((l) => l.id === body.data.lessonId)) throw new HttpError(404, 'There is no such lesson.');
    ctx.store.progress.visit(s.user.id, body.data.lessonId);
    if (body.data.read) ctx.store.progress.markRead(s.user.id, body.data.lessonId);
    res.status(204).end();
  });

  app.get('/continue', (req, res) => {
    const s = requireSession(req);
    const id = progressOf(ctx, s.user.id).continueLessonId;
    res.redirect(303, id ? lessonUrl(id) : '/');
  });

  app.get('/progress', (req, res) => {
    const s = requireSession(req);
    const p = progressOf(ctx, s.user.id);
    res.type('html').send(
      page({ title: 'Your progress', session: s, accounts: ctx.config.auth === 'accounts', body: progressView(p, 'Your progress') }),
    );
  });
};

const statusLabel: Record<ExerciseState, string> = { passed: 'passed', trying: 'tried, not passed yet', 'not-started': 'not started' };

/** A learner's progress; `own` adds the continue button (not on an instructor's view of someone else). */
export function progressView(p: Progress, heading: string, own = true) {
  const exercises = p.lessons.flatMap((l) => l.exercises);
  const passed = exercises.filter((e) => e.status === 'passed').length;
  const read = p.lessons.filter((l) => l.read).length;
  return html`<h1>${heading}</h1>
    <p class="summary">
      ${read} of ${p.lessons.length} lessons read · ${passed} of ${exercises.length} exercises passed · ${p.attempts} ${p.attempts === 1 ? 'attempt' : 'attempts'}
    </p>
    ${own && p.continueLessonId ? html`<p><a class="btn btn-primary" href="${lessonUrl(p.continueLessonId)}">Continue where you left off</a></p>` : ''}
    <table class="progress">
      <thead><tr><th scope="col">Lesson</th><th scope="col">Read</th><th scope="col">Exercises</th><th scope="col">Quiz</th></tr></thead>
      <tbody>
      ${p.lessons.map(
        (l) => html`<tr data-lesson="${l.id}" class="${l.complete ? 'complete' : ''}">
          <th scope="row"><a href="${lessonUrl(l.id)}">${l.title}</a>${l.id === p.lastLessonId ? html` <span class="tag">last opened</span>` : ''}</th>
          <td>${l.read ? html`<span class="ok" aria-label="read">✓</span>` : html`<span class="muted">—</span>`}</td>
          <td><ul class="plain">${l.exercises.map(
            (e) => html`<li class="ex-item ${e.status}" data-exercise="${e.id}"><span class="dot ${e.status}" aria-hidden="true"></span>${e.title} <small class="muted">${statusLabel[e.status]}${e.attempts ? html`, ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}` : ''}</small></li>`,
          )}</ul>${l.exercises.length === 0 ? html`<span class="muted">none</span>` : ''}</td>
          <td>${l.quiz.total
            ? l.quiz.answered
              ? html`${l.quiz.correct} of ${l.quiz.total} right${l.quiz.answered > l.quiz.correct ? html` <small class="muted">(${l.quiz.answered} answered)</small>` : ''} · <a href="/quiz/${l.id}">quiz</a>`
              : html`<span class="muted">${l.quiz.total} questions</span> · <a href="/quiz/${l.id}">take the quiz</a>`
            : html`<span class="muted">—</span>`}</td>
        </tr>`,
      )}
      </tbody>
    </table>`;
}
