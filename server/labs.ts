/**
 * Labs of learners: one lab per learner, taken from the warm pool (labs/pool.ts) or created on
 * first need, recorded in the store, reaped when idle, and adopted or deleted at start-up when a
 * crashed run left them behind.
 * Everything else asks this module for a learner's lab; nothing else calls a provider's create.
 */
import { EventEmitter } from 'node:events';
import type { ClusterProvider, CreationStep, Lab } from '../sandbox/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store.js';
import { HttpError, messageOf } from './errors.js';
import { LabPool, newLabName } from './labs/pool.js';
import { LearnerKubeconfigs } from './labs/kubeconfigs.js';
import { LearnerHomes } from './labs/homes.js';
import { usageWarning } from './labs/limits.js';

export type LabStatus =
  /** No lab; `reason` says why one that was there went (reaped, freed), for the page to show. */
  | { state: 'none'; reason?: string }
  | ({ state: 'creating' } & CreationStep)
  /**
   * `warning`: the lab is over a per-lab limit (labs/limits.ts), in words for its learner.
   * `parked`: its processes are stopped after labParkMinutes without use ('parked'), or starting
   * again ('waking'); the shell stays, and the next use wakes it.
   * `restoring`: being reset in place to its starting state (reset()); the shell stays.
   */
  | { state: 'ready'; lab: Lab; warning?: string; parked?: 'parked' | 'waking'; restoring?: true }
  | { state: 'lost'; reason: string };

export class LabManager extends EventEmitter {
  private readonly status = new Map<number, LabStatus>();
  private readonly pending = new Map<number, Promise<Lab>>();
  private readonly waking = new Map<number, Promise<Lab>>();
  private coldCreations = 0;
  /** The labs of an earlier run being adopted (start-up); labFor waits for it. */
  private adopting?: Promise<unknown>;
  /** Ready labs kept warm (config.poolSize); see labs/pool.ts. */
  readonly pool: LabPool;
  /** The kubeconfig each learner's shell edits, registered by the terminal, read by grading. */
  readonly kubeconfigs = new LearnerKubeconfigs();
  /** Each learner's home in their running shell, for imported scenarios' scripts. */
  readonly homes = new LearnerHomes();

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
    // A shell's kubeconfig names its lab: it goes when the learner's lab goes or changes.
    this.kubeconfigs.forget(userId, s.state === 'ready' ? s.lab.name : undefined);
    this.emit('status', userId, s);
  }

  /** The learner's lab, created if they have none. Concurrent callers share one creation. */
  async labFor(userId: number): Promise<Lab> {
    // Right after a restart the learner's lab may be about to be adopted: never create a second one.
    if (this.adopting) await this.adopting.catch(() => undefined);
    const current = this.status.get(userId);
    if (current?.state === 'ready') {
      this.store.labs.touch(current.lab.name);
      return current.parked ? this.wake(userId, current.lab) : current.lab;
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

  /** Starts a parked lab again (concurrent callers share one wake); a lab that cannot start is lost. */
  private wake(userId: number, lab: Lab): Promise<Lab> {
    const inFlight = this.waking.get(userId);
    if (inFlight) return inFlight;
    const p = (async () => {
      this.setStatus(userId, { state: 'ready', lab, parked: 'waking' });
      const started = Date.now();
      try {
        await this.provider.wake!(lab);
      } catch (err) {
        this.log.warn('parked lab did not wake', { lab: lab.name, userId, err });
        this.setStatus(userId, { state: 'lost', reason: `It was parked while unused and could not be started again (${messageOf(err)})` });
        throw new HttpError(503, 'Your lab could not be started again after it was parked.', 'Use "Create a new lab" at the top to get a fresh one.');
      }
      if (this.status.get(userId)?.state === 'ready') this.setStatus(userId, { state: 'ready', lab });
      this.log.info('lab woken', { lab: lab.name, userId, ms: Date.now() - started });
      return lab;
    })().finally(() => this.waking.delete(userId));
    this.waking.set(userId, p);
    return p;
  }

  /**
   * Parks the labs unused for config.labParkMinutes (the lab parking job runs it every minute): their
   * processes stop, their state stays, and the next use (a keystroke, a check, a page) wakes them.
   * Returns the labs parked.
   */
  async parkIdle(now = Date.now()): Promise<string[]> {
    const park = this.provider.park?.bind(this.provider);
    if (!park || !this.provider.wake || this.config.labParkMinutes <= 0) return [];
    const parked: string[] = [];
    for (const [userId, s] of [...this.status.entries()]) {
      if (s.state !== 'ready' || s.parked || this.waking.has(userId)) continue;
      const record = this.store.labs.byOwner(userId);
      if (!record || record.name !== s.lab.name || now - Date.parse(record.lastUsedAt) <= this.config.labParkMinutes * 60_000) continue;
      try {
        await park(s.lab);
      } catch (err) {
        this.log.warn('cannot park lab', { lab: s.lab.name, userId, err });
        continue;
      }
      // Used while it was being parked: wake it again at once.
      if (this.status.get(userId) !== s) {
        void this.wake(userId, s.lab).catch(() => undefined);
        continue;
      }
      this.setStatus(userId, { state: 'ready', lab: s.lab, parked: 'parked' });
      this.log.info('lab parked', { lab: s.lab.name, userId });
      parked.push(s.lab.name);
    }
    return parked;
  }

  /** Whether reset() would keep the learner's lab and restore it in place (the shell may stay). */
  restorable(userId: number): boolean {
    const s = this.status.get(userId);
    return s?.state === 'ready' && !!this.provider.restore && !!this.provider.canRestore?.(s.lab);
  }

  /**
   * Puts the learner's lab back to its starting state. In place where the provider can (its
   * snapshot from creation restored: same lab, same credentials, the shell stays); otherwise, or if
   * the restore fails, the lab is deleted and a fresh one created, never left half-restored.
   * Returns the lab and how it was reset.
   */
  async reset(userId: number): Promise<{ lab: Lab; restored: boolean }> {
    await this.pending.get(userId)?.catch(() => undefined);
    // Either way the lab is back at its start: no exercise is set up in it any more.
    this.store.setups.clear(userId);
    let why = 'Your lab is being reset.';
    if (this.restorable(userId)) {
      const s = this.status.get(userId) as Extract<LabStatus, { state: 'ready' }>;
      const started = Date.now();
      try {
        await this.waking.get(userId)?.catch(() => undefined);
        this.setStatus(userId, { state: 'ready', lab: s.lab, restoring: true });
        await this.provider.restore!(s.lab);
        this.store.labs.touch(s.lab.name);
        if (this.status.get(userId)?.state === 'ready') this.setStatus(userId, { state: 'ready', lab: s.lab });
        this.log.info('lab restored', { lab: s.lab.name, userId, ms: Date.now() - started });
        return { lab: s.lab, restored: true };
      } catch (err) {
        this.log.warn('lab restore failed; creating a fresh lab', { lab: s.lab.name, userId, err });
        why = `Your lab could not be restored to its starting state (${messageOf(err)}), so it is being replaced by a fresh one.`;
      }
    }
    await this.release(userId, why);
    return { lab: await this.labFor(userId), restored: false };
  }

  /**
   * Deletes the learner's lab. Whoever shows it (their terminal, their page) is told at once, with
   * `why`, so no shell is left typing at an API server that is gone.
   */
  async release(userId: number, why = 'Your lab was deleted.'): Promise<void> {
    const s = this.status.get(userId);
    await this.pending.get(userId)?.catch(() => undefined);
    await this.waking.get(userId)?.catch(() => undefined);
    const record = this.store.labs.byOwner(userId);
    const name = s?.state === 'ready' ? s.lab.name : record?.name;
    this.status.delete(userId);
    this.kubeconfigs.forget(userId);
    // Everything that follows the learner's lab (their shell, live feedback) lets go of it now.
    if (s) this.emit('status', userId, { state: 'none', reason: why } satisfies LabStatus);
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
    const adopting = this.adoptLabs();
    this.adopting = adopting;
    try {
      return await adopting;
    } finally {
      this.adopting = undefined;
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
            this.setStatus(record.ownerId, this.provider.isParked?.(ref) ? { state: 'ready', lab, parked: 'parked' } : { state: 'ready', lab });
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

  /**
   * Marks lost every ready lab the provider does not list any more (deleted with the CLI, its
   * folder removed), so its learner is told instead of typing at a dead API server. The vanished
   * lab job runs it every 15 s; returns the labs' names.
   */
  async noticeGone(): Promise<string[]> {
    const ready = [...this.status.entries()].filter((e): e is [number, { state: 'ready'; lab: Lab }] => e[1].state === 'ready');
    if (ready.length === 0) return [];
    const present = new Set((await this.provider.list()).map((l) => l.name));
    const gone: string[] = [];
    for (const [userId, s] of ready) {
      if (present.has(s.lab.name) || this.status.get(userId) !== s) continue;
      this.store.labs.remove(s.lab.name);
      this.kubeconfigs.forget(userId);
      this.setStatus(userId, { state: 'lost', reason: 'It was deleted outside this page' });
      this.log.warn('lab gone under its learner', { lab: s.lab.name, userId });
      gone.push(s.lab.name);
    }
    return gone;
  }

  /**
   * Measures every ready lab against the per-lab memory and disk limits (the lab limits job runs it
   * every 30 s). A lab that passes one carries a warning, and its learner is told; one back within
   * them loses it. Returns the labs over a limit.
   */
  async watchUsage(): Promise<{ lab: string; warning: string }[]> {
    const measure = this.provider.usage?.bind(this.provider);
    if (!measure) return [];
    const over: { lab: string; warning: string }[] = [];
    for (const [userId, s] of [...this.status.entries()]) {
      if (s.state !== 'ready' || s.parked) continue;
      const usage = await measure(s.lab).catch(() => undefined);
      if (!usage || this.status.get(userId) !== s) continue; // gone or changed meanwhile
      const warning = usageWarning(usage, { memoryMiB: this.config.labMemoryMiB, diskMiB: this.config.labDiskMiB });
      if (warning) over.push({ lab: s.lab.name, warning });
      if (warning === s.warning) continue;
      if (warning) this.log.warn('lab over a limit', { lab: s.lab.name, userId, warning, ...usage });
      this.setStatus(userId, warning ? { ...s, warning } : { state: 'ready', lab: s.lab });
    }
    return over;
  }

  /** Deletes labs unused for longer than config.labIdleMinutes (the lab reaper job runs it every minute). */
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
        const why = `Your lab was deleted after ${this.config.labIdleMinutes} minutes without use; a fresh one is made when you need it.`;
        await this.release(l.ownerId, why).catch((err) => this.log.warn('cannot reap lab', { lab: l.name, err }));
        reaped.push(l.name);
      }
    }
    return reaped;
  }

  /** Stops the pool (waiting for a pool creation in flight, so nothing is left half-made). */
  async stop(): Promise<void> {
    await this.pool.stop();
  }
}
