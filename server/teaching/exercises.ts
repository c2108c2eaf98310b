/**
 * Exercises over HTTP and WebSocket (the browser side is client code; the shapes are in
 * docs/grading.md):
 *
 *   POST /api/exercises/:id/setup     prepares the learner's lab (cleaning up the exercise set up before)
 *   POST /api/exercises/:id/check     grades now, records an attempt (trigger 'check'), returns the result
 *   POST /api/exercises/:id/cleanup   runs the exercise's cleanup (e.g. restarts a stopped scheduler)
 *   WS   /ws/feedback?exercise=<id>   { type: 'result', …result } whenever the live evaluation changes
 *
 * Live results are not attempts, except when they change the exercise's pass/fail state for that
 * learner (recorded with trigger 'live'), so progress follows a learner who never presses Check
 * without filling the store with one row per pod update.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { AppContext, RouteModule, SocketRoute } from '../context.js';
import { courseOf } from '../course/cache.js';
import type { Exercise } from '../course.js';
import { HttpError, messageOf } from '../errors.js';
import { gradeExercise, targetOf, type ExerciseResult, type GradingTarget } from '../grading.js';
import { cleanupExercise, setupExercise } from '../grading/lifecycle.js';
import { LiveFeedback } from '../grading/live.js';
import { learnerSafe } from '../grading/result.js';
import type { LabStatus } from '../labs.js';
import { requireSession, type Session } from '../http/session.js';
import { learnerRateLimits, perLearner } from '../http/rate-limit.js';
import type { Lab } from '../../sandbox/index.js';
import type { ErrorFrame } from '../../shared/socket-error.js';
import { challengeFor, withoutHints } from './challenge.js';

/** A result as this learner may see it: in challenge mode, without the checks' fix hints. */
const shownTo = (ctx: AppContext, userId: number, r: ExerciseResult): ExerciseResult => (challengeFor(ctx, userId) ? withoutHints(r) : r);

const idPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function exerciseOf(ctx: AppContext, id: string | undefined): Exercise {
  const ex = id && idPattern.test(id) ? courseOf(ctx).exercises.get(id) : undefined;
  if (!ex) throw new HttpError(404, `There is no exercise ${JSON.stringify(id ?? '')}.`);
  return ex;
}

/**
 * What grading reads for one learner: the lab's grader credential, and as the learner's kubeconfig
 * the copy their shell edits (`kubectl config set-context` in the terminal), never the original.
 */
function learnerTarget(ctx: AppContext, userId: number, lab: Lab): GradingTarget {
  return targetOf(lab, ctx.labs.kubeconfigs.of(userId, lab), ctx.labs.homes.of(userId, lab));
}

export function attemptChecks(r: ExerciseResult) {
  return r.checks.map((c) => ({ title: c.title, passed: c.passed, points: c.points, maxPoints: c.maxPoints, message: c.message }));
}

/**
 * Per server, per learner, a queue so setups and cleanups never overlap in one lab. (The exercise
 * last set up is in the store, ctx.store.setups: the next setup cleans it up first, even after a restart.)
 */
const queuesOf = new WeakMap<AppContext, Map<number, Promise<unknown>>>();

function serialised<T>(ctx: AppContext, userId: number, fn: () => Promise<T>): Promise<T> {
  let queues = queuesOf.get(ctx);
  if (!queues) queuesOf.set(ctx, (queues = new Map()));
  const q = queues;
  const prev = q.get(userId) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  q.set(userId, next);
  void next.finally(() => q.get(userId) === next && q.delete(userId)).catch(() => undefined);
  return next;
}

async function cleanupPrevious(ctx: AppContext, userId: number, lab: Lab): Promise<void> {
  const previous = ctx.store.setups.current(userId);
  if (!previous) return;
  ctx.store.setups.clear(userId);
  const ex = courseOf(ctx).exercises.get(previous);
  if (ex) await cleanupExercise(ex, lab, ctx.labs.provider).catch((err) => ctx.log.warn('cleanup of the previous exercise failed', { exercise: previous, err }));
}

/**
 * The catalog's promise for exercises that stop a control-plane component (manual-schedule):
 * "after the check, the platform starts it again". Once such an exercise passes, its cleanup runs,
 * so the learner never carries a stopped scheduler into the next lesson. Exercises without
 * stopped components keep their state (cleaning up namespace-and-context would undo the answer).
 */
function restoreAfterPass(ctx: AppContext, userId: number, ex: Exercise, lab: Lab, result: ExerciseResult): void {
  if (!result.passed || !ex.setupComponents || ctx.store.setups.current(userId) !== ex.id) return;
  ctx.store.setups.clear(userId, ex.id);
  void serialised(ctx, userId, () => cleanupExercise(ex, lab, ctx.labs.provider)).then(
    () => ctx.log.info('exercise passed: components restored', { exercise: ex.id, lab: lab.name, userId }),
    (err) => ctx.log.warn('restoring components after a pass failed', { exercise: ex.id, err }),
  );
}

export const exerciseRoutes: RouteModule = (app, ctx) => {
  const setupLimit = perLearner('exercise setup', learnerRateLimits.setup);
  app.post('/api/exercises/:id/setup', setupLimit, async (req, res) => {
    const session = requireSession(req);
    const ex = exerciseOf(ctx, String(req.params.id));
    const lab = await ctx.labs.labFor(session.user.id);
    await serialised(ctx, session.user.id, async () => {
      if (ctx.store.setups.current(session.user.id) !== ex.id) await cleanupPrevious(ctx, session.user.id, lab);
      await setupExercise(ex, lab, ctx.labs.provider, { home: ctx.labs.homes.of(session.user.id, lab) });
      ctx.store.setups.set(session.user.id, ex.id);
    });
    ctx.log.info('exercise set up', { exercise: ex.id, lab: lab.name, userId: session.user.id });
    res.json({ exerciseId: ex.id, ready: true });
  });

  app.post('/api/exercises/:id/cleanup', setupLimit, async (req, res) => {
    const session = requireSession(req);
    const ex = exerciseOf(ctx, String(req.params.id));
    const lab = await ctx.labs.labFor(session.user.id);
    await serialised(ctx, session.user.id, async () => {
      await cleanupExercise(ex, lab, ctx.labs.provider);
      ctx.store.setups.clear(session.user.id, ex.id);
    });
    res.json({ exerciseId: ex.id, cleanedUp: true });
  });

  app.post('/api/exercises/:id/check', perLearner('check', learnerRateLimits.check), async (req, res) => {
    const session = requireSession(req);
    const ex = exerciseOf(ctx, String(req.params.id));
    const lab = await ctx.labs.labFor(session.user.id);
    const result = await gradeExercise(ex, learnerTarget(ctx, session.user.id, lab));
    ctx.store.attempts.record({ userId: session.user.id, exerciseId: ex.id, labName: lab.name, trigger: 'check', checks: attemptChecks(result) });
    restoreAfterPass(ctx, session.user.id, ex, lab, result);
    res.json(shownTo(ctx, session.user.id, result));
  });
};

/**
 * One watcher per learner and exercise, shared by every socket (several tabs) that follows it. It
 * follows the learner's current lab: when the lab is replaced (reset, re-created, an exam's fresh
 * lab) the watcher on the old one stops and a new one starts on the new lab.
 */
interface Feed {
  live?: LiveFeedback;
  /** The lab the watcher grades. */
  labName?: string;
  sockets: Set<WebSocket>;
}

const clientFrame = z.object({ type: z.literal('recheck') }).strict();

export function feedbackSocket(ctx: AppContext): SocketRoute {
  const feeds = new Map<string, Feed>();
  const send = (ws: WebSocket, msg: ({ type: 'result' } & ExerciseResult) | ErrorFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  const publish = (userId: number, ex: Exercise, lab: Lab, key: string) => (r: ExerciseResult) => {
    const shown = shownTo(ctx, userId, r);
    for (const ws of feeds.get(key)?.sockets ?? []) send(ws, { type: 'result', ...shown });
    // A live result is an attempt only when it changes the learner's last known pass/fail (the
    // latest recorded check); a first result is recorded only if it passes.
    const before = ctx.store.attempts.lastPassed(userId, ex.id);
    if (before !== undefined ? before !== r.passed : r.passed) {
      ctx.store.attempts.record({ userId, exerciseId: ex.id, labName: lab.name, trigger: 'live', checks: attemptChecks(r) });
    }
    restoreAfterPass(ctx, userId, ex, lab, r);
  };

  /** (Re)starts a feed's watcher on `lab`; the learner's kubeconfig is looked up at every evaluation. */
  const watch = (feed: Feed, userId: number, ex: Exercise, key: string, lab: Lab) => {
    feed.live?.stop();
    feed.labName = lab.name;
    const live = new LiveFeedback(ex, () => learnerTarget(ctx, userId, lab), publish(userId, ex, lab, key), { log: ctx.log });
    feed.live = live;
    void live.start().catch((err) => ctx.log.warn('live feedback could not start', { exercise: ex.id, userId, err }));
  };

  const onLab = (userId: number, status: LabStatus) => {
    for (const [key, feed] of feeds) {
      if (!key.startsWith(`${userId}:`)) continue;
      if (status.state === 'ready' && status.lab.name === feed.labName) continue;
      // The lab this feed graded is gone or being replaced: stop grading it.
      feed.live?.stop();
      feed.live = undefined;
      feed.labName = undefined;
      if (status.state === 'ready') {
        const ex = courseOf(ctx).exercises.get(key.slice(key.indexOf(':') + 1));
        if (ex) watch(feed, userId, ex, key, status.lab);
      }
    }
  };
  ctx.labs.on('status', onLab);

  return {
    path: '/ws/feedback',
    maxPayload: 1024,
    handle(ws: WebSocket, _req: IncomingMessage, session: Session, url: URL) {
      let ex: Exercise;
      try {
        ex = exerciseOf(ctx, url.searchParams.get('exercise') ?? undefined);
      } catch (err) {
        send(ws, { type: 'error', message: messageOf(err) });
        ws.close(1008, 'unknown exercise');
        return;
      }
      const userId = session.user.id;
      const key = `${userId}:${ex.id}`;
      let feed = feeds.get(key);
      if (!feed) {
        const created: Feed = { sockets: new Set() };
        feed = created;
        feeds.set(key, created);
        void ctx.labs.labFor(userId).then(
          (lab) => {
            // A status event may have started it on a newer lab meanwhile.
            if (created.sockets.size > 0 && feeds.get(key) === created && !created.live) watch(created, userId, ex, key, lab);
          },
          (err) => {
            for (const s of created.sockets) {
              send(s, { type: 'error', message: `Live feedback is not available: ${learnerSafe(messageOf(err))}` });
              s.close(1011, 'live feedback failed');
            }
            if (feeds.get(key) === created) feeds.delete(key);
          },
        );
      } else if (feed.live?.current) {
        send(ws, { type: 'result', ...shownTo(ctx, session.user.id, feed.live.current) });
      }
      const mine = feed;
      mine.sockets.add(ws);

      ws.on('message', (data) => {
        let frame: unknown;
        try {
          frame = JSON.parse(String(data));
        } catch {
          frame = undefined;
        }
        if (!clientFrame.safeParse(frame).success) return send(ws, { type: 'error', message: 'Unknown message: send {"type":"recheck"} or nothing.' });
        void mine.live?.refresh();
      });
      ws.on('close', () => {
        mine.sockets.delete(ws);
        if (mine.sockets.size === 0) {
          mine.live?.stop();
          if (feeds.get(key) === mine) feeds.delete(key);
        }
      });
    },
    async close() {
      ctx.labs.off('status', onLab);
      for (const f of feeds.values()) f.live?.stop();
      feeds.clear();
    },
  };
}
