/**
 * The kind command lines and config files of a lab, as pure functions (unit-tested without Docker):
 * names, the cluster config, argv for kind and for the node container, parsing kind's output.
 */
import { stringify } from 'yaml';
import type { ContainerEngine } from '../host.js';
import type { ControlPlaneComponent, LabSpec } from '../provider.js';
import { staticPodPaths, workerLabel } from '../cluster.js';

/** Every kind cluster kubelab makes is named kubelab-<lab>; list() finds them by this prefix. */
export const clusterPrefix = 'kubelab-';

export const clusterName = (lab: string) => `${clusterPrefix}${lab}`;

/** kind names the control-plane node (and its container) <cluster>-control-plane. */
export const controlPlaneNode = (lab: string) => `${clusterName(lab)}-control-plane`;

/** The kind cluster config: one control-plane node, then the workers labelled kubelab.io/worker=1..N. */
export function kindConfig(spec: LabSpec, opts: { nodeImage?: string } = {}): string {
  const image = opts.nodeImage ? { image: opts.nodeImage } : {};
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: clusterName(spec.name),
    // The API server is reachable from this host only.
    networking: { apiServerAddress: '127.0.0.1' },
    nodes: [
      { role: 'control-plane', ...image },
      ...Array.from({ length: spec.workers }, (_, i) => ({ role: 'worker', ...image, labels: { [workerLabel]: String(i + 1) } })),
    ],
  });
}

export function createArgs(lab: string, configPath: string, kubeconfigPath: string, waitSeconds = 180): string[] {
  return ['create', 'cluster', '--name', clusterName(lab), '--config', configPath, '--kubeconfig', kubeconfigPath, '--wait', `${waitSeconds}s`];
}

export function deleteArgs(lab: string, kubeconfigPath: string): string[] {
  return ['delete', 'cluster', '--name', clusterName(lab), '--kubeconfig', kubeconfigPath];
}

export const listArgs = ['get', 'clusters'];

/**
 * Lab names from `kind get clusters`: one cluster name a line; kind says "No kind clusters found."
 * (on stderr) when there are none. Clusters that kubelab did not make are left out.
 */
export function parseClusters(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(clusterPrefix) && l.length > clusterPrefix.length && !/\s/.test(l))
    .map((l) => l.slice(clusterPrefix.length));
}

/** The environment kind runs with: KIND_EXPERIMENTAL_PROVIDER selects Podman. */
export function kindEnv(engine: ContainerEngine, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  if (engine === 'podman') env.KIND_EXPERIMENTAL_PROVIDER = 'podman';
  else delete env.KIND_EXPERIMENTAL_PROVIDER;
  return env;
}

/** `<engine> exec <node> cat <file>`: reads a file of the control-plane node (the cluster CA). */
export function readNodeFileArgs(lab: string, path: string): string[] {
  return ['exec', controlPlaneNode(lab), 'cat', path];
}

export const caPaths = { crt: '/etc/kubernetes/pki/ca.crt', key: '/etc/kubernetes/pki/ca.key' } as const;

/**
 * argv (for the container engine) that stops or starts a control-plane component: its static pod
 * manifest moves out of /etc/kubernetes/manifests (the kubelet stops the pod) or back in (it starts it).
 * The first command tells whether there is anything to move (`test -f`), the second moves it.
 */
export function componentMoveArgs(lab: string, component: ControlPlaneComponent, running: boolean): { check: string[]; move: string[] } {
  const { active, parked } = staticPodPaths(component);
  const [from, to] = running ? [parked, active] : [active, parked];
  return {
    check: ['exec', controlPlaneNode(lab), 'test', '-f', from],
    move: ['exec', controlPlaneNode(lab), 'mv', from, to],
  };
}
