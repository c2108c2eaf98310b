/**
 * Picks the cluster provider a command or the server uses, from the config.
 * `auto` picks kind when Docker (or Podman) works and kind is installed — real containers — and
 * kwok otherwise (no Docker needed); chooseProvider says which and why, for the start-up log.
 */
import { join } from 'node:path';
import {
  ExistingProvider,
  KindProvider,
  KwokProvider,
  MinikubeProvider,
  SandboxError,
  type ClusterProvider,
  type ProviderKind,
} from '../../sandbox/index.js';
import type { Config } from '../config.js';
import { UserError } from '../errors.js';

export function kwokWorkDir(config: Config): string {
  return join(config.dataDir, 'kwok');
}

/** The folder where a provider keeps the kubeconfigs and records of its labs. */
export function providerWorkDir(config: Config, kind: ProviderKind): string {
  return join(config.dataDir, kind);
}

export interface ProviderChoice {
  provider: ClusterProvider;
  /** Why this provider, in a sentence for the log and `kubelab doctor`. */
  reason: string;
}

/** The provider named `name`. `auto` needs a look at the host: use chooseProvider for it. */
export function providerFor(config: Config, name: string = config.provider, extra: { apiServerPort?: number } = {}): ClusterProvider {
  switch (name as ProviderKind | 'auto') {
    case 'kwok':
      return new KwokProvider({ workDir: kwokWorkDir(config), cacheDir: config.cacheDir, apiServerPort: extra.apiServerPort });
    case 'kind':
      return new KindProvider({ workDir: providerWorkDir(config, 'kind'), cacheDir: config.cacheDir });
    case 'minikube':
      return new MinikubeProvider({ workDir: providerWorkDir(config, 'minikube') });
    case 'existing':
      return new ExistingProvider({ kubeconfig: config.existingKubeconfig, workDir: providerWorkDir(config, 'existing') });
    case 'auto':
      throw new SandboxError('the provider "auto" is chosen by looking at the host first', 'Call chooseProvider (async) instead of providerFor.');
    default:
      throw new SandboxError(`unknown provider "${name}"`, 'Choose one of: auto, kwok, kind, minikube, existing.');
  }
}

/** Resolves `auto` (kind when Docker works and kind is installed, else kwok); any other name is taken as asked. */
/**
 * kind and minikube nodes are privileged containers: a learner with cluster-admin in the lab can
 * start a privileged pod, reach the node's root, and from there the host's. Fine on one's own
 * machine; on a shared server (accounts mode) only when the admin says so, by name.
 */
export const hostRootProviders: readonly ProviderKind[] = ['kind', 'minikube'];

export function hostRootRefusal(config: Config, name: string): UserError | undefined {
  if (config.auth !== 'accounts' || config.acceptHostRootRisk || !hostRootProviders.includes(name as ProviderKind)) return undefined;
  return new UserError(
    `refusing the ${name} provider in accounts mode: each lab node is a privileged container, so a learner (cluster-admin in their lab) could become root on this host`,
    'Use kwok (the default) or existing for shared servers, or, if every learner may be root here, pass --accept-host-root-risk (acceptHostRootRisk: true).',
  );
}

export async function chooseProvider(config: Config, name: string = config.provider, extra: { apiServerPort?: number } = {}): Promise<ProviderChoice> {
  if (name !== 'auto') {
    const refusal = hostRootRefusal(config, name);
    if (refusal) throw refusal;
    return { provider: providerFor(config, name, extra), reason: `the ${name} provider was asked for` };
  }
  if (hostRootRefusal(config, 'kind')) {
    return { provider: providerFor(config, 'kwok', extra), reason: 'auto: accounts mode without --accept-host-root-risk, so each lab is a kwok cluster (kind nodes are privileged containers)' };
  }
  const kind = providerFor(config, 'kind');
  const avail = await kind.available();
  if (avail.ok) return { provider: kind, reason: 'auto: Docker works and kind is installed, so each lab is a kind cluster running real containers' };
  return {
    provider: providerFor(config, 'kwok', extra),
    reason: `auto: kind is not usable (${briefly(avail.reason ?? 'unavailable')}), so each lab is a kwok cluster (a real control plane, simulated nodes, no Docker needed)`,
  };
}

/** The first sentence of each part of an availability reason, without parentheses or install instructions. */
export function briefly(reason: string): string {
  return reason
    .split(' Also: ')
    .map((part) => part.replace(/\s*\([^)]*\)/g, '').split(/\.(\s|$)/)[0]!.trim())
    .join('; ');
}
