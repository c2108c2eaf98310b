/**
 * Puts a lab back to the state a new lab starts in, without re-creating it (seconds instead of a
 * new control plane): learner-made objects deleted, namespaces removed, worker nodes untainted,
 * uncordoned and stripped of learner labels, the learner's kubeconfig back on namespace default,
 * every control-plane component running. Used between exercises by the conformance test and by
 * `kubelab exercise reset`.
 */
import { kubectl, type ClusterProvider, type Lab } from '../../sandbox/index.js';

const systemNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** Namespaced kinds a learner may create; the API server and controllers re-create their own (kept by name). */
const namespacedKinds = 'deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,services,configmaps,secrets,serviceaccounts,poddisruptionbudgets,resourcequotas,limitranges,roles,rolebindings,networkpolicies,ingresses,persistentvolumeclaims,horizontalpodautoscalers';
const keep = 'metadata.name!=kubernetes,metadata.name!=kube-root-ca.crt,metadata.name!=default';
/** Node labels the platform sets; anything else without a domain prefix was added by a learner. */
const platformLabel = (key: string) => key.includes('/') || key === 'type';

export async function resetLab(lab: Lab, provider: ClusterProvider): Promise<void> {
  const admin = lab.kubeconfigs.admin;
  for (const c of ['kube-scheduler', 'kube-controller-manager'] as const) {
    if (!lab.unsupported['set-component']) await provider.setComponent(lab, c, true);
  }
  const namespaces = (await kubectl(admin, ['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}'])).split(/\s+/).filter(Boolean);
  const doomed = namespaces.filter((n) => !systemNamespaces.has(n));
  await Promise.all([
    doomed.length ? kubectl(admin, ['delete', 'namespace', ...doomed, '--wait=true', '--timeout=90s'], { timeoutMs: 100_000 }) : undefined,
    kubectl(admin, ['delete', namespacedKinds, '-n', 'default', '--field-selector', keep, '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 }).then(() =>
      // Pods last: their controllers are gone, so nothing re-creates them.
      kubectl(admin, ['delete', 'pods', '-n', 'default', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 }),
    ),
    kubectl(admin, ['delete', 'clusterroles,clusterrolebindings', '-l', '!kubernetes.io/bootstrapping,!kubelab.io/managed', '--ignore-not-found']),
    kubectl(lab.kubeconfigs.learner, ['config', 'set-context', '--current', '--namespace=default']),
    ...lab.workers.map(async (node) => {
      const json = JSON.parse(await kubectl(admin, ['get', 'node', node, '-o', 'json'])) as { metadata: { labels?: Record<string, string> } };
      const learnerLabels = Object.keys(json.metadata.labels ?? {}).filter((k) => !platformLabel(k));
      await kubectl(admin, ['patch', 'node', node, '--type=merge', '-p', JSON.stringify({ spec: { taints: null, unschedulable: null }, metadata: { labels: Object.fromEntries(learnerLabels.map((k) => [k, null])) } })]);
    }),
  ]);
  // Pods a removed namespace or ReplicaSet left terminating must be gone before the next setup counts pods.
  await kubectl(admin, ['wait', '--for=delete', 'pods', '--all', '-A', '--field-selector', 'metadata.namespace!=kube-system', '--timeout=60s'], { timeoutMs: 70_000 }).catch(() => undefined);
}
