/**
 * kubelab images build | load: what kind labs run, built offline (sandbox/images/build.sh).
 * `build` makes kind and the node image; `load` also makes the workload stand-ins (the course's
 * images, from Debian packages) and loads them into every kind lab, now and from then on: what an
 * air-gapped classroom runs. Online, without `load`, labs pull the real images as usual.
 */
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig } from '../config.js';
import { buildTarget, KindProvider } from '../../sandbox/index.js';
import { providerWorkDir } from '../labs/providers.js';

const progress = (line: string) => process.stderr.write(line + '\n');

const build: Command = {
  path: ['images', 'build'],
  summary: 'Build, offline, kind and the kind node image (Debian, containerd, the pinned Kubernetes); cached, rebuilt when a pin changes',
  usage: 'images build [--workloads]',
  options: { ...configFlags, workloads: { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    console.log(`kind: ${await buildTarget(config.cacheDir, 'kind', progress)}`);
    console.log(`node image: ${await buildTarget(config.cacheDir, 'node', progress)}`);
    if (values.workloads === true) console.log(`workload stand-ins: ${await buildTarget(config.cacheDir, 'workloads', progress)}`);
    return 0;
  },
};

const load: Command = {
  path: ['images', 'load'],
  summary: 'Build the stand-ins for the course images (nginx, busybox) and load them into every kind lab, now and when labs are created',
  usage: 'images load',
  options: { ...configFlags },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    const image = await buildTarget(config.cacheDir, 'offline', progress);
    console.log(`kind labs created from now on start from ${image}, with the stand-ins preloaded`);
    const archive = await buildTarget(config.cacheDir, 'workloads', progress);
    const kind = new KindProvider({ workDir: providerWorkDir(config, 'kind'), cacheDir: config.cacheDir });
    const labs = (await kind.available()).ok ? await kind.list() : [];
    for (const lab of labs) {
      await kind.loadArchive(lab.name, archive);
      console.log(`loaded into lab ${lab.name}`);
    }
    return 0;
  },
};

export const imagesCommands = [build, load];
