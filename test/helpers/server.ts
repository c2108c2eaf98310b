/**
 * A real kubelab server on port 0 for tests: temporary data dir, the shared binary cache, real
 * kwok labs (deleted by stop()). Small fetch/WebSocket helpers carry the session cookie and Origin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { defaultConfig, loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { startServer, type RunningServer } from '../../server/server.js';

export interface TestServer {
  server: RunningServer;
  url: string;
  config: Config;
  /** A fresh session cookie (single-user mode: one learner; accounts mode: see signIn in tests). */
  cookie(): Promise<string>;
  /** Opens a WebSocket with the server's own Origin unless another is given. */
  socket(path: string, opts?: { cookie?: string; origin?: string | null }): WebSocket;
  stop(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-srv-'));
  const config = loadConfig(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      cacheDir: process.env.KUBELAB_CACHE_DIR ?? defaultConfig().cacheDir,
      logLevel: 'warn',
      ...overrides,
    },
    {},
  );
  const server = await startServer(config, createLogger({ level: process.env.KUBELAB_TEST_LOG === '1' ? 'debug' : 'warn' }));
  const url = server.url;
  return {
    server,
    url,
    config,
    async cookie() {
      const res = await fetch(`${url}/api/session`);
      const set = res.headers.get('set-cookie');
      if (!set) throw new Error('the server set no session cookie');
      return set.split(';')[0]!;
    },
    socket(path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.cookie) headers.cookie = opts.cookie;
      if (opts.origin !== null) headers.origin = opts.origin ?? url;
      return new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, { headers });
    },
    async stop() {
      const labs = server.ctx.store.labs.list();
      await server.stop();
      // Labs the test created are deleted, whatever state the test left them in.
      for (const l of labs) await server.ctx.labs.provider.delete({ name: l.name, provider: server.ctx.labs.provider.name }).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
