/**
 * Labs of learners: one lab per learner, created on first need, recorded in the store, reaped when
 * idle, and adopted or deleted at start-up when a crashed run left them behind.
 * Everything else asks this module for a learner's lab; nothing else calls a provider's create.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { ClusterProvider, Lab } from '../sandbox/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store.js';
import { HttpError, messageOf } from './errors.js';

export type LabStatus =
  | { state: 'none' }
  | { state: 'creating'; step: string; done: number; total: number }
  | { state: 'ready'; lab: Lab }
  | { state: 'lost'; reason: string };

export class LabManager extends EventEmitter {
  private readonly status = new Map<number, LabStatus>();
  private readonly pending = new Map<number, Promise<Lab>>();
  private reaper?: NodeJS.Timeout;

  constructor(
    readonly provider: ClusterProvider,
    private readonly store: Store,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    super();
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
    const active = this.store.labs.list().filter((l) => l.state !== 'deleting').length;
    if (active >= this.config.maxLabs) {
      throw new HttpError(503, `The server is full: ${active} labs are running, the limit is ${this.config.maxLabs}.`, 'Try again in a few minutes.');
    }
    const name = `lab-${randomBytes(4).toString('hex')}`;
    this.store.labs.upsert({ name, provider: this.provider.name, ownerId: userId, state: 'creating' });
    this.setStatus(userId, { state: 'creating', step: 'queued', done: 0, total: 1 });
    try {
      const lab = await this.provider.create({ name, workers: this.config.workers }, (p) => this.setStatus(userId, { state: 'creating', ...p }));
      this.store.labs.upsert({ name, provider: this.provider.name, ownerId: userId, state: 'ready', info: { kubeconfigs: lab.kubeconfigs, workers: lab.workers } });
      this.setStatus(userId, { state: 'ready', lab });
      this.log.info('lab ready', { lab: name, userId });
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
  }

  /**
   * At start-up: labs in the store that the provider still has are adopted for their owners;
   * provider labs the store does not know, or that were mid-creation when the server died, are deleted.
   */
  async adopt(): Promise<{ adopted: string[]; deleted: string[] }> {
    const adopted: string[] = [];
    const deleted: string[] = [];
    const known = new Map(this.store.labs.list().map((l) => [l.name, l]));
    for (const ref of await this.provider.list()) {
      const record = known.get(ref.name);
      known.delete(ref.name);
      if (record && record.state === 'ready' && record.ownerId !== null) {
        try {
          const lab = await this.provider.open(ref);
          this.setStatus(record.ownerId, { state: 'ready', lab });
          adopted.push(ref.name);
          continue;
        } catch (err) {
          this.log.warn('cannot adopt lab', { lab: ref.name, err });
        }
      }
      await this.provider.delete(ref).catch((err) => this.log.warn('cannot delete orphan lab', { lab: ref.name, err }));
      if (record) this.store.labs.remove(ref.name);
      deleted.push(ref.name);
    }
    for (const gone of known.values()) this.store.labs.remove(gone.name); // the store remembers a lab the provider lost
    if (adopted.length || deleted.length) this.log.info('labs of an earlier run', { adopted, deleted });
    return { adopted, deleted };
  }

  /** Deletes labs unused for longer than config.labIdleMinutes; runs every minute once started. */
  startReaper(): void {
    this.reaper = setInterval(() => void this.reapIdle(), 60_000);
    this.reaper.unref();
  }

  async reapIdle(now = Date.now()): Promise<string[]> {
    const reaped: string[] = [];
    for (const l of this.store.labs.list()) {
      if (l.state !== 'ready' || l.ownerId === null) continue;
      if (now - Date.parse(l.lastUsedAt) > this.config.labIdleMinutes * 60_000) {
        await this.release(l.ownerId).catch((err) => this.log.warn('cannot reap lab', { lab: l.name, err }));
        reaped.push(l.name);
      }
    }
    return reaped;
  }

  stop(): void {
    if (this.reaper) clearInterval(this.reaper);
  }
}
