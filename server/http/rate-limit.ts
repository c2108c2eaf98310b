/**
 * Per-learner rate limits on the requests that cost the host real work: a Check (reads from the
 * lab), an exercise's setup or cleanup (scripts against the lab), a lab reset (a whole control
 * plane deleted and created, about 12 s of CPU). A token bucket per learner and action: `burst`
 * requests at once, then one every `everyMs`; past it the request is refused with 429 and
 * Retry-After before any work starts. In memory: a restart forgives, which costs nothing here.
 */
import type { NextFunction, Request, Response } from 'express';
import { TooManyRequests } from '../errors.js';
import { requireSession } from './session.js';

export interface RateLimit {
  /** Requests allowed at once. */
  burst: number;
  /** One more request is allowed every this many ms. */
  everyMs: number;
}

export const learnerRateLimits = {
  check: { burst: 10, everyMs: 3_000 },
  setup: { burst: 5, everyMs: 10_000 },
  reset: { burst: 2, everyMs: 60_000 },
} satisfies Record<string, RateLimit>;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limit: RateLimit) {}

  /** Takes one token for `key`; returns 0 when allowed, else the ms until the next one. */
  take(key: string, now = Date.now()): number {
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const tokens = Math.min(this.limit.burst, b.tokens + (now - b.at) / this.limit.everyMs);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return Math.ceil((1 - tokens) * this.limit.everyMs);
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    // Full buckets are forgotten: the map holds only learners who used the action lately.
    if (this.buckets.size > 10_000) for (const [k, v] of this.buckets) if (v.tokens + (now - v.at) / this.limit.everyMs >= this.limit.burst) this.buckets.delete(k);
    return 0;
  }
}

/** Express middleware: one bucket per signed-in learner for `action`. */
export function perLearner(action: string, limit: RateLimit) {
  const limiter = new RateLimiter(limit);
  return (req: Request, _res: Response, next: NextFunction) => {
    const session = requireSession(req);
    const wait = limiter.take(String(session.user.id));
    if (wait > 0) return next(new TooManyRequests(`Too many ${action} requests.`, wait));
    next();
  };
}
