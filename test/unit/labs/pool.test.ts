/**
 * The warm pool's rules, with a provider whose creations the test finishes by hand (the real-lab
 * behaviour is in test/integration/pool.test.ts): one creation at a time, the pool size and the
 * capacity limit, waiting while a learner's own lab is being made, retrying after failures, and
 * what LabManager.adopt() does with the labs of a crashed run. The store is a real SQLite file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterProvider, Lab, LabRef, LabSpec, OnCreationStep } from '../../../sandbox/index.js';
import { loadConfig, type Config } from '../../../server/config.js';
import { LabManager, type LabStatus } from '../../../server/labs.js';
import { createLogger } from '../../../server/logger.js';
import { databasePath, openStore, type Store } from '../../../server/store.js';

interface Pending {
  spec: LabSpec;
  progress: OnCreationStep;
  finish(): void;
  fail(message: string): void;
}

/** A provider whose create() waits until the test calls finish() or fail(). */
class HandProvider implements ClusterProvider {
  readonly name = 'kwok' as const;
  readonly pending: Pending[] = [];
  readonly existing = new Set<string>();
  readonly deleted: string[] = [];
  async available() {
    return { ok: true };
  }
  create(spec: LabSpec, progress: OnCreationStep = () => {}): Promise<Lab> {
    return new Promise((resolve, reject) => {
      this.existing.add(spec.name);
      const p: Pending = {
        spec,
        progress,
        finish: () => {
          this.pending.splice(this.pending.indexOf(p), 1);
          resolve(labOf(spec.name));
        },
        fail: (message) => {
          this.pending.splice(this.pending.indexOf(p), 1);
          this.existing.delete(spec.name);
          reject(new Error(message));
        },
      };
      this.pending.push(p);
      progress({ step: 'control plane', done: 1, total: 3 });
    });
  }
  async delete(ref: LabRef) {
    this.existing.delete(ref.name);
    this.deleted.push(ref.name);
  }
  async list() {
    return [...this.existing].map((name) => ({ name, provider: this.name }));
  }
  async open(ref: LabRef) {
    return labOf(ref.name);
  }
  async setComponent() {}
}

const labOf = (name: string): Lab => ({
  name,
  provider: 'kwok',
  kubeconfigs: { admin: `/x/${name}/admin`, learner: `/x/${name}/learner`, grader: `/x/${name}/grader` },
  workers: ['w1', 'w2'],
  namespace: 'default',
  server: 'https://127.0.0.1:1',
  variables: {},
  unsupported: {},
});

const tick = () => new Promise((r) => setTimeout(r, 20));
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function manager(flags: Partial<Config>, provider = new HandProvider()) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-pool-unit-'));
  dirs.push(dataDir);
  const store = openStore(databasePath(dataDir));
  stores.push(store);
  const labs = new LabManager(provider, store, loadConfig({ dataDir, ...flags }, {}), createLogger({ level: 'error' }));
  const user = (n: string) => store.users.create({ username: n, displayName: n, role: 'learner' }).id;
  return { labs, store, provider, user };
}

describe('filling the pool', () => {
  it('creates one lab at a time up to the pool size, each recorded unowned', async () => {
    const { labs, store, provider } = manager({ poolSize: 2, maxLabs: 5 });
    await labs.adopt();
    expect(provider.pending).toHaveLength(1);
    expect(store.labs.list()).toMatchObject([{ ownerId: null, state: 'creating' }]);
    provider.pending[0]!.finish();
    await tick();
    expect(provider.pending).toHaveLength(1);
    provider.pending[0]!.finish();
    await tick();
    expect(provider.pending).toHaveLength(0);
    expect(labs.pool.ready).toBe(2);
    expect(store.labs.list().map((l) => [l.ownerId, l.state])).toEqual([
      [null, 'ready'],
      [null, 'ready'],
    ]);
    await labs.stop();
  });

  it('never creates past maxLabs, counting labs learners own', async () => {
    const { labs, store, provider } = manager({ poolSize: 2, maxLabs: 1 });
    store.labs.upsert({ name: 'lab-owned', provider: 'kwok', ownerId: store.users.create({ username: 'o', displayName: 'o', role: 'learner' }).id, state: 'ready' });
    provider.existing.add('lab-owned');
    await labs.adopt();
    await tick();
    expect(provider.pending).toHaveLength(0);
    await labs.stop();
  });

  it('waits while a learner’s own lab is being created, then fills', async () => {
    const { labs, provider, user } = manager({ poolSize: 1, maxLabs: 3 });
    await labs.adopt();
    provider.pending[0]!.finish();
    await tick();
    const ann = user('a');
    const first = await labs.labFor(ann); // takes the ready lab; the pool starts a refill
    expect(first.name).toMatch(/^lab-/);
    expect(provider.pending).toHaveLength(1);
    const b = labs.labFor(user('b')); // takes over the refill in flight
    await tick();
    expect(provider.pending).toHaveLength(1);
    const c = labs.labFor(user('c')); // nothing left in the pool: a cold creation, and the pool waits
    await tick();
    expect(provider.pending).toHaveLength(2);
    provider.pending[0]!.finish(); // b's lab
    await b;
    await tick();
    expect(provider.pending).toHaveLength(1); // only c's: the pool waits for it
    provider.pending[0]!.finish();
    await c;
    await tick();
    expect(provider.pending).toHaveLength(0); // 3 labs = maxLabs: no refill
    await labs.release(ann);
    await tick();
    expect(provider.pending).toHaveLength(1); // room again: the pool refills
    provider.pending[0]!.finish();
    await labs.stop();
  });

  it('drops a failed creation from the store and tries again after a pause', async () => {
    const { labs, store, provider } = manager({ poolSize: 1, maxLabs: 3 });
    labs.pool.retryMs = 50;
    await labs.adopt();
    provider.pending[0]!.fail('etcd did not start');
    await tick();
    expect(store.labs.list()).toEqual([]);
    expect(provider.pending).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(provider.pending).toHaveLength(1);
    provider.pending[0]!.finish();
    await labs.stop();
  });
});

describe('claiming', () => {
  it('passes the progress of a creation in flight to the learner who took it over, and its failure too', async () => {
    const { labs, store, provider, user } = manager({ poolSize: 1, maxLabs: 3 });
    const statuses: LabStatus[] = [];
    labs.on('status', (_id: number, s: LabStatus) => statuses.push(s));
    await labs.adopt();
    const id = user('a');
    const claim = labs.labFor(id);
    await tick();
    expect(statuses.at(-1)).toEqual({ state: 'creating', step: 'control plane', done: 1, total: 3 });
    provider.pending[0]!.progress({ step: 'worker nodes', done: 2, total: 3 });
    expect(statuses.at(-1)).toEqual({ state: 'creating', step: 'worker nodes', done: 2, total: 3 });
    expect(store.labs.list()[0]).toMatchObject({ ownerId: id, state: 'creating' });
    provider.pending[0]!.fail('no memory left');
    await expect(claim).rejects.toThrow(/no memory left/);
    expect(labs.statusOf(id)).toEqual({ state: 'lost', reason: 'no memory left' });
    await labs.stop();
  });
});

describe('adopting the labs of a crashed run', () => {
  it('pools unowned ready labs up to the pool size and deletes the rest, including creations cut short', async () => {
    const provider = new HandProvider();
    const { labs, store, user } = manager({ poolSize: 1, maxLabs: 8 }, provider);
    const owner = user('a');
    for (const [name, ownerId, state] of [
      ['lab-owned', owner, 'ready'],
      ['lab-warm1', null, 'ready'],
      ['lab-warm2', null, 'ready'],
      ['lab-halfway', null, 'creating'],
    ] as const) {
      store.labs.upsert({ name, provider: 'kwok', ownerId, state });
      provider.existing.add(name);
    }
    store.labs.upsert({ name: 'lab-notyet', provider: 'kwok', ownerId: null, state: 'creating' }); // no folder yet when the server died
    provider.existing.add('lab-unknown'); // the store never heard of it

    const result = await labs.adopt();
    expect(result.adopted).toEqual(['lab-owned']);
    expect(result.pooled).toEqual(['lab-warm1']);
    expect(result.deleted.sort()).toEqual(['lab-halfway', 'lab-unknown', 'lab-warm2']);
    expect(provider.deleted).toContain('lab-notyet'); // delete stops a creator that may still run
    expect(store.labs.list().map((l) => l.name).sort()).toEqual(['lab-owned', 'lab-warm1']);
    expect(labs.pool.ready).toBe(1);
    expect(labs.statusOf(owner)).toMatchObject({ state: 'ready' });
    await labs.stop();
  });
});
