/**
 * Accounts and signing in: the sign-in page and API, sign-out, the current session, and the guard
 * that sends visitors without a session to the sign-in page (accounts mode). Role checks are in
 * accounts/roles.ts. Single-user mode (loopback only) keeps its automatic session.
 */
import type { Express, Request } from 'express';
import { z } from 'zod';
import type { AppContext, Job, RouteModule } from './context.js';
import { HttpError } from './errors.js';
import { verifyPassword } from './accounts/passwords.js';
import { LoginThrottle, accountKey, addressKey } from './accounts/throttle.js';
import { wantsHtml } from './http/negotiation.js';
import { loginPage } from './accounts/views.js';

export { hashPassword, verifyPassword, passwordProblem } from './accounts/passwords.js';

/** Paths anyone may reach without a session in accounts mode. */
const publicPaths = [/^\/login$/, /^\/join(\/[^/]*)?$/, /^\/assets\//, /^\/healthz$/, /^\/api\/session$/, /^\/favicon\.ico$/];

const loginBody = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(1024),
  next: z.string().max(2000).optional(),
  _csrf: z.string().optional(),
});

/** A same-site path to go to after signing in; anything else (other hosts, //evil) becomes /. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}

function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Background job: failed sign-ins older than the throttle remembers, and expired sessions, are forgotten, hourly (and soon after start). */
export function loginPruneJob(ctx: AppContext): Job {
  const throttle = new LoginThrottle(ctx.store.logins);
  return {
    name: 'sign-in throttle and session pruning',
    everyMs: 3600_000,
    firstAfterMs: 10_000,
    run: () => {
      throttle.prune();
      ctx.store.sessions.prune();
    },
  };
}

export const authRoutes: RouteModule = (app: Express, ctx: AppContext) => {
  const throttle = new LoginThrottle(ctx.store.logins);
  const accounts = ctx.config.auth === 'accounts';

  // Accounts mode: without a session, pages redirect to sign-in and APIs answer 401.
  app.use((req, res, next) => {
    if (!accounts || req.session || publicPaths.some((p) => p.test(req.path))) return next();
    if (req.method === 'GET' && wantsHtml(req)) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    next();
  });

  app.get('/login', (req, res) => {
    if (!accounts) return res.redirect(303, '/');
    if (req.session) return res.redirect(303, safeNext(req.query.next));
    const csrf = ctx.sessions.preSession(req, res);
    res.type('html').send(loginPage({ csrf, next: safeNext(req.query.next) }));
  });

  /** For scripts and tests: the pre-session CSRF token (and its cookie) a sign-in request needs. */
  app.get('/api/session', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.session) {
      const u = req.session.user;
      return res.json({ signedIn: true, user: { id: u.id, username: u.username, displayName: u.displayName, role: u.role }, csrfToken: req.session.csrfToken, auth: ctx.config.auth });
    }
    res.json({ signedIn: false, csrfToken: ctx.sessions.preSession(req, res), auth: ctx.config.auth });
  });

  app.post(['/login', '/api/login'], async (req, res) => {
    const form = wantsHtml(req) && req.path === '/login';
    const fail = (status: number, message: string, retryAfterMs = 0) => {
      if (retryAfterMs > 0) res.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
      if (form) {
        const csrf = ctx.sessions.preSession(req, res);
        const username = typeof req.body?.username === 'string' ? req.body.username.slice(0, 100) : '';
        return res.status(status).type('html').send(loginPage({ csrf, next: safeNext(req.body?.next), error: message, username }));
      }
      throw new HttpError(status, message, status === 429 ? 'Wait, then try again.' : 'Check the username and password, then try again.');
    };
    if (!accounts) throw new HttpError(404, 'This server runs in single-user mode: there is nothing to sign in to.');
    const parsed = loginBody.safeParse(req.body);
    if (!parsed.success) return fail(400, 'Enter a username and a password.');
    const { username, password } = parsed.data;
    const keys = [accountKey(username), addressKey(clientAddress(req))];
    // Counted before the password is checked: concurrent guesses cannot all slip under the allowance.
    const wait = throttle.begin(keys);
    if (wait > 0) {
      ctx.log.warn('sign-in refused: throttled', { username, address: clientAddress(req), waitMs: wait });
      return fail(429, `Too many failed sign-ins. Try again in ${Math.ceil(wait / 1000)} seconds.`, wait);
    }
    const user = ctx.store.users.byUsername(username);
    const ok = await verifyPassword(user?.passwordHash, password);
    if (!user || !ok) {
      ctx.log.info('sign-in failed', { username, address: clientAddress(req) });
      return fail(401, 'The username or password is not right.', throttle.waitMs(keys));
    }
    throttle.succeeded(keys);
    if (user.disabledAt) {
      ctx.log.info('sign-in refused: account disabled', { username, userId: user.id });
      return fail(403, 'This account is disabled. Ask an admin to enable it.');
    }
    if (req.session) ctx.sessions.destroy(req.session.id); // a new session id at sign-in: no fixation
    const { token, session } = ctx.sessions.create(user);
    res.setHeader('Set-Cookie', ctx.sessions.cookie(token, req.secure));
    ctx.log.info('signed in', { username, userId: user.id });
    if (form) return res.redirect(303, safeNext(parsed.data.next));
    res.json({ user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role }, csrfToken: session.csrfToken });
  });

  app.post(['/logout', '/api/logout'], (req, res) => {
    if (req.session) ctx.sessions.destroy(req.session.id);
    res.setHeader('Set-Cookie', ctx.sessions.cookie('', req.secure).replace(/Max-Age=\d+/, 'Max-Age=0'));
    if (wantsHtml(req) && req.path === '/logout') return res.redirect(303, accounts ? '/login' : '/');
    res.status(204).end();
  });
};
