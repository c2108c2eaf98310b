/**
 * Quizzes: questions go to the browser without their answers (order questions shuffled per
 * learner), every answer is checked here at once and stored per learner with its explanation.
 * The lesson page's <section class="quiz" data-lesson> and the standalone /quiz/:lessonId page
 * both use client/entries/quiz.ts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext, RouteModule } from '../context.js';
import { HttpError } from '../errors.js';
import { requireSession } from '../http/session.js';
import { answerAsTexts, checkQuizAnswer, type QuizQuestion } from '../course.js';
import { renderInline } from '../course/render.js';
import { courseOf, lessonUrl } from '../course/cache.js';
import { escapeHtml, html } from '../http/html.js';
import { page } from '../http/layout.js';

/** A question as the browser sees it: never its answer. */
export interface QuestionView {
  id: string;
  kind: QuizQuestion['kind'];
  prompt: string;
  /**
   * The prompt's inline Markdown (code, emphasis, links) as HTML, escaped like lesson text,
   * followed by the question's command output, if any, in a <code class="quiz-output"> block
   * (phrasing content, so it may sit in the legend, label or paragraph that holds the prompt).
   */
  promptHtml: string;
  options?: string[];
}

/** A deterministic shuffle of options for one learner (the same seed, the same order). */
export function shuffled(options: readonly string[], seed: string): string[] {
  const out = [...options];
  let h = createHash('sha256').update(seed).digest();
  let i = 0;
  const next = () => {
    if (i + 4 > h.length) {
      h = createHash('sha256').update(h).digest();
      i = 0;
    }
    const v = h.readUInt32BE(i);
    i += 4;
    return v;
  };
  for (let k = out.length - 1; k > 0; k--) {
    const j = next() % (k + 1);
    [out[k], out[j]] = [out[j]!, out[k]!];
  }
  return out;
}

/** An order question's options for one learner: shuffled, and never in the right order itself. */
export function shuffledOptions(options: string[], seed: string): string[] {
  const out = shuffled(options, seed);
  if (out.length > 1 && out.every((o, k) => o === options[k])) out.push(out.shift()!);
  return out;
}

/**
 * A question for one learner (seed: who, and where: lesson or exam). Options of every kind are
 * shuffled per learner, so where an author put the right answer tells nothing; the page sends
 * back option texts, which checkQuizAnswer maps to the lesson file's order.
 */
export function questionView(q: QuizQuestion, seed: string, lessonId = ''): QuestionView {
  const output = q.output === undefined ? '' : `<code class="quiz-output">${escapeHtml(q.output.replace(/\s+$/, ''))}</code>`;
  const base = { id: q.id, kind: q.kind, prompt: q.prompt, promptHtml: renderInline(q.prompt, lessonId) + output };
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return { ...base, options: shuffled(q.options, `${seed}/${q.id}`) };
    case 'order':
      return { ...base, options: shuffledOptions(q.options, `${seed}/${q.id}`) };
    case 'short':
      return base;
  }
}

/** An answer as a browser may send it; checkQuizAnswer decides whether it is right. */
export const answerSchema = z.union([
  z.number().int().min(0).max(1000),
  z.array(z.union([z.number().int().min(0).max(1000), z.string().max(1000)])).max(100),
  z.string().max(1000),
]);

export function findQuestion(ctx: AppContext, lessonId: string, questionId: string): { lessonTitle: string; question: QuizQuestion } {
  const lesson = courseOf(ctx).lessons.find((l) => l.id === lessonId);
  if (!lesson) throw new HttpError(404, 'There is no such lesson.');
  const question = lesson.quiz.find((q) => q.id === questionId);
  if (!question) throw new HttpError(404, 'This lesson has no such question.');
  return { lessonTitle: lesson.title, question };
}

export const quizRoutes: RouteModule = (app, ctx) => {
  app.get('/api/quiz/:lessonId', (req, res) => {
    const s = requireSession(req);
    const lesson = courseOf(ctx).lessons.find((l) => l.id === req.params.lessonId);
    if (!lesson) throw new HttpError(404, 'There is no such lesson.');
    const latest = new Map(ctx.store.progress.latestAnswers(s.user.id, lesson.id).map((a) => [a.questionId, a]));
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      lessonId: lesson.id,
      title: lesson.title,
      questions: lesson.quiz.map((q) => {
        const a = latest.get(q.id);
        return {
          ...questionView(q, `${s.user.id}/${lesson.id}`, lesson.id),
          answered: a ? { answer: answerAsTexts(q, a.answer), correct: a.correct, explanation: q.explanation } : null,
        };
      }),
    });
  });

  app.post('/api/quiz/:lessonId/:questionId', (req, res) => {
    const s = requireSession(req);
    const { question } = findQuestion(ctx, req.params.lessonId!, req.params.questionId!);
    const body = z.object({ answer: answerSchema }).passthrough().safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'Send { answer }: an option index, a list of them, the options in order, or text.');
    const verdict = checkQuizAnswer(question, body.data.answer);
    ctx.store.progress.recordAnswer(s.user.id, req.params.lessonId!, question.id, body.data.answer, verdict.correct);
    res.json({ correct: verdict.correct, explanation: verdict.explanation });
  });

  app.get('/quiz/:lessonId', (req, res) => {
    const s = requireSession(req);
    const lesson = courseOf(ctx).lessons.find((l) => l.id === req.params.lessonId);
    if (!lesson) throw new HttpError(404, 'There is no such lesson.');
    res.type('html').send(
      page({
        title: `Quiz: ${lesson.title}`,
        session: s,
        accounts: ctx.config.auth === 'accounts',
        scripts: ['quiz'],
        body: html`<p class="crumbs"><a href="${lessonUrl(lesson.id)}">← ${lesson.title}</a></p>
          <h1>Quiz: ${lesson.title}</h1>
          ${lesson.quiz.length === 0 ? html`<p class="muted">This lesson has no quiz.</p>` : html`<section class="quiz" data-lesson="${lesson.id}"><p class="muted">Loading the questions…</p></section>`}`,
      }),
    );
  });
};
