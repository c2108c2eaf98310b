/**
 * kubelab setup: makes the cluster binaries (and, as root, the system packages) available.
 * With --provider kind: also a working Docker (installed and started when missing, with the runtime
 * wrapper where the host needs it), kind and the node image, all built offline.
 */
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig } from '../config.js';
import { buildTarget, ensureDocker, obtainBinaries } from '../../sandbox/index.js';
import { ensureSystemPackages } from './system-packages.js';

export const setupCommand: Command = {
  path: ['setup'],
  summary: 'Obtain the cluster binaries (cache, download or build) and the system packages labs need; with --provider kind also Docker, kind and the node image',
  usage: 'setup [--for-tests] [--skip-system] [--provider kind]',
  options: { ...configFlags, 'for-tests': { type: 'boolean' }, 'skip-system': { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    const kind = values.provider === 'kind';
    if (values['skip-system'] !== true) await ensureSystemPackages({ forTests: values['for-tests'] === true, kind });
    // The engine first: a host that cannot run kind labs says so before any long build.
    if (kind) {
      const engine = await ensureDocker(config.cacheDir);
      console.log(`docker ready${engine.wrapper ? ` (default runtime kubelab-runc: this host lacks ${engine.missingCaps.join(', ')})` : ''}`);
    }
    const dir = await obtainBinaries(config.cacheDir);
    console.log(`cluster binaries ready in ${dir}`);
    if (kind) {
      const progress = (line: string) => process.stderr.write(line + '\n');
      console.log(`kind ready: ${await buildTarget(config.cacheDir, 'kind', progress)}`);
      console.log(`node image ready: ${await buildTarget(config.cacheDir, 'node', progress)}`);
      // The tests run offline: their labs start from the node image with the stand-ins preloaded.
      if (values['for-tests'] === true) console.log(`node image with the workload stand-ins ready: ${await buildTarget(config.cacheDir, 'offline', progress)}`);
    }
    return 0;
  },
};
