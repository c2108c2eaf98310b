/** Starting the server: config -> store -> labs (adopt what a crash left) -> app -> listen -> background jobs. */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { isLoopback, printableConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { databasePath, openStore } from './store.js';
import { LabManager } from './labs.js';
import { chooseProvider } from './labs/providers.js';
import { createApp, type App } from './http/app.js';
import type { AppContext } from './context.js';
import { Sessions } from './http/session.js';
import { UserError } from './errors.js';
import { routeModules, socketRoutes } from './routes.js';
import { backgroundJobs, startJobs } from './jobs.js';

export interface RunningServer {
  url: string;
  port: number;
  ctx: AppContext;
  app: App;
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Logger = createLogger({ level: config.logLevel })): Promise<RunningServer> {
  if (!isLoopback(config.host) && config.auth === 'single-user') {
    throw new UserError(
      `refusing to listen on ${config.host} in single-user mode: anyone who can reach it would get a shell`,
      'Enable accounts (--auth accounts, then `kubelab user add --role admin`), or listen on 127.0.0.1.',
    );
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = openStore(databasePath(config.dataDir));
  const { provider, reason } = await chooseProvider(config);
  log.info(`lab provider: ${provider.name}`, { reason });
  const labs = new LabManager(provider, store, config, log);
  const ctx: AppContext = { config, store, log, labs, sessions: new Sessions(store, config) };
  const app = createApp(ctx, routeModules, socketRoutes(ctx));
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', (err: NodeJS.ErrnoException) => {
      store.close();
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(`port ${config.port} on ${config.host} is already in use`, 'Stop what uses it, or pass --port with another number (0 picks a free one).')
          : err,
      );
    });
    app.server.listen(config.port, config.host, () => resolve());
  });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info('kubelab is serving', { url, provider: provider.name, config: printableConfig(config) });
  // Adopting labs of a crashed run can take a while; the page shows lab status meanwhile.
  void labs.adopt().catch((err) => log.warn('adopting labs failed', { err }));
  const jobs = startJobs(backgroundJobs(ctx), log);
  return {
    url,
    port,
    ctx,
    app,
    stop: async () => {
      await jobs.stop();
      await labs.stop();
      await app.close();
      store.close();
    },
  };
}
