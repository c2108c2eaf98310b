/**
 * The course's own pages and the lab API behind them:
 *
 *   GET  /                           course index: lessons in order with the learner's progress
 *   GET  /lessons/:id                lesson page: lesson, terminal, exercise panels, lab status
 *   GET  /lessons/:id/images/:file   a lesson's diagram (only files directly in its images/ folder)
 *   GET  /api/lab                    the learner's lab status
 *   POST /api/lab/reset              delete the learner's lab and start a fresh one (202; progress over /ws/terminal)
 */
import { realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import type { Request } from 'express';
import type { RouteModule } from '../context.js';
import { HttpError } from '../errors.js';
import { requireSession } from '../http/session.js';
import { learnerRateLimits, perLearner } from '../http/rate-limit.js';
import { courseOf, lessonById } from './cache.js';
import { progressOf } from '../teaching/progress.js';
import { challengeFor, challengeNotice } from '../teaching/challenge.js';
import { labStatusView } from '../labs/status.js';
import { terminalsFor } from '../terminal.js';
import { shell } from '../http/layout.js';
import { indexView } from './pages/index-view.js';
import { lessonBar, lessonView } from './pages/lesson-view.js';
import type { ExerciseState } from './render.js';
import type { LabStatusView } from '../../shared/terminal-protocol.js';

const imageTypes: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};
const imageName = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(svg|png|jpe?g|gif|webp)$/;

const param = (req: Request, name: string): string => {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
};

export const coursePageRoutes: RouteModule = (app, ctx) => {
  const accounts = ctx.config.auth === 'accounts';

  app.get('/', (req, res) => {
    const s = requireSession(req);
    const course = courseOf(ctx);
    const challenge = challengeFor(ctx, s.user.id);
    res.type('html').send(
      shell({ title: 'Course', session: s, accounts, entry: 'course', bodyClass: 'course-page', body: indexView(course, progressOf(ctx, s.user.id), ctx.config.lessonsDir, challenge && challengeNotice(challenge)) }),
    );
  });

  app.get('/lessons/:id', (req, res) => {
    const s = requireSession(req);
    const course = courseOf(ctx);
    const lesson = lessonById(ctx, param(req, 'id'));
    if (!lesson) throw new HttpError(404, 'There is no such lesson.', 'Go back to the course index.');
    const mine = progressOf(ctx, s.user.id).lessons.find((l) => l.id === lesson.id);
    const states = new Map<string, ExerciseState>(mine?.exercises.map((e) => [e.id, e.status]) ?? []);
    const status = ctx.labs.statusOf(s.user.id);
    const challenge = challengeFor(ctx, s.user.id);
    res.type('html').send(
      shell({
        title: lesson.title,
        session: s,
        accounts,
        entry: 'lesson',
        scripts: lesson.quiz.length ? ['quiz'] : [],
        bodyClass: 'lesson-page',
        bodyData: { lesson: lesson.id, learner: String(s.user.id) },
        bar: lessonBar(course, lesson),
        body: lessonView({
          course,
          lesson,
          vars: status.state === 'ready' ? status.lab.variables : undefined,
          exerciseState: (id) => states.get(id) ?? 'not-started',
          challenge: challenge && challengeNotice(challenge),
        }),
      }),
    );
  });

  app.get('/lessons/:id/images/:file', (req, res) => {
    requireSession(req);
    const lesson = lessonById(ctx, param(req, 'id'));
    const file = param(req, 'file');
    const notFound = () => new HttpError(404, 'There is no such image.');
    if (!lesson || !imageName.test(file)) throw notFound();
    // Only a regular file directly inside this lesson's images/ folder, after resolving any symlink.
    let path: string;
    try {
      const folder = realpathSync(join(lesson.dir, 'images'));
      path = realpathSync(join(folder, file));
      if (!path.startsWith(folder + sep) || path.slice(folder.length + 1).includes(sep) || !statSync(path).isFile()) throw notFound();
    } catch {
      throw notFound();
    }
    res.setHeader('Content-Type', imageTypes[extname(path).toLowerCase()] ?? 'application/octet-stream');
    // An SVG opened on its own runs no script and loads nothing.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.sendFile(path, { dotfiles: 'deny' });
  });

  app.get('/api/lab', (req, res) => {
    const s = requireSession(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json(labStatusFor(s.user.id));
  });

  app.post('/api/lab/reset', perLearner('lab reset', learnerRateLimits.reset), (req, res) => {
    const s = requireSession(req);
    const terminals = terminalsFor(ctx);
    if (!terminals.isResetting(s.user.id)) {
      void terminals.resetLab(s.user.id).catch((err) => ctx.log.warn('lab reset failed', { userId: s.user.id, err }));
    }
    res.status(202).json({ status: labStatusFor(s.user.id) });
  });

  function labStatusFor(userId: number): LabStatusView {
    const status = labStatusView(ctx.labs.statusOf(userId));
    if (status.state === 'none' && terminalsFor(ctx).isResetting(userId)) return { state: 'creating', step: 'deleting the old lab', done: 0, total: 1 };
    return status;
  }
};
