/** kubelab lab create | delete | list */
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig } from '../config.js';
import { UserError } from '../errors.js';
import { chooseProvider } from '../labs/providers.js';
import { randomBytes } from 'node:crypto';

const create: Command = {
  path: ['lab', 'create'],
  summary: 'Create a lab cluster (kwok by default) and print its kubeconfigs',
  usage: 'lab create [--provider kwok] [--name N] [--workers K] [--api-port P] [--json]',
  options: { ...configFlags, name: { type: 'string' }, workers: { type: 'string' }, 'api-port': { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    const workers = values.workers === undefined ? config.workers : Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 20) {
      throw new UserError(`--workers must be a whole number from 1 to 20, got "${String(values.workers)}"`, 'Labs need at least one worker node; the course assumes two.');
    }
    const apiPort = values['api-port'] === undefined ? undefined : Number(values['api-port']);
    if (apiPort !== undefined && (!Number.isInteger(apiPort) || apiPort < 1 || apiPort > 65535)) {
      throw new UserError(`--api-port must be a port number, got "${String(values['api-port'])}"`);
    }
    const { provider } = await chooseProvider(config, (values.provider as string | undefined) ?? config.provider, { apiServerPort: apiPort });
    const name = (values.name as string | undefined) ?? `lab-${randomBytes(3).toString('hex')}`;
    const json = values.json === true;
    const lab = await provider.create({ name, workers }, (p) => {
      if (!json) process.stderr.write(`[${p.done}/${p.total}] ${p.step}\n`);
    });
    const out = { name: lab.name, provider: lab.provider, workers: lab.workers, server: lab.server, kubeconfigs: lab.kubeconfigs };
    if (json) console.log(JSON.stringify(out, null, 2));
    else {
      console.log(`lab ${lab.name} is ready (${lab.provider}, workers: ${lab.workers.join(', ')})`);
      console.log(`  admin:   ${lab.kubeconfigs.admin}\n  learner: ${lab.kubeconfigs.learner}\n  grader:  ${lab.kubeconfigs.grader}`);
    }
    return 0;
  },
};

const del: Command = {
  path: ['lab', 'delete'],
  summary: 'Delete a lab and everything it started',
  usage: 'lab delete <name> [--provider kwok]',
  options: { ...configFlags },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const config = loadConfig(configInput(values) as never);
    const { provider } = await chooseProvider(config, (values.provider as string | undefined) ?? config.provider);
    const name = positionals[0]!;
    if (!(await provider.list()).some((l) => l.name === name)) throw new UserError(`no lab named ${name}`, 'See `kubelab lab list`.');
    await provider.delete({ name, provider: provider.name });
    console.log(`lab ${name} deleted`);
    return 0;
  },
};

const list: Command = {
  path: ['lab', 'list'],
  summary: 'List labs, including those a crashed server left behind',
  usage: 'lab list [--provider kwok] [--json]',
  options: { ...configFlags, json: { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    const { provider } = await chooseProvider(config, (values.provider as string | undefined) ?? config.provider);
    const labs = await provider.list();
    if (values.json === true) console.log(JSON.stringify(labs, null, 2));
    else if (labs.length === 0) console.log('no labs');
    else for (const l of labs) console.log(`${l.name}\t${l.provider}`);
    return 0;
  },
};

export const labCommands = [create, del, list];
