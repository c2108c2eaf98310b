/**
 * The server's background jobs, in one list, and the one runner that starts and stops them.
 * Each job lives beside the feature it serves; this is where the server starts them (after it
 * listens) and stops them (before the store closes).
 */
import type { AppContext, Job } from './context.js';
import type { Logger } from './logger.js';
import { loginPruneJob } from './accounts.js';
import { terminalReaperJob } from './terminal.js';
import { workshopReaperJob } from './teaching/workshops/lifecycle.js';
import { examTimeoutJob } from './teaching/exams/sittings.js';

export function backgroundJobs(ctx: AppContext): Job[] {
  return [
    { name: 'idle lab reaper', everyMs: 60_000, run: () => ctx.labs.reapIdle() },
    { name: 'vanished lab check', everyMs: 15_000, run: () => ctx.labs.noticeGone() },
    { name: 'lab limits', everyMs: 30_000, run: () => ctx.labs.watchUsage() },
    { name: 'lab parking', everyMs: 60_000, run: () => ctx.labs.parkIdle() },
    terminalReaperJob(ctx),
    workshopReaperJob(ctx),
    examTimeoutJob(ctx),
    loginPruneJob(ctx),
  ];
}

export interface RunningJobs {
  /** Stops every job and waits for runs in flight. */
  stop(): Promise<void>;
}

export function startJobs(jobs: Job[], log: Logger): RunningJobs {
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  for (const job of jobs) {
    let running = false;
    const tick = () => {
      if (stopped || running) return; // a slow run is never overlapped by the next
      running = true;
      const p = Promise.resolve()
        .then(() => job.run())
        .catch((err) => log.warn(`${job.name} failed`, { err }))
        .finally(() => {
          running = false;
          inFlight.delete(p);
        });
      inFlight.add(p);
    };
    const first = setTimeout(() => {
      tick();
      const every = setInterval(tick, job.everyMs);
      every.unref();
      timers.push(every);
    }, job.firstAfterMs ?? job.everyMs);
    first.unref();
    timers.push(first);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t); // clearTimeout clears intervals too
      await Promise.all(inFlight);
    },
  };
}
