/**
 * The kind command lines and config files of a lab, as pure functions (unit-tested without Docker):
 * names, the cluster config, argv for kind and for the node container, parsing kind's output.
 */
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ContainerEngine } from '../host.js';
import type { ControlPlaneComponent, LabSpec } from '../provider.js';
import { staticPodPaths, workerLabel } from '../cluster.js';

/** Every kind cluster kubelab makes is named kubelab-<lab>; list() finds them by this prefix. */
export const clusterPrefix = 'kubelab-';

export const clusterName = (lab: string) => `${clusterPrefix}${lab}`;

/** kind names the control-plane node (and its container) <cluster>-control-plane. */
export const controlPlaneNode = (lab: string) => `${clusterName(lab)}-control-plane`;

export interface KindConfigOptions {
  nodeImage?: string;
  /** etcd's image tag, when the node image holds an etcd other than the one kubeadm would pick. */
  etcdTag?: string;
  /** The host runs cgroup v1: the kubelet (1.35+) must be told to accept it. */
  cgroupV1?: boolean;
}

/** kubeadm's tag for an etcd release: v3.6.16 -> 3.6.16-0 (what the node image is built with). */
export const etcdImageTag = (version: string) => `${version.replace(/^v/, '')}-0`;

/** cgroup v1 (or hybrid) host: no cgroup2 controllers file at the root of /sys/fs/cgroup. */
export function hostCgroupV1(exists: (path: string) => boolean = existsSync): boolean {
  return !exists('/sys/fs/cgroup/cgroup.controllers');
}

/** The kind cluster config: one control-plane node, then the workers labelled kubelab.io/worker=1..N. */
export function kindConfig(spec: LabSpec, opts: KindConfigOptions = {}): string {
  const image = opts.nodeImage ? { image: opts.nodeImage } : {};
  const patches = [
    ...(opts.cgroupV1 ? ['kind: KubeletConfiguration\nfailCgroupV1: false\n'] : []),
    ...(opts.etcdTag ? [`kind: ClusterConfiguration\netcd:\n  local:\n    imageTag: ${opts.etcdTag}\n`] : []),
  ];
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: clusterName(spec.name),
    // The API server is reachable from this host only.
    networking: { apiServerAddress: '127.0.0.1' },
    ...(patches.length ? { kubeadmConfigPatches: patches } : {}),
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

export function loadArchiveArgs(lab: string, archive: string): string[] {
  return ['load', 'image-archive', archive, '--name', clusterName(lab)];
}

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

/**
 * Each lab's nodes get a container network of their own (kind shares one, "kind", between all
 * clusters): labs cannot reach each other's nodes, and delete removes the network with the lab.
 */
export const labNetwork = (lab: string) => clusterName(lab);

/**
 * The environment kind runs with: KIND_EXPERIMENTAL_PROVIDER selects Podman;
 * KIND_EXPERIMENTAL_DOCKER_NETWORK the lab's own network.
 */
export function kindEnv(engine: ContainerEngine, base: NodeJS.ProcessEnv, lab?: string): NodeJS.ProcessEnv {
  const env = { ...base };
  if (engine === 'podman') env.KIND_EXPERIMENTAL_PROVIDER = 'podman';
  else delete env.KIND_EXPERIMENTAL_PROVIDER;
  if (lab) env.KIND_EXPERIMENTAL_DOCKER_NETWORK = labNetwork(lab);
  else delete env.KIND_EXPERIMENTAL_DOCKER_NETWORK;
  return env;
}

/** argv (for the engine) that removes a lab's network; fails harmlessly when there is none. */
export const networkRemoveArgs = (lab: string) => ['network', 'rm', labNetwork(lab)];

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

/** argv (for the engine) listing a lab's node containers as "<name> <state>" lines. */
export function nodeStateArgs(lab: string): string[] {
  return ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${clusterName(lab)}`, '--format', '{{.Names}} {{.State}}'];
}

/** What is wrong with a lab's nodes, from nodeStateArgs' output: nodes not running, or missing. */
export function notRunning(stdout: string, expected: number): string[] {
  const nodes = stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0]);
  const problems = nodes.filter(([, state]) => state !== 'running').map(([name, state]) => `node ${name} is ${state ?? 'in an unknown state'}`);
  if (nodes.length < expected) problems.push(`${expected - nodes.length} of ${expected} node containers are gone`);
  return problems;
}

/**
 * The lines of kind's output that say what went wrong: its "ERROR:" line and kubeadm's own error,
 * not the Go stack trace kind prints after them (whose last line names only runtime.goexit).
 */
export function kindFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const picked = lines.filter((l) => /^ERROR:|^error(:| execution phase)/.test(l));
  return picked.length ? picked.join(' ') : lines.filter(Boolean).slice(-2).join(' ') || 'no output';
}
