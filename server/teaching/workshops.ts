/**
 * Instructor-led workshops: an instructor creates one (title, lessons, capacity, opening and
 * closing time) and shares its join code; a learner joins with the code and a display name, which
 * creates a learner account scoped to the workshop (no password; the session cookie is the key)
 * and starts their lab. The instructor's dashboard follows every learner live (workshops/live.ts),
 * resets labs, extends time, messages everyone and exports results. When a workshop ends its
 * learners are signed out and their labs freed; a reaper frees any lab that outlives its workshop.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext, RouteModule } from '../context.js';
import { HttpError, messageOf } from '../errors.js';
import { requireSession } from '../http/session.js';
import { isStaff, requireStaff } from '../accounts/roles.js';
import { wantsHtml } from '../http/negotiation.js';
import { parseBody } from '../http/body.js';
import { LoginThrottle, addressKey } from '../accounts/throttle.js';
import { courseOf, lessonUrl } from '../course/cache.js';
import { sendCsv } from './csv.js';
import { terminalsFor } from '../terminal.js';
import { page } from '../http/layout.js';
import { endWorkshop } from './workshops/lifecycle.js';
import { exercisesOf, hubOf, managedWorkshop, refuseIfEnded, newJoinCode, normaliseJoinCode, snapshotOf, stateOf, cellsOf } from './workshops/model.js';
import { dashboardView, joinCodeView, joinView, learnerWorkshopView, workshopsView, joinRefusedView } from './workshops/views.js';
import type { WorkshopRecord } from '../store/workshops.js';

export { workshopSocket } from './workshops/live.js';
export { terminalWatchSocket } from './workshops/watch.js';

const minutes = z.coerce.number().int().min(1).max(7 * 24 * 60);
const isoTime = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'a date and time');

const createBody = z
  .object({
    title: z.string().trim().min(1).max(120),
    lessons: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(100)).max(100)),
    capacity: z.coerce.number().int().min(1).max(500),
    /** ISO time, or a datetime-local value read in the instructor's zone (tzOffset, minutes, as Date#getTimezoneOffset). */
    opensAt: z.string().max(40).optional(),
    closesAt: isoTime.optional(),
    durationMinutes: minutes.optional(),
    tzOffset: z.coerce.number().int().min(-900).max(900).optional(),
    /** Challenge mode: a form's checkbox sends "on"; JSON sends a boolean. */
    challenge: z.union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('false')]).optional().transform((v) => v === true || v === 'on' || v === 'true'),
  })
  .passthrough();

const joinBody = z.object({ displayName: z.string().trim().min(1, 'Enter a name').max(60, 'Use at most 60 characters') }).passthrough();

function parseLocalTime(value: string | undefined, tzOffset: number | undefined): Date | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) {
    // datetime-local has no zone: it is the instructor's local time.
    const utc = Date.parse(value + 'Z');
    return Number.isNaN(utc) ? undefined : new Date(utc + (tzOffset ?? 0) * 60_000);
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** Answers a form post with a redirect back, a JSON request with data. */
function done(req: Request, res: Response, data: unknown, back: string): void {
  if (wantsHtml(req)) res.redirect(303, back);
  else res.json(data);
}

export const workshopRoutes: RouteModule = (app, ctx) => {
  const hub = hubOf(ctx);
  const joinThrottle = new LoginThrottle(ctx.store.logins, { accountAllowance: 20, addressAllowance: 20, maxBlockMs: 5 * 60_000, forgetAfterMs: 3600_000 });
  const accounts = ctx.config.auth === 'accounts';

  // Workshops give each learner an account of their own, so a single-user server has none: its
  // pages say how to get them rather than offer a form that cannot work.
  if (!accounts) {
    app.use((req, _res, next) => {
      if (!/^\/(api\/)?(workshops?|join)(\/|$)/.test(req.path)) return next();
      next(new HttpError(404, 'Workshops need accounts: this server runs in single-user mode.', 'Start it with kubelab serve --auth accounts to run workshops.'));
    });
  }

  // ---- instructors ----

  app.get('/workshops', (req, res) => {
    const s = requireStaff(req);
    const list = ctx.store.workshops.list(s.user.role === 'admin' ? undefined : s.user.id);
    res.type('html').send(
      page({
        title: 'Workshops',
        session: s,
        accounts,
        scripts: ['workshops'],
        body: workshopsView(list.map((w) => ({ w, state: stateOf(w), members: ctx.store.workshops.memberCount(w.id) })), courseOf(ctx).lessons, s.csrfToken),
      }),
    );
  });

  app.get('/api/workshops', (req, res) => {
    const s = requireStaff(req);
    res.json(ctx.store.workshops.list(s.user.role === 'admin' ? undefined : s.user.id).map((w) => ({ ...w, state: stateOf(w), members: ctx.store.workshops.memberCount(w.id) })));
  });

  app.post(['/workshops', '/api/workshops'], (req, res) => {
    const s = requireStaff(req);
    const b = parseBody(createBody, req.body, 'workshop');
    const known = new Set(courseOf(ctx).lessons.map((l) => l.id));
    const unknown = b.lessons.filter((l) => !known.has(l));
    if (unknown.length) throw new HttpError(400, `There is no lesson ${unknown.join(', ')}.`);
    if (b.lessons.length === 0) throw new HttpError(400, 'Pick at least one lesson for the workshop.');
    const opens = parseLocalTime(b.opensAt, b.tzOffset) ?? new Date();
    if (b.opensAt && Number.isNaN(opens.getTime())) throw new HttpError(400, 'The opening time is not a date and time.');
    const closes = b.closesAt ? new Date(Date.parse(b.closesAt)) : new Date(opens.getTime() + (b.durationMinutes ?? 180) * 60_000);
    if (closes <= opens) throw new HttpError(400, 'The workshop must close after it opens.');
    let w: WorkshopRecord | undefined;
    for (let tries = 0; !w && tries < 5; tries++) {
      try {
        w = ctx.store.workshops.create({ title: b.title, lessons: b.lessons, capacity: b.capacity, opensAt: opens.toISOString(), closesAt: closes.toISOString(), joinCode: newJoinCode(), createdBy: s.user.id, challenge: b.challenge });
      } catch (err) {
        if (!/UNIQUE/.test(messageOf(err))) throw err;
      }
    }
    if (!w) throw new HttpError(500, 'Could not pick a free join code.');
    ctx.log.info('workshop created', { workshop: w.id, by: s.user.id, challenge: w.challenge });
    if (wantsHtml(req)) return res.redirect(303, `/workshops/${w.id}`);
    res.status(201).json({ ...w, state: stateOf(w), joinUrl: `/join/${w.joinCode}` });
  });

  app.get('/workshops/:id', (req, res) => {
    const s = requireStaff(req);
    const w = managedWorkshop(ctx, s, req.params.id);
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.type('html').send(
      page({ title: w.title, session: s, accounts, scripts: ['dashboard'], body: dashboardView(snapshotOf(ctx, w), `${origin}/join/${w.joinCode}`, s.csrfToken) }),
    );
  });

  app.get('/api/workshops/:id', (req, res) => {
    const s = requireStaff(req);
    res.json(snapshotOf(ctx, managedWorkshop(ctx, s, req.params.id)));
  });

  app.post(['/workshops/:id/extend', '/api/workshops/:id/extend'], (req, res) => {
    const s = requireStaff(req);
    const w = managedWorkshop(ctx, s, req.params.id);
    const m = minutes.safeParse(req.body?.minutes);
    if (!m.success) throw new HttpError(400, 'Say how many minutes to add (1 to 10080).');
    refuseIfEnded(w, 'extend it');
    const closes = new Date(Math.max(Date.parse(w.closesAt), Date.now()) + m.data * 60_000).toISOString();
    ctx.store.workshops.setClosesAt(w.id, closes);
    hub.emit('changed', w.id);
    done(req, res, { closesAt: closes }, `/workshops/${w.id}`);
  });

  app.post(['/workshops/:id/close', '/api/workshops/:id/close'], async (req, res) => {
    const s = requireStaff(req);
    const w = managedWorkshop(ctx, s, req.params.id);
    refuseIfEnded(w, 'close it again');
    ctx.store.workshops.close(w.id);
    await endWorkshop(ctx, ctx.store.workshops.get(w.id)!);
    done(req, res, { closed: true }, `/workshops/${w.id}`);
  });

  app.post(['/workshops/:id/messages', '/api/workshops/:id/messages'], (req, res) => {
    const s = requireStaff(req);
    const w = managedWorkshop(ctx, s, req.params.id);
    refuseIfEnded(w, 'message its learners');
    const body = z.string().trim().min(1).max(500).safeParse(req.body?.body);
    if (!body.success) throw new HttpError(400, 'Write a message of 1 to 500 characters.');
    const message = ctx.store.workshops.addMessage(w.id, body.data);
    hub.emit('message', w.id, message);
    done(req, res, message, `/workshops/${w.id}`);
  });

  app.post(['/workshops/:id/learners/:userId/reset', '/api/workshops/:id/learners/:userId/reset'], (req, res) => {
    const s = requireStaff(req);
    const w = managedWorkshop(ctx, s, req.params.id);
    const userId = Number(req.params.userId);
    refuseIfEnded(w, "reset a learner's lab");
    if (!ctx.store.workshops.members(w.id).some((m) => m.userId === userId)) throw new HttpError(404, 'This learner is not in the workshop.');
    // Through the terminals: the learner's shell ends, the lab is re-created, a new shell follows.
    void terminalsFor(ctx).resetLab(userId).catch((err) => ctx.log.warn('lab reset failed', { userId, err }));
    if (wantsHtml(req)) return res.redirect(303, `/workshops/${w.id}`);
    res.status(202).json({ resetting: true });
  });

  app.get('/api/workshops/:id/results.csv', (req, res) => {
    const s = requireStaff(req);
    const w = managedWorkshop(ctx, s, req.params.id);
    const exercises = exercisesOf(ctx, w);
    const lessons = new Map(courseOf(ctx).lessons.map((l) => [l.id, l.title]));
    // One row per learner and exercise: the names people read, each with its id in the next column.
    const rows = ctx.store.workshops.members(w.id).flatMap((m) => {
      const cells = cellsOf(ctx, m.userId, exercises);
      const attempts = ctx.store.attempts.forUser(m.userId);
      return exercises.map((e) => [m.displayName, m.joinedAt, lessons.get(e.lessonId) ?? e.lessonId, e.lessonId, e.title, e.id, cells[e.id]!.replace('-', ' '), attempts.filter((a) => a.exerciseId === e.id).length]);
    });
    sendCsv(res, `workshop-${w.id}-results.csv`, [['Learner', 'Joined', 'Lesson', 'Lesson id', 'Exercise', 'Exercise id', 'State', 'Attempts'], ...rows]);
  });

  // ---- learners ----

  app.get('/join', (req, res) => {
    if (typeof req.query.code === 'string' && req.query.code.trim()) return res.redirect(303, `/join/${encodeURIComponent(normaliseJoinCode(req.query.code))}`);
    res.type('html').send(page({ title: 'Join a workshop', session: req.session, accounts, body: joinCodeView() }));
  });

  const joinable = (req: Request): { w?: WorkshopRecord; refusal?: { status: number; message: string } } => {
    const code = normaliseJoinCode(String(req.params.code ?? ''));
    const address = addressKey(`join:${req.ip ?? 'unknown'}`);
    const wait = joinThrottle.waitMs([address]);
    if (wait > 0) return { refusal: { status: 429, message: `Too many wrong codes. Try again in ${Math.ceil(wait / 1000)} seconds.` } };
    const w = code.length >= 6 ? ctx.store.workshops.byJoinCode(code) : undefined;
    if (!w) {
      joinThrottle.fail([address]);
      return { refusal: { status: 404, message: 'No workshop has this code. Check it with your instructor.' } };
    }
    const state = stateOf(w);
    if (state === 'scheduled') return { w, refusal: { status: 409, message: `This workshop opens at ${w.opensAt.slice(0, 16).replace('T', ' ')} UTC.` } };
    if (state === 'ended') return { w, refusal: { status: 410, message: 'This workshop has ended.' } };
    return { w };
  };

  app.get('/join/:code', (req, res) => {
    const { w, refusal } = joinable(req);
    const member = req.session && w ? ctx.store.workshops.workshopOf(req.session.user.id) : undefined;
    if (member && w && member.id === w.id) return res.redirect(303, '/workshop');
    if (refusal || !w) return res.status(refusal!.status).type('html').send(page({ title: 'Join a workshop', session: req.session, accounts, body: joinRefusedView(refusal!.message) }));
    const full = ctx.store.workshops.memberCount(w.id) >= w.capacity;
    res.type('html').send(
      page({ title: `Join ${w.title}`, session: req.session, accounts, body: joinView(w, ctx.sessions.preSession(req, res), full ? 'This workshop is full.' : undefined) }),
    );
  });

  app.post(['/join/:code', '/api/join/:code'], (req, res) => {
    const form = wantsHtml(req) && !req.path.startsWith('/api/');
    const { w, refusal } = joinable(req);
    const refuse = (status: number, message: string) => {
      if (form && w && status === 400) {
        return res.status(400).type('html').send(page({ title: `Join ${w.title}`, session: req.session, accounts, body: joinView(w, ctx.sessions.preSession(req, res), message) }));
      }
      if (form) return res.status(status).type('html').send(page({ title: 'Join a workshop', session: req.session, accounts, body: joinRefusedView(message) }));
      throw new HttpError(status, message);
    };
    if (refusal || !w) return refuse(refusal!.status, refusal!.message);
    const body = joinBody.safeParse(req.body);
    if (!body.success) return refuse(400, body.error.issues[0]!.message + '.');
    const suffix = () => Math.random().toString(36).slice(2, 8);
    const userId = ctx.store.workshops.addMemberIfRoom(w.id, () => ctx.store.users.create({ username: `w${w.id}-${suffix()}-${suffix()}`, displayName: body.data.displayName, role: 'learner' }).id);
    if (userId === undefined) return refuse(409, 'This workshop is full. Ask your instructor.');
    const user = ctx.store.users.byId(userId)!;
    const { token, session } = ctx.sessions.create(user);
    res.setHeader('Set-Cookie', ctx.sessions.cookie(token, req.secure));
    ctx.log.info('learner joined a workshop', { workshop: w.id, userId });
    hub.emit('member', w.id, userId);
    // The lab starts now, so it is (nearly) ready when the learner opens the first lesson.
    void ctx.labs.labFor(userId).catch((err) => ctx.log.warn('lab for a workshop learner failed', { userId, err }));
    if (form) return res.redirect(303, '/workshop');
    res.status(201).json({ user: { id: user.id, displayName: user.displayName, role: user.role }, csrfToken: session.csrfToken, workshop: { id: w.id, title: w.title } });
  });

  /** A workshop learner's home: the workshop's lessons, time left, the instructor's messages. */
  app.get('/workshop', (req, res) => {
    const s = requireSession(req);
    const w = ctx.store.workshops.workshopOf(s.user.id);
    if (!w) return res.redirect(303, isStaff(s) ? '/workshops' : '/');
    const lessons = w.lessons.flatMap((id) => courseOf(ctx).lessons.filter((l) => l.id === id));
    const exercises = exercisesOf(ctx, w);
    res.type('html').send(
      page({
        title: w.title,
        session: s,
        accounts,
        body: learnerWorkshopView(w, stateOf(w), lessons.map((l) => ({ id: l.id, title: l.title, url: lessonUrl(l.id) })), exercises, cellsOf(ctx, s.user.id, exercises), ctx.store.workshops.messages(w.id)),
      }),
    );
  });

  /** The instructor's messages and the end time, for the notices bar on every page of a workshop learner. */
  app.get('/api/notices', (req, res) => {
    const s = requireSession(req);
    const w = ctx.store.workshops.workshopOf(s.user.id);
    res.setHeader('Cache-Control', 'no-store');
    if (!w) return res.json({ workshop: null, messages: [] });
    res.json({ workshop: { id: w.id, title: w.title, closesAt: w.closesAt, state: stateOf(w) }, messages: ctx.store.workshops.messages(w.id) });
  });

  /** The same as a stream (server-sent events): `message` and `workshop` events as they happen. */
  app.get('/api/notices/stream', (req, res) => {
    const s = requireSession(req);
    const w = ctx.store.workshops.workshopOf(s.user.id);
    if (!w) throw new HttpError(404, 'You are not in a workshop.');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('hello', { workshopId: w.id });
    const onMessage = (workshopId: number, message: unknown) => workshopId === w.id && send('message', message);
    const onChanged = (workshopId: number) => {
      if (workshopId !== w.id) return;
      const current = ctx.store.workshops.get(w.id);
      if (current) send('workshop', { id: current.id, title: current.title, closesAt: current.closesAt, state: stateOf(current) });
    };
    hub.on('message', onMessage);
    hub.on('changed', onChanged);
    hub.on('ending', onChanged);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    keepAlive.unref();
    req.on('close', () => {
      clearInterval(keepAlive);
      hub.off('message', onMessage);
      hub.off('changed', onChanged);
      hub.off('ending', onChanged);
    });
  });

};
