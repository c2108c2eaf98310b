/**
 * /ws/terminal-watch?user=N — an instructor watches a learner's terminal, read-only. After the
 * Origin and session checks in app.ts, only an admin or the instructor of the workshop the learner
 * joined is let in. The socket is added to the learner's shell as a watcher (replay, then live
 * output; see ShellProcess.watch); whatever it sends is ignored. When the learner's shell is
 * replaced (reset, reconnect after exit) the watcher follows the new one.
 */
import type { AppContext, SocketRoute } from '../../context.js';
import type { Session } from '../../http/session.js';
import { terminalsFor } from '../../terminal.js';
import { canManage } from './model.js';

export function mayWatch(ctx: AppContext, session: Session, learnerId: number): boolean {
  if (!Number.isInteger(learnerId) || learnerId === session.user.id) return false;
  if (session.user.role === 'admin') return ctx.store.users.byId(learnerId) !== undefined;
  if (session.user.role !== 'instructor') return false;
  const w = ctx.store.workshops.workshopOf(learnerId);
  return !!w && canManage(session, w);
}

export function terminalWatchSocket(ctx: AppContext): SocketRoute {
  return {
    path: '/ws/terminal-watch',
    maxPayload: 256,
    handle(ws, _req, session, url) {
      const learnerId = Number(url.searchParams.get('user'));
      if (!mayWatch(ctx, session, learnerId)) {
        ws.close(1008, 'not allowed to watch this terminal');
        return;
      }
      ctx.log.info('terminal watched', { by: session.user.id, learner: learnerId });
      const terminals = terminalsFor(ctx);
      let current: ReturnType<typeof terminals.shellOf>;
      let waiting = false;
      const follow = () => {
        if (ws.readyState !== ws.OPEN) return;
        const shell = terminals.shellOf(learnerId);
        if (shell === current && (shell || waiting)) return;
        current?.unwatch(ws);
        current = shell;
        if (shell) {
          waiting = false;
          shell.watch(ws);
        } else {
          waiting = true;
          ws.send(JSON.stringify({ type: 'waiting', message: 'The learner has no terminal open right now.' }));
        }
      };
      follow();
      const timer = setInterval(follow, 1000);
      timer.unref();
      ws.on('message', () => undefined); // read-only: input is dropped here, never forwarded
      ws.on('close', () => {
        clearInterval(timer);
        current?.unwatch(ws);
      });
      ws.on('error', () => undefined);
    },
  };
}
