/**
 * The warm pool on real kwok labs: claims from a warm pool and from an empty one, the capacity
 * limit, and a server killed (kill -9) while a pool lab is being created leaves no orphan once it
 * runs again. Never more than two labs exist at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { KwokProvider, packageRoot, type Lab } from '../../sandbox/index.js';
import { processesMentioning } from '../../sandbox/kwok/processes.js';
import { loadConfig, type Config } from '../../server/config.js';
import { LabManager, type LabStatus } from '../../server/labs.js';
import { createLogger } from '../../server/logger.js';
import { kwokWorkDir } from '../../server/labs/providers.js';
import { databasePath, openStore, type Store } from '../../server/store.js';
import { eventually } from '../helpers/lab.js';

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setUp(flags: Partial<Config>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-pool-'));
  dirs.push(dataDir);
  const config = loadConfig({ dataDir, ...flags }, {});
  const store = openStore(databasePath(dataDir));
  const provider = new KwokProvider({ workDir: kwokWorkDir(config), cacheDir: config.cacheDir });
  const labs = new LabManager(provider, store, config, createLogger({ level: 'warn' }));
  const statuses = new Map<number, LabStatus['state'][]>();
  labs.on('status', (userId: number, s: LabStatus) => statuses.set(userId, [...(statuses.get(userId) ?? []), s.state]));
  const user = (name: string) => store.users.create({ username: name, displayName: name, role: 'learner' }).id;
  cleanups.push(async () => {
    await labs.stop();
    for (const ref of await provider.list()) await provider.delete(ref);
    store.close();
  });
  return { config, store, provider, labs, statuses, user };
}

const rows = (store: Store) => store.labs.list().map((l) => ({ name: l.name, owner: l.ownerId, state: l.state }));

describe('the warm pool (poolSize 1, maxLabs 2)', () => {
  it('hands a ready lab over at once, hands over the lab it is creating with its progress, and refuses past capacity', async () => {
    const { store, provider, labs, statuses, user } = setUp({ poolSize: 1, maxLabs: 2 });
    const [ann, bob, cay] = [user('ann'), user('bob'), user('cay')];
    await labs.adopt(); // starts the pool
    expect(await eventually(async () => labs.pool.ready === 1, { timeoutMs: 120_000 })).toBe(true);
    const warm = rows(store);
    expect(warm).toEqual([{ name: expect.stringMatching(/^lab-/), owner: null, state: 'ready' }]);

    // Warm: the pool's lab, no creation steps at all.
    const started = performance.now();
    const a = await labs.labFor(ann);
    console.info(`claim from a warm pool took ${(performance.now() - started).toFixed(1)} ms`);
    expect(a.name).toBe(warm[0]!.name);
    expect(statuses.get(ann)).toEqual(['ready']);
    expect(store.labs.get(a.name)).toMatchObject({ ownerId: ann, state: 'ready' });

    // The pool refills at once; a learner arriving now takes over that creation and sees its progress.
    const refill = await eventually(async () => store.labs.list().find((l) => l.ownerId === null && l.state === 'creating')?.name, { timeoutMs: 10_000 });
    expect(refill).toBeTruthy();
    const b = await labs.labFor(bob);
    expect(b.name).toBe(refill);
    expect(statuses.get(bob)!.at(-1)).toBe('ready');
    expect(statuses.get(bob)!.filter((s) => s === 'creating').length).toBeGreaterThan(0);
    expect(store.labs.get(b.name)).toMatchObject({ ownerId: bob, state: 'ready' });

    // Two labs (claimed ones count) is the limit: a third learner is told the server is full, and the pool waits.
    await expect(labs.labFor(cay)).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/server is full/) });
    await new Promise((r) => setTimeout(r, 2000));
    expect(store.labs.list()).toHaveLength(2);
    expect(labs.pool.ready).toBe(0);

    // Freeing a lab lets the pool refill; stop() waits for that creation to finish.
    await labs.release(ann);
    expect(existsSync(provider.clusterDir(a.name))).toBe(false);
    expect(await eventually(async () => store.labs.list().some((l) => l.ownerId === null), { timeoutMs: 10_000 })).toBe(true);
    await labs.stop();
    const names = (await provider.list()).map((l) => l.name).sort();
    expect(names).toEqual(store.labs.list().map((l) => l.name).sort());
    expect(rows(store).find((r) => r.owner === null)?.state).toBe('ready');
    await labs.release(bob);
  });

  it('reaps unowned labs the pool does not hold, and keeps the ones it does', async () => {
    const { store, labs, provider } = setUp({ poolSize: 1, maxLabs: 2, labIdleMinutes: 1 });
    await labs.adopt();
    expect(await eventually(async () => labs.pool.ready === 1, { timeoutMs: 120_000 })).toBe(true);
    await labs.stop();
    const held = store.labs.list()[0]!.name;
    // A stray: an unowned ready lab the pool does not hold (say, left over after the pool size was lowered).
    const stray = await provider.create({ name: 'stray-lab', workers: 1 });
    store.labs.upsert({ name: stray.name, provider: 'kwok', ownerId: null, state: 'ready' });
    const reaped = await labs.reapIdle(Date.now() + 5 * 60_000);
    expect(reaped).toEqual(['stray-lab']);
    expect((await provider.list()).map((l) => l.name)).toEqual([held]);
    expect(store.labs.list().map((l) => l.name)).toEqual([held]);
  });
});

describe('an empty pool (poolSize 0)', () => {
  it('creates the lab on demand, reporting each creation step', async () => {
    const { store, labs, statuses, user } = setUp({ poolSize: 0, maxLabs: 2 });
    const dee = user('dee');
    await labs.adopt();
    const lab: Lab = await labs.labFor(dee);
    const states = statuses.get(dee)!;
    expect(states[0]).toBe('creating');
    expect(states.filter((s) => s === 'creating').length).toBeGreaterThanOrEqual(3);
    expect(states.at(-1)).toBe('ready');
    expect(store.labs.get(lab.name)).toMatchObject({ ownerId: dee, state: 'ready' });
    await labs.release(dee);
    expect(store.labs.list()).toEqual([]);
  });
});

describe('a server killed while a pool lab is being created', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-pool-crash-'));
  dirs.push(dataDir);
  const config = loadConfig({ dataDir }, {});
  const provider = new KwokProvider({ workDir: kwokWorkDir(config), cacheDir: config.cacheDir });
  let server: ChildProcess | undefined;
  cleanups.push(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    for (const ref of await provider.list()) await provider.delete(ref);
  });

  const serve = () => {
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'kubelab.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--pool-size', '1', '--provider', 'kwok'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBELAB_LOG_LEVEL: 'info' },
    });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    return { child, log: () => log };
  };
  const storeRows = () => {
    if (!existsSync(databasePath(dataDir))) return [];
    const db = new Database(databasePath(dataDir), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT name, owner_id AS owner, state FROM labs ORDER BY name').all() as { name: string; owner: number | null; state: string }[];
    } finally {
      db.close();
    }
  };

  it('adopts nothing half-made after a restart: no process of the lost lab, and the provider and the store agree', async () => {
    const first = serve();
    server = first.child;
    // Wait until the pool lab's control plane processes run, mid-creation.
    const victim = await eventually(
      async () => {
        const row = storeRows().find((r) => r.state === 'creating' && r.owner === null);
        return row && processesMentioning(provider.clusterDir(row.name) + '/').length > 0 ? row.name : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    expect(victim, first.log()).toBeTruthy();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(storeRows()).toEqual([{ name: victim, owner: null, state: 'creating' }]);

    const second = serve();
    server = second.child;
    // The restarted server deletes the half-made lab, then fills the pool with a fresh one.
    const settled = await eventually(
      async () => {
        const r = storeRows();
        return r.length === 1 && r[0]!.name !== victim && r[0]!.state === 'ready' ? r : undefined;
      },
      { timeoutMs: 180_000 },
    );
    expect(settled, second.log()).toBeTruthy();
    expect(second.log()).toMatch(/labs of an earlier run/);
    expect(second.log()).toMatch(/lab provider: kwok/);

    // Stopped politely, the server leaves its ready pool lab for the next run.
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    expect(processesMentioning(provider.clusterDir(victim!) + '/')).toEqual([]);
    expect(processesMentioning(`${victim}.kwokctl.yaml`)).toEqual([]);
    expect(existsSync(provider.clusterDir(victim!))).toBe(false);
    const listed = (await provider.list()).map((l) => l.name).sort();
    expect(listed).toEqual(storeRows().map((r) => r.name));
    expect(listed).not.toContain(victim);
  });
});
