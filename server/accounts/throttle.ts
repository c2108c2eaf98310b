/**
 * Slows down password guessing, per account and per client address, with state in the database
 * (so restarting the server does not reset it).
 *
 * Each key has a free allowance of failures; after it, every further failure blocks that key for
 * 2^(n - allowance) seconds (1, 2, 4, … capped at 15 minutes). While a key is blocked, sign-in
 * attempts are refused with 429 before the password is even looked at, so a blocked guesser learns
 * nothing. Failures are forgotten a day after the last one; a successful sign-in clears the
 * account's count (not the address's, or one valid account would reset an attacker's address).
 *
 * An attempt is counted as a failure when it starts (`begin`), before the slow password check,
 * and taken back if the password was right (`succeeded`): sixty guesses sent at once are then
 * counted one by one as they arrive, and only the allowance (plus the one that trips the block)
 * ever reaches the password check.
 */
import type { LoginsRepo } from '../store/logins.js';

export interface ThrottlePolicy {
  accountAllowance: number;
  addressAllowance: number;
  maxBlockMs: number;
  forgetAfterMs: number;
}

export const defaultThrottlePolicy: ThrottlePolicy = {
  accountAllowance: 5,
  addressAllowance: 20,
  maxBlockMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
};

export const accountKey = (username: string) => `account:${username.toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

export class LoginThrottle {
  constructor(private readonly repo: LoginsRepo, private readonly policy: ThrottlePolicy = defaultThrottlePolicy) {}

  /** How long (ms) the caller must wait before any of these keys may try again; 0 if none is blocked. */
  waitMs(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const t = this.repo.get(key);
      if (t && now - t.lastFailureAt < this.policy.forgetAfterMs) wait = Math.max(wait, t.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  /** Counts a failure against each key; returns how long the caller is now blocked (ms). */
  fail(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const t = this.repo.get(key);
      const failures = (t && now - t.lastFailureAt < this.policy.forgetAfterMs ? t.failures : 0) + 1;
      const allowance = key.startsWith('address:') ? this.policy.addressAllowance : this.policy.accountAllowance;
      const blockMs = failures > allowance ? Math.min(2 ** (failures - allowance - 1) * 1000, this.policy.maxBlockMs) : 0;
      this.repo.set({ key, failures, lastFailureAt: now, blockedUntil: now + blockMs });
      wait = Math.max(wait, blockMs);
    }
    return wait;
  }

  /**
   * Starts an attempt: the wait (ms) when any key is blocked, with nothing counted; else 0, and
   * the attempt is already counted as a failure of every key.
   */
  begin(keys: string[], now = Date.now()): number {
    const wait = this.waitMs(keys, now);
    if (wait > 0) return wait;
    this.fail(keys, now);
    return 0;
  }

  /** The attempt begun with these keys had the right password: the account's count is cleared, the address's attempt taken back. */
  succeeded(keys: string[]): void {
    for (const key of keys) {
      if (!key.startsWith('address:')) {
        this.repo.clear(key);
        continue;
      }
      const t = this.repo.get(key);
      if (!t) continue;
      if (t.failures <= 1) this.repo.clear(key);
      else this.repo.set({ ...t, failures: t.failures - 1, blockedUntil: t.failures - 1 > this.policy.addressAllowance ? t.blockedUntil : t.lastFailureAt });
    }
  }

  succeed(accountKeyValue: string): void {
    this.repo.clear(accountKeyValue);
  }

  prune(now = Date.now()): void {
    this.repo.prune(now - this.policy.forgetAfterMs);
  }
}
