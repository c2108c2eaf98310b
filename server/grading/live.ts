/**
 * Live feedback: watches the lab's API (grader credential) for the collections an exercise's
 * checks read, and re-grades shortly after any change, so a learner sees a check turn green
 * about a second after the cluster gets there.
 *
 * - Changes are debounced (300 ms after the last event, at most 1 s after the first), so a
 *   rollout's burst of pod updates costs one evaluation, not fifty.
 * - One evaluation runs at a time; a change during it queues exactly one more.
 * - A result is pushed only when it differs from the last one pushed.
 * - Watches that end (the server closes them every few minutes, or the lab went away) are
 *   re-listed and re-opened with backoff; meanwhile grading reports the API as not answering.
 * - The learner's kubeconfig file is polled (kubeconfig checks): whichever file the target names
 *   at that moment, since the shell's own copy appears only once the learner's shell starts.
 *   Exercises with script checks, whose reads are unknown, are also re-graded every few seconds.
 */
import { stat } from 'node:fs/promises';
import type { Exercise } from '../course.js';
import { gradeExercise, watchedCollections } from '../grading.js';
import type { Logger } from '../logger.js';
import { clientFor, type WatchHandle } from './kube.js';
import type { ExerciseResult } from './result.js';
import { fillVariables, type GradingTarget } from './target.js';
import { Timers } from '../timers.js';

export interface LiveOptions {
  debounceMs?: number;
  maxDelayMs?: number;
  scriptPollMs?: number;
  log?: Logger;
}

export class LiveFeedback {
  private readonly watches = new Set<WatchHandle>();
  private readonly timers = new Timers();
  private stopped = false;
  private debounce?: NodeJS.Timeout;
  private firstPending?: number;
  private running = false;
  private again = false;
  private lastJson?: string;
  private last?: ExerciseResult;
  private poll?: NodeJS.Timeout;
  private readonly cleanups: (() => void)[] = [];

  private readonly target: () => GradingTarget;

  /** `target` may be a function: it is asked again for every evaluation (the learner's kubeconfig may change). */
  constructor(
    private readonly exercise: Pick<Exercise, 'id' | 'dir' | 'checks'>,
    target: GradingTarget | (() => GradingTarget),
    private readonly onResult: (r: ExerciseResult) => void,
    private readonly opts: LiveOptions = {},
  ) {
    this.target = typeof target === 'function' ? target : () => target;
  }

  /** The last result pushed, if any. */
  get current(): ExerciseResult | undefined {
    return this.last;
  }

  async start(): Promise<void> {
    const { collections, learnerKubeconfig, scripts } = watchedCollections(this.exercise);
    const t = this.target();
    for (const c of collections) {
      const namespace = c.namespace !== undefined ? fillVariables(c.namespace, t) : undefined;
      this.follow(c.apiVersion, c.kind, namespace, 0);
    }
    if (learnerKubeconfig) this.pollKubeconfig();
    if (scripts) {
      this.poll = setInterval(() => this.changed(), this.opts.scriptPollMs ?? 5_000);
      this.poll.unref();
    }
    await this.evaluate();
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches) w.stop();
    this.watches.clear();
    this.timers.clear();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.poll) clearInterval(this.poll);
    for (const c of this.cleanups.splice(0)) c();
  }

  /** Forces an evaluation now (a learner asked for it). */
  async refresh(): Promise<ExerciseResult | undefined> {
    await this.evaluate(true);
    return this.last;
  }

  /** Every 250 ms: has the learner's kubeconfig (the file the target names now) changed? */
  private pollKubeconfig(): void {
    let seen = '';
    const timer = setInterval(() => {
      const file = this.target().learner;
      if (!file) return;
      void stat(file).then(
        (st) => `${file}|${st.mtimeMs}|${st.size}`,
        () => `${file}|missing`,
      ).then((now) => {
        if (seen && now !== seen) this.changed();
        seen = now;
      });
    }, 250);
    timer.unref();
    this.cleanups.push(() => clearInterval(timer));
  }

  /** Lists (for a resourceVersion), then watches; on any end, tries again with backoff. */
  private follow(apiVersion: string, kind: string, namespace: string | undefined, failures: number): void {
    if (this.stopped) return;
    const retry = (err?: Error) => {
      if (this.stopped) return;
      if (err) this.opts.log?.debug('live watch ended', { exercise: this.exercise.id, kind, err });
      const n = err ? failures + 1 : 0;
      // A clean end (the server's watch timeout) reconnects at once; errors back off to 10 s.
      this.timers.later(n === 0 ? 0 : Math.min(10_000, 500 * 2 ** Math.min(n, 5)), () => this.follow(apiVersion, kind, namespace, n));
      if (err) this.changed(); // the state may have changed while nobody watched; the result will say if the API is gone
    };
    void (async () => {
      try {
        const client = await clientFor(this.target().grader);
        const path = await client.collectionPath(apiVersion, kind, namespace);
        const { resourceVersion } = await client.list(apiVersion, kind, { namespace });
        if (this.stopped) return;
        let handle: WatchHandle | undefined = undefined;
        handle = client.watch(
          path,
          resourceVersion,
          (type) => {
            if (type !== 'BOOKMARK') this.changed();
          },
          (err) => {
            if (handle) this.watches.delete(handle);
            retry(err);
          },
        );
        this.watches.add(handle);
        if (failures > 0) this.changed();
      } catch (err) {
        retry(err as Error);
      }
    })();
  }

  private changed(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.firstPending ??= now;
    if (this.debounce) clearTimeout(this.debounce);
    const wait = Math.max(0, Math.min(this.opts.debounceMs ?? 300, this.firstPending + (this.opts.maxDelayMs ?? 1_000) - now));
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.firstPending = undefined;
      void this.evaluate();
    }, wait);
    this.debounce.unref();
  }

  private async evaluate(force = false): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      const r = await gradeExercise(this.exercise, this.target());
      const json = JSON.stringify(r);
      if (!this.stopped && (force || json !== this.lastJson)) {
        this.lastJson = json;
        this.last = r;
        this.onResult(r);
      }
    } catch (err) {
      // gradeExercise does not throw; this is a last guard so a watcher never dies silently.
      this.opts.log?.error('live grading failed', { exercise: this.exercise.id, err });
    } finally {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.evaluate();
      }
    }
  }
}
