/**
 * The HTTP + WebSocket server: one express app, one upgrade path that runs the same checks
 * (Origin, then session) before any socket handler, one error handler.
 * Feature modules add routes through `routes` and sockets through `sockets` (shapes in ../context.ts).
 */
import express, { type Express } from 'express';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { AppContext, RouteModule, SocketRoute } from '../context.js';
import { upgradeGuardsOf } from '../context.js';
import { packageRoot } from '../../sandbox/index.js';
import { errorHandler } from './errors.js';
import { errorPage } from './layout.js';
import { hostAllowed } from './host.js';
import { originAllowed } from './origin.js';
import { csrfGuard } from './session.js';
import { HttpError } from '../errors.js';

export interface App {
  app: Express;
  server: Server;
  close(): Promise<void>;
}

const securityHeaders: express.RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
};

export function createApp(ctx: AppContext, routes: RouteModule[], sockets: SocketRoute[]): App {
  const app = express();
  app.disable('x-powered-by');
  // Behind a TLS-terminating reverse proxy at the configured addresses only: req.secure (Secure
  // cookies) and req.ip come from X-Forwarded-* it sets; anyone else's X-Forwarded-For is ignored.
  if (ctx.config.trustProxy.length > 0) app.set('trust proxy', ctx.config.trustProxy);
  app.use(securityHeaders);
  const singleUser = ctx.config.auth === 'single-user';
  if (singleUser) {
    app.use((req, res, next) => {
      const h = hostAllowed(req, ctx.config.trustedOrigins);
      if (h.ok) return next();
      ctx.log.warn('request refused: foreign Host', { host: req.headers.host, path: req.path });
      res.status(421).type('text').send(`Refused: ${h.reason}.\n`);
    });
  }
  // Health probes and static files need no session: none is looked up or created for them.
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/assets', express.static(join(packageRoot, 'dist', 'client'), { fallthrough: true, maxAge: '1h' }));
  app.use('/assets', express.static(join(packageRoot, 'client', 'public'), { maxAge: '1h' }));
  app.use('/assets', (_req, res) => void res.status(404).type('text').send('No such file.\n'));
  app.use(express.json({ limit: '256kb' }));
  // HTML forms (sign-in, join, instructor forms) post urlencoded bodies carrying _csrf.
  // The exam composer posts one points field per exercise and question of the course (over 200 now).
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 1000 }));
  app.use(ctx.sessions.middleware());
  app.use((req, res, next) => {
    // Browser requests that change state must come from our own pages.
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const o = originAllowed(req, ctx.config.trustedOrigins, { requireOrigin: false });
      if (!o.ok) return next(new HttpError(403, `Request refused: ${o.reason}.`));
    }
    next();
  });
  app.use(csrfGuard);
  for (const register of routes) register(app, ctx);
  app.use('/api', (_req, _res, next) => next(new HttpError(404, 'No such API endpoint.')));
  // Any other address no route answered: the styled page (or JSON), not Express's bare "Cannot GET".
  app.use((_req, _res, next) => next(new HttpError(404, 'There is no page at this address.', 'Go back to the course index.')));
  // The error page has the same header as every page (Exams, Sign out in accounts mode).
  app.use(errorHandler(ctx.log, (status, message, hint, session) => errorPage(status, message, hint, session, ctx.config.auth === 'accounts')));

  const server = createServer(app);
  // One WebSocketServer per route, so each enforces its own frame size limit (a larger frame closes with 1009).
  const servers = new Map(sockets.map((r) => [r.path, new WebSocketServer({ noServer: true, maxPayload: r.maxPayload })]));
  // Set when close() begins: a socket that arrives while the routes shut down (a browser reconnecting
  // at once) is refused, so it retries against the next server instead of hanging on a stopped one.
  let closing = false;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      ctx.log.info('websocket refused', { path: req.url, status, reason });
      socket.end(`HTTP/1.1 ${status} ${reason.replace(/[\r\n]/g, ' ')}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (closing) return refuse(503, 'Service Unavailable');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse(400, 'Bad Request');
    }
    const route = sockets.find((s) => s.path === url.pathname);
    if (!route) return refuse(404, 'Not Found');
    if (singleUser && !hostAllowed(req, ctx.config.trustedOrigins).ok) return refuse(421, 'Misdirected Request');
    const origin = originAllowed(req, ctx.config.trustedOrigins, { requireOrigin: true });
    if (!origin.ok) return refuse(403, 'Forbidden');
    const session = ctx.sessions.fromRequest(req);
    if (!session) return refuse(401, 'Unauthorized');
    for (const guard of upgradeGuardsOf(ctx)) {
      const refusal = guard(session, url);
      if (refusal) return refuse(403, refusal);
    }
    servers.get(route.path)!.handleUpgrade(req, socket, head, (ws) => route.handle(ws, req, session, url));
  });

  return {
    app,
    server,
    close: async () => {
      closing = true;
      // Stop listening first: nothing new arrives while the routes end their shells.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const wss of servers.values()) for (const c of wss.clients) c.terminate();
      server.closeAllConnections?.();
      await Promise.all(sockets.map((r) => r.close?.().catch((err) => ctx.log.warn('closing a socket route failed', { path: r.path, err }))));
      await closed;
    },
  };
}
