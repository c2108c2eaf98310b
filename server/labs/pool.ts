/**
 * The warm pool: up to config.poolSize ready labs of the server's provider, created ahead of need
 * and waiting unowned, so a learner's first lab is there in well under a second.
 *
 * - Refilled in the background, one creation at a time (creating a lab takes most of a 2-core
 *   machine), and never while a learner's own lab is being created (`busy`).
 * - A learner who arrives while the pool's lab is still being created takes that creation over,
 *   with its progress, instead of starting a second one.
 * - Pool labs are rows of the labs table with owner_id NULL: state 'creating' while being made,
 *   'ready' when waiting. Together with claimed labs they count against config.maxLabs; the pool
 *   never creates past that limit.
 * - At start-up LabManager.adopt() hands ready unowned labs of a crashed run to adoptReady(); labs
 *   that were mid-creation are deleted there.
 */
import { randomBytes } from 'node:crypto';
import type { ClusterProvider, CreationStep, Lab } from '../../sandbox/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store.js';


/** What claim() hands a learner: a ready lab, or the creation in flight. */
export interface Claim {
  name: string;
  /** Set when the lab was ready at the claim. */
  lab?: Lab;
  /** Settles when the lab is ready (at once for a ready one). */
  ready: Promise<Lab>;
  /** The latest creation step (for a lab still being created). */
  progress: CreationStep;
}

interface InFlight {
  name: string;
  promise: Promise<Lab>;
  progress: CreationStep;
  owner?: number;
  onProgress?: (p: CreationStep) => void;
}

export interface PoolOptions {
  /** True while a learner's own lab is being created: the pool waits, not to compete for the CPU. */
  busy?: () => boolean;
}

export function newLabName(): string {
  return `lab-${randomBytes(4).toString('hex')}`;
}

export class LabPool {
  /** Ready, unowned labs, oldest first. */
  private readonly waiting: Lab[] = [];
  private inFlight?: InFlight;
  private filling?: Promise<void>;
  private started = false;
  private stopped = false;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  /** Delay after a failed creation before the next try; doubles per failure, up to 5 minutes. */
  retryMs = 5000;

  constructor(
    private readonly provider: ClusterProvider,
    private readonly store: Store,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly opts: PoolOptions = {},
  ) {}

  get size(): number {
    return this.config.poolSize;
  }

  /** Ready labs waiting for a learner. */
  get ready(): number {
    return this.waiting.length;
  }

  /** Is this lab the pool's (waiting or being created for the pool)? */
  holds(name: string): boolean {
    return this.waiting.some((l) => l.name === name) || (this.inFlight?.name === name && this.inFlight.owner === undefined);
  }

  /** Begins filling; refills after every claim, release and failure from then on. */
  start(): void {
    if (this.size === 0) return;
    this.started = true;
    this.kick();
  }

  /** Stops filling and waits for the creation in flight, which then waits in the store for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.filling?.catch(() => undefined);
  }

  /**
   * Hands a lab to `ownerId`: a ready one (at once), else the one being created (the learner sees its
   * progress through onProgress), else undefined (the caller creates one).
   */
  claim(ownerId: number, onProgress: (p: CreationStep) => void): Claim | undefined {
    const lab = this.waiting.shift();
    if (lab) {
      this.recordOwner(lab.name, ownerId);
      this.kick();
      return { name: lab.name, lab, ready: Promise.resolve(lab), progress: { step: 'ready', done: 1, total: 1 } };
    }
    const f = this.inFlight;
    if (f && f.owner === undefined) {
      f.owner = ownerId;
      f.onProgress = onProgress;
      this.recordOwner(f.name, ownerId);
      return { name: f.name, ready: f.promise, progress: f.progress };
    }
    return undefined;
  }

  /** The claim in the store (one disk sync): owned by the learner, used now. */
  private recordOwner(name: string, ownerId: number): void {
    this.store.labs.claim(name, ownerId);
  }

  /** A ready, unowned lab a crashed run left: kept when the pool has room (true), else the caller deletes it. */
  adoptReady(lab: Lab): boolean {
    if (this.waiting.length >= this.size) return false;
    this.waiting.push(lab);
    return true;
  }

  /** Starts a fill round unless one is running. Called after claims, releases and creations. */
  kick(): void {
    if (!this.started || this.stopped || this.filling) return;
    this.filling = this.fill().finally(() => {
      this.filling = undefined;
    });
  }

  private activeLabs(): number {
    return this.store.labs.list().filter((l) => l.state !== 'deleting').length;
  }

  private wanted(): boolean {
    return !this.stopped && this.waiting.length < this.size && this.activeLabs() < this.config.maxLabs && !this.opts.busy?.();
  }

  private async fill(): Promise<void> {
    while (this.wanted()) {
      const ok = await this.createOne();
      if (!ok) {
        // Back off after a failure instead of burning the machine on a broken setup.
        const delay = Math.min(300_000, this.retryMs * 2 ** (this.failures - 1));
        this.retryTimer = setTimeout(() => this.kick(), delay);
        this.retryTimer.unref();
        return;
      }
    }
  }

  private async createOne(): Promise<boolean> {
    const name = newLabName();
    const provider = this.provider.name;
    this.store.labs.upsert({ name, provider, ownerId: null, state: 'creating' });
    const f: InFlight = { name, progress: { step: 'queued', done: 0, total: 1 }, promise: undefined as unknown as Promise<Lab> };
    f.promise = this.provider.create({ name, workers: this.config.workers }, (p) => {
      f.progress = p;
      f.onProgress?.(p);
    });
    this.inFlight = f;
    this.log.info('pool: creating a lab', { lab: name, provider });
    const started = Date.now();
    try {
      const lab = await f.promise;
      this.store.labs.upsert({ name, provider, ownerId: f.owner ?? null, state: 'ready', info: { kubeconfigs: lab.kubeconfigs, workers: lab.workers } });
      if (f.owner === undefined) this.waiting.push(lab);
      this.failures = 0;
      this.log.info('pool: lab ready', { lab: name, seconds: Math.round((Date.now() - started) / 100) / 10, claimed: f.owner !== undefined });
      return true;
    } catch (err) {
      this.store.labs.remove(name);
      this.failures++;
      this.log.warn('pool: lab creation failed', { lab: name, err, failures: this.failures });
      return false;
    } finally {
      this.inFlight = undefined;
    }
  }
}
