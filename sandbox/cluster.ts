/**
 * What every provider does the same way to a running cluster through kubectl: find the worker nodes by their kubelab.io/worker label, wait for nodes, and watch a
 * static control-plane pod come and go.
 */
import { SandboxError, type ControlPlaneComponent } from './provider.js';
import { kubectl } from './run.js';

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
