import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../server/store.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (passed: boolean) => [{ title: 't', passed, points: passed ? 1 : 0, maxPoints: 1, message: '' }];

describe("a learner's exercise state", () => {
  it('keeps the exercise last set up in their lab across a restart, until its cleanup', () => {
    const path = join(dir, 'setups.sqlite');
    let store = openStore(path);
    const ann = store.users.create({ username: 'ann', displayName: 'Ann', role: 'learner', passwordHash: null });
    const ben = store.users.create({ username: 'ben', displayName: 'Ben', role: 'learner', passwordHash: null });
    store.setups.set(ann.id, 'first-pod');
    store.setups.set(ann.id, 'manual-schedule');
    store.setups.set(ben.id, 'first-pod');
    store.close();

    store = openStore(path);
    expect(store.setups.current(ann.id)).toBe('manual-schedule');
    store.setups.clear(ann.id, 'first-pod'); // not the one set up: kept
    expect(store.setups.current(ann.id)).toBe('manual-schedule');
    store.setups.clear(ann.id, 'manual-schedule');
    expect(store.setups.current(ann.id)).toBeUndefined();
    expect(store.setups.current(ben.id)).toBe('first-pod');
    store.close();
  });

  it("knows whether the learner's latest check passed, across a restart; exam attempts do not count", () => {
    const path = join(dir, 'attempts.sqlite');
    let store = openStore(path);
    const ann = store.users.create({ username: 'ann', displayName: 'Ann', role: 'learner', passwordHash: null });
    expect(store.attempts.lastPassed(ann.id, 'scale-web')).toBeUndefined();
    store.attempts.record({ userId: ann.id, exerciseId: 'scale-web', labName: 'l1', trigger: 'check', checks: check(false) });
    store.attempts.record({ userId: ann.id, exerciseId: 'scale-web', labName: 'l1', trigger: 'live', checks: check(true) });
    store.attempts.record({ userId: ann.id, exerciseId: 'scale-web', labName: 'l1', trigger: 'exam', checks: check(false) });
    store.close();

    store = openStore(path);
    expect(store.attempts.lastPassed(ann.id, 'scale-web')).toBe(true);
    expect(store.attempts.lastPassed(ann.id, 'first-pod')).toBeUndefined();
    store.close();
  });
});
