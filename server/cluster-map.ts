/**
 * The cluster map: a live picture of a learner's lab, drawn in the browser from watches the server
 * holds with the lab's grader credential (read-only; never the learner's).
 *
 *   WS  /ws/cluster                 the signed-in learner's own lab
 *   WS  /ws/cluster?learner=<id>    learner <id>'s lab, read-only, for an admin or their workshop's instructor
 *   GET /learners/:id/cluster       the page around that socket, opened from the workshop dashboard
 *
 * Which lab a socket shows is decided here, from the session (and the learner's id, after the same
 * check that guards watching a terminal); the client sends nothing. One watch per lab is shared
 * by every socket showing it and ends with the last of them. When the learner's lab is replaced
 * (a reset), the sockets follow the new one. Frames are in shared/cluster-map.ts.
 */
import type { WebSocket } from 'ws';
import type { AppContext, RouteModule, SocketRoute } from './context.js';
import type { LabStatus } from './labs.js';
import type { Lab } from '../sandbox/index.js';
import { HttpError, messageOf } from './errors.js';
import { requireSession, type Session } from './http/session.js';
import { mayWatch } from './teaching/workshops/watch.js';
import { page } from './http/layout.js';
import { html } from './http/html.js';
import { LabWatch } from './cluster-map/watch.js';
import type { MapFrame } from '../shared/cluster-map.js';

/** A socket whose send buffer holds more than this gets a fresh snapshot once it drains, instead of every patch. */
const slowSocketBytes = 1024 * 1024;

interface Feed {
  watch: LabWatch;
  sockets: Set<WebSocket>;
}

export function clusterMapSocket(ctx: AppContext): SocketRoute {
  const feeds = new Map<string, Feed>();
  const behind = new WeakSet<WebSocket>();

  const send = (ws: WebSocket, frame: MapFrame | string) => {
    if (ws.readyState === ws.OPEN) ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  };

  const snapshotTo = (ws: WebSocket, feed: Feed) => {
    send(ws, { type: 'snapshot', lab: feed.watch.lab.name, state: feed.watch.snapshot() });
    send(ws, { type: 'status', ...feed.watch.status });
  };

  const join = (ws: WebSocket, lab: Lab): Feed => {
    let feed = feeds.get(lab.name);
    if (!feed) {
      const created: Feed = { sockets: new Set(), watch: undefined as unknown as LabWatch };
      created.watch = new LabWatch(
        lab,
        {
          patch(changes, sentAt) {
            const frame = JSON.stringify({ type: 'patch', changes, sentAt } satisfies MapFrame);
            for (const s of created.sockets) {
              if (s.bufferedAmount > slowSocketBytes) behind.add(s);
              else if (behind.has(s)) {
                behind.delete(s);
                snapshotTo(s, created);
              } else send(s, frame);
            }
          },
          status(st) {
            const frame = JSON.stringify({ type: 'status', ...st } satisfies MapFrame);
            for (const s of created.sockets) send(s, frame);
            if (st.state === 'unreachable') ctx.log.info('cluster map: lab unreachable', { lab: lab.name, detail: st.detail });
          },
        },
        { log: ctx.log },
      );
      feeds.set(lab.name, created);
      created.watch.start();
      feed = created;
    }
    feed.sockets.add(ws);
    snapshotTo(ws, feed);
    return feed;
  };

  const leave = (ws: WebSocket, feed: Feed | undefined) => {
    if (!feed) return;
    feed.sockets.delete(ws);
    if (feed.sockets.size === 0) {
      feed.watch.stop();
      if (feeds.get(feed.watch.lab.name) === feed) feeds.delete(feed.watch.lab.name);
    }
  };

  return {
    path: '/ws/cluster',
    maxPayload: 256,
    handle(ws: WebSocket, _req, session: Session, url: URL) {
      const asked = url.searchParams.get('learner');
      let learnerId = session.user.id;
      if (asked !== null && asked !== String(session.user.id)) {
        const id = /^[1-9][0-9]{0,9}$/.test(asked) ? Number(asked) : NaN;
        if (!mayWatch(ctx, session, id)) {
          ctx.log.info('cluster map refused', { by: session.user.id, learner: asked });
          send(ws, { type: 'error', message: 'You may not see this lab.', hint: 'Open learners from your workshop dashboard.' });
          ws.close(1008, 'not allowed to see this lab');
          return;
        }
        learnerId = id;
      }
      const readOnly = learnerId !== session.user.id;
      const learner = readOnly ? (ctx.store.users.byId(learnerId)?.displayName ?? `learner ${learnerId}`) : session.user.displayName;
      send(ws, { type: 'hello', learner, readOnly });

      let current: Feed | undefined;
      const follow = (s: LabStatus) => {
        if (s.state === 'ready') {
          if (current?.watch.lab.name === s.lab.name) return;
          leave(ws, current);
          current = join(ws, s.lab);
          return;
        }
        leave(ws, current);
        current = undefined;
        const detail =
          s.state === 'creating' ? `the lab is being created (${s.step})` : s.state === 'lost' ? `the lab was lost: ${s.reason}` : readOnly ? 'this learner has no lab right now' : 'your lab is starting';
        send(ws, { type: 'status', state: 'waiting', detail });
      };
      const onLab = (userId: number, s: LabStatus) => {
        if (userId === learnerId && ws.readyState === ws.OPEN) follow(s);
      };
      ctx.labs.on('status', onLab);
      follow(ctx.labs.statusOf(learnerId));
      // A learner's own map may start their lab (the terminal beside it does the same); an instructor's never does.
      const own = ctx.labs.statusOf(learnerId);
      if (!readOnly && (!current || (own.state === 'ready' && own.parked === 'parked'))) {
        void ctx.labs.labFor(learnerId).then(
          () => follow(ctx.labs.statusOf(learnerId)),
          (err) => send(ws, { type: 'status', state: 'waiting', detail: messageOf(err) }),
        );
      }
      const ping = setInterval(() => ws.readyState === ws.OPEN && ws.ping(), 30_000);
      ping.unref();
      ws.on('message', () => send(ws, { type: 'error', message: 'This socket takes no messages: the server decides what it shows.' }));
      const cleanup = () => {
        clearInterval(ping);
        ctx.labs.off('status', onLab);
        leave(ws, current);
        current = undefined;
      };
      ws.on('close', cleanup);
      ws.on('error', cleanup);
    },
    async close() {
      for (const f of feeds.values()) f.watch.stop();
      feeds.clear();
    },
  };
}

export const clusterMapRoutes: RouteModule = (app, ctx) => {
  app.get('/learners/:id/cluster', (req, res) => {
    const s = requireSession(req);
    const id = Number(req.params.id);
    // Someone the viewer may not watch is reported as missing, so their existence is not disclosed.
    if (!/^[1-9][0-9]{0,9}$/.test(String(req.params.id)) || !mayWatch(ctx, s, id)) throw new HttpError(404, 'There is no such learner.', 'Open learners from your workshop dashboard.');
    const name = ctx.store.users.byId(id)?.displayName ?? `learner ${id}`;
    res.type('html').send(
      page({
        title: `Cluster of ${name}`,
        session: s,
        accounts: ctx.config.auth === 'accounts',
        scripts: ['cluster'],
        body: html`<section class="cluster-page" aria-labelledby="cluster-page-h">
  <h1 id="cluster-page-h">Cluster of ${name} <small class="muted">(read-only)</small></h1>
  <div id="cluster-map" class="cluster-map" data-learner="${String(id)}"></div>
</section>`,
      }),
    );
  });
};
