/**
 * Puts a lab back to the state a new lab starts in, without re-creating it (seconds instead of a
 * new control plane): learner-made objects deleted, namespaces removed, worker nodes untainted,
 * uncordoned and stripped of learner labels, the learner's kubeconfig back on namespace default,
 * every control-plane component running. Used between exercises by the conformance test and the
 * grading benchmark. ("Reset" is the other thing: a learner's lab put back at its creation snapshot, or deleted and created anew, labs.ts.)
 */
import { readFileSync } from 'node:fs';
import { contextNamesOf, kubectl, learnerContextOf, type ClusterProvider, type Lab } from '../../sandbox/index.js';

const systemNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** Namespaced kinds a learner may create; the API server and controllers re-create their own (kept by name). */
const namespacedKinds = 'deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,services,configmaps,secrets,serviceaccounts,poddisruptionbudgets,resourcequotas,limitranges,roles,rolebindings,networkpolicies,ingresses,horizontalpodautoscalers';
const keep = 'metadata.name!=kubernetes,metadata.name!=kube-root-ca.crt,metadata.name!=default';
/** Node labels the platform sets; anything else without a domain prefix was added by a learner. */
const platformLabel = (key: string) => key.includes('/') || key === 'type';

async function dropFinalizers(admin: string): Promise<void> {
  const json = JSON.parse(await kubectl(admin, ['get', namespacedKinds, '-A', '-o', 'json'])) as { items: { kind: string; apiVersion: string; metadata: { name: string; namespace: string; finalizers?: string[] } }[] };
  const held = json.items.filter((o) => (o.metadata.finalizers ?? []).some((f) => !f.startsWith('kubernetes.io/') && !f.includes('.k8s.io/')));
  await Promise.all(
    held.map((o) => kubectl(admin, ['patch', `${o.kind.toLowerCase()}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, ''), o.metadata.name, '-n', o.metadata.namespace, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']).catch(() => undefined)),
  );
}

/** The learner's kubeconfig back on the lab's own context (named as in the grader's), namespace default, no other context. */
async function resetLearnerKubeconfig(lab: Lab): Promise<void> {
  const learner = lab.kubeconfigs.learner;
  const labContext = learnerContextOf(readFileSync(lab.kubeconfigs.grader, 'utf8')).name;
  for (const c of contextNamesOf(readFileSync(learner, 'utf8'))) if (c !== labContext) await kubectl(learner, ['config', 'delete-context', c]);
  await kubectl(learner, ['config', 'use-context', labContext]);
  await kubectl(learner, ['config', 'set-context', '--current', '--namespace=default']);
}

export async function wipeLab(lab: Lab, provider: ClusterProvider): Promise<void> {
  const admin = lab.kubeconfigs.admin;
  for (const c of ['kube-scheduler', 'kube-controller-manager'] as const) {
    if (!lab.unsupported['set-component']) await provider.setComponent(lab, c, true);
  }
  const namespaces = (await kubectl(admin, ['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}'])).split(/\s+/).filter(Boolean);
  const doomed = namespaces.filter((n) => !systemNamespaces.has(n));
  // A learner's finalizer (a decoy held in deletion) would make the deletes below wait forever.
  await dropFinalizers(admin);
  await Promise.all([
    doomed.length ? kubectl(admin, ['delete', 'namespace', ...doomed, '--wait=true', '--timeout=90s'], { timeoutMs: 100_000 }) : undefined,
    kubectl(admin, ['delete', namespacedKinds, '-n', 'default', '--field-selector', keep, '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 }).then(() =>
      // Pods last: their controllers are gone, so nothing re-creates them.
      kubectl(admin, ['delete', 'pods', '-n', 'default', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 }).then(() =>
        // Claims after the Pods: a claim a Pod still mounts is held by its protection finalizer.
        kubectl(admin, ['delete', 'persistentvolumeclaims', '-n', 'default', '--all', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 }),
      ),
    ),
    kubectl(admin, ['delete', 'clusterroles,clusterrolebindings', '-l', '!kubernetes.io/bootstrapping,!kubelab.io/managed', '--ignore-not-found']),
    resetLearnerKubeconfig(lab),
    ...lab.workers.map(async (node) => {
      const json = JSON.parse(await kubectl(admin, ['get', 'node', node, '-o', 'json'])) as { metadata: { labels?: Record<string, string> } };
      const learnerLabels = Object.keys(json.metadata.labels ?? {}).filter((k) => !platformLabel(k));
      await kubectl(admin, ['patch', 'node', node, '--type=merge', '-p', JSON.stringify({ spec: { taints: null, unschedulable: null }, metadata: { labels: Object.fromEntries(learnerLabels.map((k) => [k, null])) } })]);
    }),
  ]);
  // Pods a removed namespace or ReplicaSet left terminating must be gone before the next setup counts pods.
  await kubectl(admin, ['wait', '--for=delete', 'pods', '--all', '-A', '--field-selector', 'metadata.namespace!=kube-system', '--timeout=60s'], { timeoutMs: 70_000 }).catch(() => undefined);
}
