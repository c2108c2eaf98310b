/**
 * A grading target from a bare kubeconfig (`kubelab check --kubeconfig PATH`): the same file is
 * both the grader's credential and the "learner" kubeconfig; worker names come from the nodes'
 * kubelab.io/worker labels, as every provider sets them.
 */
import { basename } from 'node:path';
import { clientFor } from './kube.js';
import type { GradingTarget } from './target.js';

export async function targetFromKubeconfig(path: string): Promise<GradingTarget> {
  const client = await clientFor(path);
  const { items } = await client.list('v1', 'Node', { labelSelector: 'kubelab.io/worker' });
  const workers = items
    .map((n) => ({ name: n.metadata?.name ?? '', order: Number(n.metadata?.labels?.['kubelab.io/worker']) }))
    .sort((a, b) => a.order - b.order)
    .map((n) => n.name);
  const variables: Record<string, string> = { lab: basename(path), namespace: 'default' };
  workers.forEach((w, i) => (variables[`worker${i + 1}`] = w));
  return { name: basename(path), grader: path, learner: path, admin: path, variables, workers };
}
