/**
 * Real kwok labs for tests. Every test file that needs a cluster creates its own labs under a
 * temporary data dir and deletes them in afterAll; the binaries come from the shared cache
 * (`kubelab setup` fills it; `npm test` runs setup first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KwokProvider, kubectl, type Lab } from '../../sandbox/index.js';
import { defaultConfig } from '../../server/config.js';

export interface TestLabs {
  provider: KwokProvider;
  dataDir: string;
  create(workers?: number): Promise<Lab>;
  cleanup(): Promise<void>;
}

export function testLabs(prefix = 't'): TestLabs {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-test-'));
  const provider = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: process.env.KUBELAB_CACHE_DIR ?? defaultConfig().cacheDir });
  const made: Lab[] = [];
  return {
    provider,
    dataDir,
    async create(workers = 2) {
      const lab = await provider.create({ name: `${prefix}-${randomBytes(3).toString('hex')}`, workers });
      made.push(lab);
      return lab;
    },
    async cleanup() {
      for (const lab of made) await provider.delete(lab).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** kubectl with a lab's kubeconfig, parsing JSON output. */
export async function getJson<T = any>(kubeconfig: string, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(kubeconfig, [...args, '-o', 'json'])) as T;
}

/** Polls `probe` until it returns a truthy value or the timeout passes; returns the last value. */
export async function eventually<T>(probe: () => Promise<T>, { timeoutMs = 60_000, intervalMs = 500 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!last && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await probe();
  }
  return last;
}
