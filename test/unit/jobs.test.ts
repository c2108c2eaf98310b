import { afterEach, describe, expect, it, vi } from 'vitest';
import { startJobs } from '../../server/jobs.js';
import { createLogger } from '../../server/logger.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('background jobs', () => {
  it('run on their schedule, never overlap themselves, and go on after a failure', async () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    const log = createLogger({ level: 'error' });
    log.warn = (msg: string) => void warnings.push(msg);
    let runs = 0;
    let release: () => void = () => undefined;
    let fails = 1;
    const jobs = startJobs(
      [
        { name: 'slow', everyMs: 1000, firstAfterMs: 10, run: () => new Promise<void>((r) => ((runs++), (release = r))) },
        { name: 'flaky', everyMs: 1000, run: () => { if (fails-- > 0) throw new Error('boom'); } },
      ],
      log,
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3000); // three ticks while the first run is still going
    expect(runs).toBe(1);
    expect(warnings).toEqual(['flaky failed']);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    expect(warnings).toEqual(['flaky failed']);

    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // waits for the run in flight
    release();
    await stopping;
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(2); // nothing runs after stop
  });
});
