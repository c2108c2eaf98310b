/** kubelab setup: makes the cluster binaries (and, as root, the system packages) available. */
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig } from '../config.js';
import { obtainBinaries } from '../../sandbox/index.js';
import { ensureSystemPackages } from './system-packages.js';

export const setupCommand: Command = {
  path: ['setup'],
  summary: 'Obtain the cluster binaries (cache, download or build) and the system packages labs need',
  usage: 'setup [--for-tests] [--skip-system]',
  options: { ...configFlags, 'for-tests': { type: 'boolean' }, 'skip-system': { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    if (values['skip-system'] !== true) await ensureSystemPackages({ forTests: values['for-tests'] === true });
    const dir = await obtainBinaries(config.cacheDir);
    console.log(`cluster binaries ready in ${dir}`);
    return 0;
  },
};
