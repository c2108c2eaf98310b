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
import type { AppContext, RouteModule, SocketRoute } from './app.js';
import { courseOf } from './course-cache.js';
import type { Exercise } from './course.js';
import { HttpError, messageOf } from './errors.js';
import { gradeExercise, targetOf, type ExerciseResult, type GradingTarget } from './grading.js';
import { learnerKubeconfigFor } from './terminal.js';
import { cleanupExercise, setupExercise } from './grading/lifecycle.js';
import { LiveFeedback } from './grading/live.js';
import { requireSession, type Session } from './http/session.js';
import type { Lab } from '../sandbox/index.js';

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
export function learnerTarget(ctx: AppContext, userId: number, lab: Lab): GradingTarget {
  return { ...targetOf(lab), learner: learnerKubeconfigFor(ctx, userId, lab) };
}

export function attemptChecks(r: ExerciseResult) {
  return r.checks.map((c) => ({ title: c.title, passed: c.passed, points: c.points, maxPoints: c.maxPoints, message: c.message }));
}

/** Per learner: the exercise last set up (so the next setup cleans it up first), and a queue so setups never overlap. */
const setUp = new Map<number, string>();
const queues = new Map<number, Promise<unknown>>();

function serialised<T>(userId: number, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(userId) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  queues.set(userId, next);
  void next.finally(() => queues.get(userId) === next && queues.delete(userId)).catch(() => undefined);
  return next;
}

async function cleanupPrevious(ctx: AppContext, userId: number, lab: Lab): Promise<void> {
  const previous = setUp.get(userId);
  if (!previous) return;
  setUp.delete(userId);
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
  if (!result.passed || !ex.setupComponents || setUp.get(userId) !== ex.id) return;
  setUp.delete(userId);
  void serialised(userId, () => cleanupExercise(ex, lab, ctx.labs.provider)).then(
    () => ctx.log.info('exercise passed: components restored', { exercise: ex.id, lab: lab.name, userId }),
    (err) => ctx.log.warn('restoring components after a pass failed', { exercise: ex.id, err }),
  );
}

export const exerciseRoutes: RouteModule = (app, ctx) => {
  app.post('/api/exercises/:id/setup', async (req, res) => {
    const session = requireSession(req);
    const ex = exerciseOf(ctx, req.params.id);
    const lab = await ctx.labs.labFor(session.user.id);
    await serialised(session.user.id, async () => {
      if (setUp.get(session.user.id) !== ex.id) await cleanupPrevious(ctx, session.user.id, lab);
      await setupExercise(ex, lab, ctx.labs.provider);
      setUp.set(session.user.id, ex.id);
    });
    ctx.log.info('exercise set up', { exercise: ex.id, lab: lab.name, userId: session.user.id });
    res.json({ exerciseId: ex.id, ready: true });
  });

  app.post('/api/exercises/:id/cleanup', async (req, res) => {
    const session = requireSession(req);
    const ex = exerciseOf(ctx, req.params.id);
    const lab = await ctx.labs.labFor(session.user.id);
    await serialised(session.user.id, async () => {
      await cleanupExercise(ex, lab, ctx.labs.provider);
      if (setUp.get(session.user.id) === ex.id) setUp.delete(session.user.id);
    });
    res.json({ exerciseId: ex.id, cleanedUp: true });
  });

  app.post('/api/exercises/:id/check', async (req, res) => {
    const session = requireSession(req);
    const ex = exerciseOf(ctx, req.params.id);
    const lab = await ctx.labs.labFor(session.user.id);
    const result = await gradeExercise(ex, learnerTarget(ctx, session.user.id, lab));
    ctx.store.attempts.record({ userId: session.user.id, exerciseId: ex.id, labName: lab.name, trigger: 'check', checks: attemptChecks(result) });
    liveState.set(`${session.user.id}:${ex.id}`, result.passed);
    restoreAfterPass(ctx, session.user.id, ex, lab, result);
    res.json(result);
  });
};

/** Last known pass/fail per learner and exercise, to record live attempts only on a change. */
const liveState = new Map<string, boolean>();

/** One watcher per learner and exercise, shared by every socket (several tabs) that follows it. */
interface Feed {
  live?: LiveFeedback;
  sockets: Set<WebSocket>;
  starting?: Promise<void>;
}

const clientFrame = z.object({ type: z.literal('recheck') }).strict();

export function feedbackSocket(ctx: AppContext): SocketRoute {
  const feeds = new Map<string, Feed>();
  const send = (ws: WebSocket, msg: object) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  const publish = (userId: number, ex: Exercise, lab: Lab, key: string) => (r: ExerciseResult) => {
    for (const ws of feeds.get(key)?.sockets ?? []) send(ws, { type: 'result', ...r });
    const before = liveState.get(key);
    if (before !== undefined ? before !== r.passed : r.passed) {
      ctx.store.attempts.record({ userId, exerciseId: ex.id, labName: lab.name, trigger: 'live', checks: attemptChecks(r) });
    }
    liveState.set(key, r.passed);
    restoreAfterPass(ctx, userId, ex, lab, r);
  };

  return {
    path: '/ws/feedback',
    maxPayload: 1024,
    handle(ws: WebSocket, _req: IncomingMessage, session: Session, url: URL) {
      let ex: Exercise;
      try {
        ex = exerciseOf(ctx, url.searchParams.get('exercise') ?? undefined);
      } catch (err) {
        send(ws, { type: 'error', error: messageOf(err) });
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
        created.starting = (async () => {
          const lab = await ctx.labs.labFor(userId);
          if (created.sockets.size === 0) return;
          created.live = new LiveFeedback(ex, learnerTarget(ctx, userId, lab), publish(userId, ex, lab, key), { log: ctx.log });
          await created.live.start();
        })().catch((err) => {
          for (const s of created.sockets) {
            send(s, { type: 'error', error: `Live feedback is not available: ${messageOf(err)}` });
            s.close(1011, 'live feedback failed');
          }
          if (feeds.get(key) === created) feeds.delete(key);
        });
      } else if (feed.live?.current) {
        send(ws, { type: 'result', ...feed.live.current });
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
        if (!clientFrame.safeParse(frame).success) return send(ws, { type: 'error', error: 'Unknown message: send {"type":"recheck"} or nothing.' });
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
      for (const f of feeds.values()) f.live?.stop();
      feeds.clear();
    },
  };
}
