/**
 * Labs of learners: one lab per learner, taken from the warm pool (server/pool.ts) or created on
 * first need, recorded in the store, reaped when idle, and adopted or deleted at start-up when a
 * crashed run left them behind.
 * Everything else asks this module for a learner's lab; nothing else calls a provider's create.
 */
import { EventEmitter } from 'node:events';
import type { ClusterProvider, Lab } from '../sandbox/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store.js';
import { HttpError, messageOf } from './errors.js';
import { LabPool, newLabName } from './pool.js';

export type LabStatus =
  | { state: 'none' }
  | { state: 'creating'; step: string; done: number; total: number }
  | { state: 'ready'; lab: Lab }
  | { state: 'lost'; reason: string };

export class LabManager extends EventEmitter {
  private readonly status = new Map<number, LabStatus>();
  private readonly pending = new Map<number, Promise<Lab>>();
  private reaper?: NodeJS.Timeout;
  private coldCreations = 0;
  /** Ready labs kept warm (config.poolSize); see server/pool.ts. */
  readonly pool: LabPool;

  constructor(
    readonly provider: ClusterProvider,
    private readonly store: Store,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    super();
    this.pool = new LabPool(provider, store, config, log, { busy: () => this.coldCreations > 0 });
  }

  statusOf(userId: number): LabStatus {
    return this.status.get(userId) ?? { state: 'none' };
  }

  private setStatus(userId: number, s: LabStatus): void {
    this.status.set(userId, s);
    this.emit('status', userId, s);
  }

  /** The learner's lab, created if they have none. Concurrent callers share one creation. */
  async labFor(userId: number): Promise<Lab> {
    const current = this.status.get(userId);
    if (current?.state === 'ready') {
      this.store.labs.touch(current.lab.name);
      return current.lab;
    }
    const inFlight = this.pending.get(userId);
    if (inFlight) return inFlight;
    const p = this.createFor(userId).finally(() => this.pending.delete(userId));
    this.pending.set(userId, p);
    return p;
  }

  private async createFor(userId: number): Promise<Lab> {
    // A warm lab from the pool when there is one (or the pool's creation in flight, with its progress).
    const claim = this.pool.claim(userId, (p) => this.setStatus(userId, { state: 'creating', ...p }));
    if (claim?.lab) {
      this.setStatus(userId, { state: 'ready', lab: claim.lab });
      this.log.info('lab ready', { lab: claim.name, userId, from: 'pool' });
      return claim.lab;
    }
    let name: string;
    let creation: Promise<Lab>;
    if (claim) {
      name = claim.name;
      this.setStatus(userId, { state: 'creating', ...claim.progress });
      creation = claim.ready;
    } else {
      const active = this.store.labs.list().filter((l) => l.state !== 'deleting').length;
      if (active >= this.config.maxLabs) {
        throw new HttpError(503, `The server is full: ${active} labs are running, the limit is ${this.config.maxLabs}.`, 'Try again in a few minutes.');
      }
      name = newLabName();
      this.store.labs.upsert({ name, provider: this.provider.name, ownerId: userId, state: 'creating' });
      this.setStatus(userId, { state: 'creating', step: 'queued', done: 0, total: 1 });
      this.coldCreations++;
      creation = this.provider.create({ name, workers: this.config.workers }, (p) => this.setStatus(userId, { state: 'creating', ...p })).finally(() => {
        this.coldCreations--;
        this.pool.kick();
      });
    }
    try {
      const lab = await creation;
      this.store.labs.upsert({ name, provider: this.provider.name, ownerId: userId, state: 'ready', info: { kubeconfigs: lab.kubeconfigs, workers: lab.workers } });
      this.setStatus(userId, { state: 'ready', lab });
      this.log.info('lab ready', { lab: name, userId, from: claim ? 'pool (was being created)' : 'created' });
      return lab;
    } catch (err) {
      this.store.labs.remove(name);
      this.setStatus(userId, { state: 'lost', reason: messageOf(err) });
      this.log.warn('lab creation failed', { lab: name, userId, err });
      throw err;
    }
  }

  /** Deletes the learner's lab and creates a fresh one. */
  async reset(userId: number): Promise<Lab> {
    await this.release(userId);
    return this.labFor(userId);
  }

  async release(userId: number): Promise<void> {
    const s = this.status.get(userId);
    await this.pending.get(userId)?.catch(() => undefined);
    const record = this.store.labs.byOwner(userId);
    const name = s?.state === 'ready' ? s.lab.name : record?.name;
    this.status.delete(userId);
    if (!name) return;
    this.store.labs.setState(name, 'deleting');
    await this.provider.delete({ name, provider: this.provider.name });
    this.store.labs.remove(name);
    this.pool.kick();
  }

  /**
   * At start-up: labs in the store that the provider still has are adopted — for their owners, or
   * into the warm pool when unowned (up to its size); provider labs the store does not know, or that
   * were mid-creation when the server died, are deleted. Then the pool starts filling.
   */
  async adopt(): Promise<{ adopted: string[]; pooled: string[]; deleted: string[] }> {
    try {
      return await this.adoptLabs();
    } finally {
      this.pool.start();
    }
  }

  private async adoptLabs(): Promise<{ adopted: string[]; pooled: string[]; deleted: string[] }> {
    const adopted: string[] = [];
    const pooled: string[] = [];
    const deleted: string[] = [];
    const known = new Map(this.store.labs.list().map((l) => [l.name, l]));
    for (const ref of await this.provider.list()) {
      const record = known.get(ref.name);
      known.delete(ref.name);
      if (record && record.state === 'ready') {
        try {
          const lab = await this.provider.open(ref);
          if (record.ownerId !== null) {
            this.setStatus(record.ownerId, { state: 'ready', lab });
            adopted.push(ref.name);
            continue;
          }
          if (this.pool.adoptReady(lab)) {
            pooled.push(ref.name);
            continue;
          }
        } catch (err) {
          this.log.warn('cannot adopt lab', { lab: ref.name, err });
        }
      }
      await this.provider.delete(ref).catch((err) => this.log.warn('cannot delete orphan lab', { lab: ref.name, err }));
      if (record) this.store.labs.remove(ref.name);
      deleted.push(ref.name);
    }
    for (const gone of known.values()) {
      // The store remembers a lab the provider does not list. One that was mid-creation may still have
      // a creator running (the provider had not made its folder yet): delete stops whatever there is.
      if (gone.state === 'creating') await this.provider.delete({ name: gone.name, provider: this.provider.name }).catch(() => undefined);
      this.store.labs.remove(gone.name);
    }
    if (adopted.length || pooled.length || deleted.length) this.log.info('labs of an earlier run', { adopted, pooled, deleted });
    return { adopted, pooled, deleted };
  }

  /** Deletes labs unused for longer than config.labIdleMinutes; runs every minute once started. */
  startReaper(): void {
    this.reaper = setInterval(() => void this.reapIdle(), 60_000);
    this.reaper.unref();
  }

  async reapIdle(now = Date.now()): Promise<string[]> {
    const reaped: string[] = [];
    for (const l of this.store.labs.list()) {
      if (l.state !== 'ready') continue;
      if (l.ownerId === null) {
        // Waiting in the pool is what pool labs are for; an unowned lab the pool does not hold is a stray.
        if (this.pool.holds(l.name) || now - Date.parse(l.lastUsedAt) <= this.config.labIdleMinutes * 60_000) continue;
        this.store.labs.setState(l.name, 'deleting');
        await this.provider.delete({ name: l.name, provider: this.provider.name }).catch((err) => this.log.warn('cannot reap lab', { lab: l.name, err }));
        this.store.labs.remove(l.name);
        reaped.push(l.name);
        continue;
      }
      if (now - Date.parse(l.lastUsedAt) > this.config.labIdleMinutes * 60_000) {
        await this.release(l.ownerId).catch((err) => this.log.warn('cannot reap lab', { lab: l.name, err }));
        reaped.push(l.name);
      }
    }
    return reaped;
  }

  /** Stops the reaper and the pool (waiting for a pool creation in flight, so nothing is left half-made). */
  async stop(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    await this.pool.stop();
  }
}
