/** Password guessing: per-account and per-address backoff, kept in the database across restarts. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../server/store.js';
import { LoginThrottle, accountKey, addressKey, defaultThrottlePolicy } from '../../../server/accounts/throttle.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-throttle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the sign-in throttle', () => {
  const keys = [accountKey('Alice'), addressKey('10.0.0.7')];

  it('lets 5 failures of an account pass, then doubles the wait from 1 s up to 15 minutes', () => {
    const store = openStore(join(dir, 'a.sqlite'));
    const t = new LoginThrottle(store.logins);
    const now = 1_000_000;
    const waits: number[] = [];
    for (let i = 0; i < 16; i++) waits.push(t.fail(keys, now));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits.slice(5, 10)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(defaultThrottlePolicy.maxBlockMs);
    expect(t.waitMs(keys, now)).toBe(waits.at(-1));
    expect(t.waitMs([accountKey('alice')], now)).toBeGreaterThan(0); // names are case-insensitive
    expect(t.waitMs([accountKey('bob')], now)).toBe(0);
    store.close();
  });

  it('survives a restart: the counts are in the database', () => {
    const store = openStore(join(dir, 'a.sqlite'));
    const t = new LoginThrottle(store.logins);
    expect(store.logins.get(accountKey('alice'))!.failures).toBe(16);
    expect(t.waitMs(keys, 1_000_000 + 1000)).toBeGreaterThan(0);
    store.close();
  });

  it('a success clears the account, not the address; old failures are forgotten after a day', () => {
    const store = openStore(join(dir, 'b.sqlite'));
    const t = new LoginThrottle(store.logins);
    const now = 5_000_000;
    for (let i = 0; i < 25; i++) t.fail([accountKey('carol'), addressKey('10.0.0.8')], now);
    t.succeed(accountKey('carol'));
    expect(t.waitMs([accountKey('carol')], now)).toBe(0);
    expect(t.waitMs([addressKey('10.0.0.8')], now)).toBeGreaterThan(0);
    const dayLater = now + defaultThrottlePolicy.forgetAfterMs + 1;
    expect(t.waitMs([addressKey('10.0.0.8')], dayLater)).toBe(0);
    expect(t.fail([addressKey('10.0.0.8')], dayLater)).toBe(0); // counting starts again
    t.prune(dayLater + defaultThrottlePolicy.forgetAfterMs + 1);
    expect(store.logins.get(addressKey('10.0.0.8'))).toBeUndefined();
    store.close();
  });
});
