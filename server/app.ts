/**
 * The HTTP + WebSocket server: one express app, one upgrade path that runs the same checks
 * (Origin, then session) before any socket handler, one error handler.
 * Feature modules add routes through `routes` and sockets through `sockets`.
 */
import express, { type Express } from 'express';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store.js';
import type { LabManager } from './labs.js';
import { packageRoot } from '../sandbox/index.js';
import { errorHandler } from './http/errors.js';
import { originAllowed } from './http/origin.js';
import { Sessions, csrfGuard, type Session } from './http/session.js';
import { HttpError } from './errors.js';

export interface AppContext {
  config: Config;
  store: Store;
  log: Logger;
  labs: LabManager;
  sessions: Sessions;
}

/** A feature's HTTP routes, mounted after session and CSRF middleware. */
export type RouteModule = (app: Express, ctx: AppContext) => void;

/** A feature's WebSocket endpoint: runs only after the Origin and session checks passed. */
export interface SocketRoute {
  path: string;
  /** Maximum size of one incoming frame, in bytes. */
  maxPayload: number;
  handle(ws: WebSocket, req: IncomingMessage, session: Session, url: URL): void;
  /** Called when the server stops (e.g. to end the processes behind the sockets). */
  close?(): Promise<void>;
}

/**
 * A check every WebSocket upgrade passes after the session check (express middleware does not see
 * upgrades): returns a reason to refuse with 403, or undefined. E.g. the exam lockdown.
 */
export type UpgradeGuard = (session: Session, url: URL) => string | undefined;
const upgradeGuards = new WeakMap<AppContext, UpgradeGuard[]>();

export function addUpgradeGuard(ctx: AppContext, guard: UpgradeGuard): void {
  upgradeGuards.set(ctx, [...(upgradeGuards.get(ctx) ?? []), guard]);
}

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
  // Behind a TLS-terminating reverse proxy on this host or network: req.secure (Secure cookies) and req.ip come from X-Forwarded-*.
  if (ctx.config.trustProxy) app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(securityHeaders);
  app.use(express.json({ limit: '256kb' }));
  // HTML forms (sign-in, join, instructor forms) post urlencoded bodies carrying _csrf.
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
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
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  for (const register of routes) register(app, ctx);
  app.use('/assets', express.static(join(packageRoot, 'dist', 'client'), { fallthrough: true, maxAge: '1h' }));
  app.use('/assets', express.static(join(packageRoot, 'client', 'public'), { maxAge: '1h' }));
  app.use('/api', (_req, _res, next) => next(new HttpError(404, 'No such API endpoint.')));
  app.use(errorHandler(ctx.log));

  const server = createServer(app);
  // One WebSocketServer per route, so each enforces its own frame size limit (a larger frame closes with 1009).
  const servers = new Map(sockets.map((r) => [r.path, new WebSocketServer({ noServer: true, maxPayload: r.maxPayload })]));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      ctx.log.info('websocket refused', { path: req.url, status, reason });
      socket.end(`HTTP/1.1 ${status} ${reason.replace(/[\r\n]/g, ' ')}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse(400, 'Bad Request');
    }
    const route = sockets.find((s) => s.path === url.pathname);
    if (!route) return refuse(404, 'Not Found');
    const origin = originAllowed(req, ctx.config.trustedOrigins, { requireOrigin: true });
    if (!origin.ok) return refuse(403, 'Forbidden');
    const session = ctx.sessions.fromRequest(req);
    if (!session) return refuse(401, 'Unauthorized');
    for (const guard of upgradeGuards.get(ctx) ?? []) {
      const refusal = guard(session, url);
      if (refusal) return refuse(403, refusal);
    }
    servers.get(route.path)!.handleUpgrade(req, socket, head, (ws) => route.handle(ws, req, session, url));
  });

  return {
    app,
    server,
    close: () =>
      new Promise((resolve) => {
        for (const wss of servers.values()) for (const c of wss.clients) c.terminate();
        server.closeAllConnections?.();
        void Promise.all(sockets.map((r) => r.close?.().catch((err) => ctx.log.warn('closing a socket route failed', { path: r.path, err })))).then(() =>
          server.close(() => resolve()),
        );
      }),
  };
}
