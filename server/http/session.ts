/**
 * Sessions: an opaque random token in an HttpOnly, SameSite=Strict cookie; the database keeps only
 * its sha256. In single-user mode (loopback only) the first visit gets a session for the local
 * learner without sign-up. Every state-changing request must carry the session's CSRF token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Store } from '../store.js';
import type { User } from '../store/users.js';
import type { Config } from '../config.js';
import { HttpError } from '../errors.js';

export const sessionCookie = 'kubelab_session';
/** Before sign-in there is no session to hold a CSRF token: the sign-in and join forms use this signed double-submit cookie. */
export const preSessionCookie = 'kubelab_presession';
const sessionDays = 14;

export interface Session {
  id: string;
  user: User;
  csrfToken: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
    /** The verified CSRF token of a visitor who is not signed in yet (sign-in and join forms). */
    preSessionCsrf?: string;
  }
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) {
      try {
        out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        /* a malformed cookie is ignored, not fatal */
      }
    }
  }
  return out;
}

export class Sessions {
  /** Signs pre-session CSRF tokens; from config.sessionSecret, else new at each start (open sign-in forms then need a reload). */
  private readonly preSessionKey: Buffer;

  constructor(private readonly store: Store, private readonly config: Config) {
    this.preSessionKey = config.sessionSecret ? createHash('sha256').update(config.sessionSecret).digest() : randomBytes(32);
  }

  create(user: User): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expires = new Date(Date.now() + sessionDays * 86400_000).toISOString();
    this.store.sessions.create({ id: hash(token), userId: user.id, csrfToken, expiresAt: expires });
    return { token, session: { id: hash(token), user, csrfToken } };
  }

  /** The session a request's cookie names, if it is valid and not expired. */
  fromRequest(req: IncomingMessage): Session | undefined {
    const token = parseCookies(req.headers.cookie)[sessionCookie];
    if (!token || token.length > 200) return undefined;
    const row = this.store.sessions.live(hash(token));
    if (!row) return undefined;
    const user = this.store.users.byId(row.userId);
    // A disabled account's sessions are removed when it is disabled; this holds even if one was missed.
    return user && !user.disabledAt ? { id: row.id, user, csrfToken: row.csrfToken } : undefined;
  }

  destroy(sessionId: string): void {
    this.store.sessions.remove(sessionId);
  }

  /** Signs a user out everywhere (a closed workshop's learners, a removed account). */
  destroyForUser(userId: number): void {
    this.store.sessions.removeForUser(userId);
  }

  /** The pre-session CSRF token of this visitor, issuing a cookie for a new one if needed. */
  preSession(req: Request, res: Response): string {
    if (req.preSessionCsrf) return req.preSessionCsrf;
    const nonce = randomBytes(24).toString('base64url');
    const token = `${nonce}.${this.sign(nonce)}`;
    res.append('Set-Cookie', `${preSessionCookie}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400${req.secure ? '; Secure' : ''}`);
    req.preSessionCsrf = token;
    return token;
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.preSessionKey).update(nonce).digest('base64url');
  }

  private verifiedPreSession(req: IncomingMessage): string | undefined {
    const token = parseCookies(req.headers.cookie)[preSessionCookie];
    if (!token || token.length > 200) return undefined;
    const [nonce, mac] = token.split('.');
    return nonce && mac && safeEqual(mac, this.sign(nonce)) ? token : undefined;
  }

  cookie(token: string, secure: boolean): string {
    return `${sessionCookie}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${sessionDays * 86400}${secure ? '; Secure' : ''}`;
  }

  /** Express middleware: sets req.session; in single-user mode creates one for the local learner. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      req.session = this.fromRequest(req);
      if (!req.session) req.preSessionCsrf = this.verifiedPreSession(req);
      if (!req.session && this.config.auth === 'single-user' && req.method === 'GET') {
        const user = this.store.users.ensure('local', 'You', 'admin');
        const { token, session } = this.create(user);
        res.setHeader('Set-Cookie', this.cookie(token, req.secure));
        req.session = session;
      }
      next();
    };
  }
}

export function requireSession(req: Request): Session {
  if (!req.session) throw new HttpError(401, 'You are not signed in.', 'Sign in, then try again.');
  return req.session;
}

/** Rejects a state-changing request whose X-CSRF-Token header does not match the session's. */
export function csrfGuard(req: Request, _res: Response, next: NextFunction): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  const sent = req.get('x-csrf-token') ?? (typeof req.body === 'object' && req.body ? (req.body as Record<string, unknown>)._csrf : undefined);
  const expected = req.session?.csrfToken ?? req.preSessionCsrf;
  if (!expected || typeof sent !== 'string' || !safeEqual(sent, expected)) {
    return next(new HttpError(403, 'This request did not carry a valid CSRF token.', 'Reload the page and try again.'));
  }
  next();
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
