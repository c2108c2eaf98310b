/**
 * What every provider does the same way to a running cluster through kubectl: read a kubeconfig's
 * server and CA, find the worker nodes by their kubelab.io/worker label, wait for nodes, and watch a
 * static control-plane pod come and go.
 */
import { parse } from 'yaml';
import { SandboxError, type ControlPlaneComponent } from './provider.js';
import { kubectl } from './run.js';

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user?: string; namespace?: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean } }[];
}

/** The server URL and CA (PEM) of a kubeconfig's current context. */
export function clusterOf(kubeconfigYaml: string): { server: string; caPem?: string; insecure: boolean } {
  const doc = parse(kubeconfigYaml) as KubeconfigDoc;
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context']) ?? doc.contexts?.[0];
  const cluster = doc.clusters?.find((c) => c.name === ctx?.context.cluster) ?? doc.clusters?.[0];
  if (!cluster?.cluster.server) throw new SandboxError('the kubeconfig names no cluster server');
  const ca = cluster.cluster['certificate-authority-data'];
  return {
    server: cluster.cluster.server,
    caPem: ca ? Buffer.from(ca, 'base64').toString('utf8') : undefined,
    insecure: cluster.cluster['insecure-skip-tls-verify'] === true,
  };
}

export const workerLabel = 'kubelab.io/worker';

interface NodeList {
  items: { metadata: { name: string; labels?: Record<string, string> } }[];
}

/** Names of the nodes labelled kubelab.io/worker=N, ordered by N (1, 2, …); other nodes are left out. */
export function workersFromNodes(nodes: NodeList): string[] {
  return nodes.items
    .map((n) => ({ name: n.metadata.name, n: Number(n.metadata.labels?.[workerLabel]) }))
    .filter((w) => Number.isInteger(w.n) && w.n > 0)
    .sort((a, b) => a.n - b.n)
    .map((w) => w.name);
}

export async function labelledWorkers(kubeconfig: string): Promise<string[]> {
  return workersFromNodes(JSON.parse(await kubectl(kubeconfig, ['get', 'nodes', '-l', workerLabel, '-o', 'json'])) as NodeList);
}

export async function waitNodesReady(kubeconfig: string, timeoutSeconds = 180): Promise<void> {
  await kubectl(kubeconfig, ['wait', '--for=condition=Ready', 'node', '--all', `--timeout=${timeoutSeconds}s`], { timeoutMs: (timeoutSeconds + 15) * 1000 });
}

/** Where kubeadm-made clusters (kind, minikube) keep a control-plane component's static pod manifest, and where we park it. */
export function staticPodPaths(component: ControlPlaneComponent): { active: string; parked: string } {
  return { active: `/etc/kubernetes/manifests/${component}.yaml`, parked: `/etc/kubernetes/${component}.yaml` };
}

interface PodList {
  items: { spec: { nodeName?: string }; status: { conditions?: { type: string; status: string }[] } }[];
}

/** Is the component's static (mirror) pod on `node` present and Ready? kubeadm labels them component=<name>. */
export function componentPodReady(pods: PodList, node: string): boolean {
  return pods.items.some((p) => p.spec.nodeName === node && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

/**
 * Waits until the kubelet has acted on a moved manifest: the mirror pod gone (stopped) or Ready (running).
 * The kubelet looks at its manifest folder every 20 s by default, so this can take that long.
 */
export async function waitComponent(kubeconfig: string, component: ControlPlaneComponent, node: string, running: boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = JSON.parse(await kubectl(kubeconfig, ['get', 'pods', '-n', 'kube-system', '-l', `component=${component}`, '-o', 'json'])) as PodList;
    const present = pods.items.some((p) => p.spec.nodeName === node);
    if (running ? componentPodReady(pods, node) : !present) return;
    if (Date.now() > deadline) {
      throw new SandboxError(`${component} did not ${running ? 'start' : 'stop'} within ${Math.round(timeoutMs / 1000)} s`, 'Look at the kubelet log on the control-plane node.');
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
