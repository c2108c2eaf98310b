/** Picks the cluster provider a command or the server uses, from the config. */
import { join } from 'node:path';
import { KwokProvider, SandboxError, type ClusterProvider, type ProviderKind } from '../sandbox/index.js';
import type { Config } from './config.js';

export function kwokWorkDir(config: Config): string {
  return join(config.dataDir, 'kwok');
}

export function providerFor(config: Config, name: string = config.provider, extra: { apiServerPort?: number } = {}): ClusterProvider {
  switch (name as ProviderKind | 'auto') {
    case 'kwok':
    case 'auto':
      return new KwokProvider({ workDir: kwokWorkDir(config), cacheDir: config.cacheDir, apiServerPort: extra.apiServerPort });
    case 'kind':
    case 'minikube':
    case 'existing':
      throw new SandboxError(`the ${name} provider is not available in this build`, 'Use --provider kwok.');
    default:
      throw new SandboxError(`unknown provider "${name}"`, 'Choose one of: kwok, kind, minikube, existing.');
  }
}
