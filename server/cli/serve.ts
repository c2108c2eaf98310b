/** kubelab serve */
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig } from '../config.js';
import { startServer } from '../server.js';
import { scrubSecrets } from '../accounts/secrets.js';

export const serveCommand: Command = {
  path: ['serve'],
  summary: 'Start the kubelab server (lessons, terminals, grading)',
  usage: 'serve [--host 127.0.0.1] [--port 3000] [--auth single-user|accounts] [--trust-proxy ADDR[,ADDR]] [--provider kwok] [--accept-host-root-risk] [--challenge] [--data-dir DIR] [--config FILE]',
  options: { ...configFlags, host: { type: 'string' }, port: { type: 'string' }, workers: { type: 'string' }, 'pool-size': { type: 'string' }, auth: { type: 'string' }, 'trust-proxy': { type: 'string' }, 'accept-host-root-risk': { type: 'boolean' }, challenge: { type: 'boolean' } },
  async run({ values }) {
    const trustProxy = typeof values['trust-proxy'] === 'string' ? values['trust-proxy'].split(',').map((a) => a.trim()).filter(Boolean) : undefined;
    const config = loadConfig({ ...(configInput(values) as object), auth: values.auth as never, trustProxy, acceptHostRootRisk: values['accept-host-root-risk'] === true ? true : undefined, challenge: values.challenge === true ? true : undefined });
    scrubSecrets(); // the config holds what it needs; learner shells and cluster processes must not inherit them
    const server = await startServer(config);
    console.log(`kubelab is running at ${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = () => void server.stop().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
