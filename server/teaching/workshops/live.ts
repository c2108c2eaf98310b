/**
 * /ws/workshop?id=N — the instructor's live grid. After the Origin and session checks in app.ts,
 * only the workshop's instructor (or an admin) is let in. The server sends a snapshot, then one
 * message per change as it happens: a cell (an attempt was recorded), a lab's state, a learner
 * joining, a message, the workshop's times. Frames from the browser are only "refresh".
 */
import type { WebSocket } from 'ws';
import type { AppContext, SocketRoute } from '../../context.js';
import type { AttemptRecord } from '../../store/attempts.js';
import type { LabStatus } from '../../labs.js';
import type { ErrorFrame } from '../../../shared/socket-error.js';
import type { ExerciseState } from '../../../shared/exercise.js';
import type { WorkshopMessage } from '../../store/workshops.js';
import { canManage, cellsOf, exercisesOf, hubOf, snapshotOf } from './model.js';

export type WorkshopFrame =
  | { type: 'snapshot'; snapshot: ReturnType<typeof snapshotOf> }
  | { type: 'cell'; userId: number; exerciseId: string; status: ExerciseState }
  | { type: 'lab'; userId: number; state: LabStatus['state'] }
  | { type: 'message'; message: WorkshopMessage }
  | ErrorFrame;

export function workshopSocket(ctx: AppContext): SocketRoute {
  return {
    path: '/ws/workshop',
    maxPayload: 1024,
    handle(ws, _req, session, url) {
      const id = Number(url.searchParams.get('id'));
      const w = Number.isInteger(id) ? ctx.store.workshops.get(id) : undefined;
      if (!w || !canManage(session, w)) {
        ws.close(1008, 'not your workshop');
        return;
      }
      const send = (f: WorkshopFrame) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(f));
      };
      const snapshot = () => {
        const current = ctx.store.workshops.get(id);
        if (current) send({ type: 'snapshot', snapshot: snapshotOf(ctx, current) });
      };
      let members = new Set(ctx.store.workshops.members(id).map((m) => m.userId));

      const onAttempt = (a: AttemptRecord) => {
        if (a.userId === null || !members.has(a.userId)) return;
        const current = ctx.store.workshops.get(id);
        if (!current) return;
        const exercises = exercisesOf(ctx, current);
        if (!exercises.some((e) => e.id === a.exerciseId)) return;
        const status = cellsOf(ctx, a.userId, exercises)[a.exerciseId]!;
        send({ type: 'cell', userId: a.userId, exerciseId: a.exerciseId, status });
      };
      const onLab = (userId: number, s: LabStatus) => {
        if (members.has(userId)) send({ type: 'lab', userId, state: s.state });
      };
      const onMember = (workshopId: number) => {
        if (workshopId !== id) return;
        members = new Set(ctx.store.workshops.members(id).map((m) => m.userId));
        snapshot();
      };
      const onMessage = (workshopId: number, message: WorkshopMessage) => {
        if (workshopId === id) send({ type: 'message', message });
      };
      const onChanged = (workshopId: number) => {
        if (workshopId === id) snapshot();
      };
      const hub = hubOf(ctx);
      ctx.store.attempts.on('recorded', onAttempt);
      ctx.labs.on('status', onLab);
      hub.on('member', onMember);
      hub.on('message', onMessage);
      hub.on('changed', onChanged);
      const ping = setInterval(() => ws.readyState === ws.OPEN && ws.ping(), 30_000);
      ping.unref();
      const cleanup = () => {
        clearInterval(ping);
        ctx.store.attempts.off('recorded', onAttempt);
        ctx.labs.off('status', onLab);
        hub.off('member', onMember);
        hub.off('message', onMessage);
        hub.off('changed', onChanged);
      };
      ws.on('close', cleanup);
      ws.on('error', cleanup);
      ws.on('message', (data: WebSocket.RawData) => {
        let frame: unknown;
        try {
          frame = JSON.parse(data.toString());
        } catch {
          return send({ type: 'error', message: 'frames are JSON' });
        }
        if (typeof frame === 'object' && frame !== null && (frame as { type?: unknown }).type === 'refresh') snapshot();
      });
      snapshot();
    },
  };
}
