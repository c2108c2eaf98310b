/**
 * What the picture and the table both show, derived from the store: the chosen namespaces only,
 * pods grouped by the workload that owns them (Deployment → ReplicaSet → Pod), and each pod's
 * state in words (the colour only repeats it).
 */
import { systemNamespaces, type DeploymentView, type EventView, type NodeView, type PodView, type ServiceView } from '../../shared/cluster-map.js';
import type { MapStore } from './connection.js';

export interface Filter {
  /** One namespace, or '' for all of them. */
  namespace: string;
  /** Show kube-system and the other system namespaces. */
  system: boolean;
}

export type PodState = 'ready' | 'not-ready' | 'pending' | 'failed' | 'succeeded' | 'terminating';

export function podState(p: PodView): PodState {
  if (p.status === 'Terminating') return 'terminating';
  if (p.phase === 'Failed' || /BackOff|Err|Error|OOMKilled/.test(p.status)) return 'failed';
  if (p.phase === 'Succeeded') return 'succeeded';
  if (p.phase === 'Pending') return 'pending';
  return p.ready ? 'ready' : 'not-ready';
}

/** The pod's state as words: what a screen reader says and what the chip prints under the name. */
export function podStateText(p: PodView): string {
  const s = podState(p);
  if (s === 'ready') return `${p.status} · ready ${p.readyText}`;
  if (s === 'not-ready') return `${p.status} · not ready ${p.readyText}`;
  return p.status;
}

/** The workload a pod belongs to, for grouping: Deployment and ReplicaSet, or its other owner. */
export interface Owner {
  key: string;
  deployment?: string;
  replicaSet?: string;
  other?: { kind: string; name: string };
}

export function ownerOf(p: PodView, store: MapStore): Owner {
  const o = p.owner;
  if (!o) return { key: `${p.namespace}/none` };
  if (o.kind === 'ReplicaSet') {
    let deployment: string | undefined;
    for (const rs of store.replicaSets.values()) if (rs.name === o.name && rs.namespace === p.namespace) deployment = rs.deployment;
    return { key: `${p.namespace}/rs/${deployment ?? ''}/${o.name}`, replicaSet: o.name, ...(deployment ? { deployment } : {}) };
  }
  return { key: `${p.namespace}/${o.kind}/${o.name}`, other: o };
}

export function ownerText(o: Owner): string {
  if (o.deployment) return `Deployment ${o.deployment} › ReplicaSet ${o.replicaSet}`;
  if (o.replicaSet) return `ReplicaSet ${o.replicaSet}`;
  if (o.other) return `${o.other.kind} ${o.other.name}`;
  return 'No owner';
}

export interface Picture {
  nodes: NodeView[];
  /** Pods by node name, each node's pods in workload groups. */
  placed: Map<string, { owner: Owner; pods: PodView[] }[]>;
  /** Pods on a node the API does not list (it was deleted under them). */
  orphans: PodView[];
  pending: PodView[];
  services: ServiceView[];
  deployments: DeploymentView[];
  events: EventView[];
  namespaces: string[];
  pods: PodView[];
}

const byName = <T extends { name: string; namespace?: string }>(a: T, b: T) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name, undefined, { numeric: true });

export function shown(f: Filter, namespace: string): boolean {
  if (!f.system && systemNamespaces.includes(namespace)) return false;
  return !f.namespace || f.namespace === namespace;
}

export function pictureOf(store: MapStore, f: Filter): Picture {
  const nodes = [...store.nodes.values()].sort(byName);
  const pods = [...store.pods.values()].filter((p) => shown(f, p.namespace)).sort(byName);
  const placed = new Map<string, { owner: Owner; pods: PodView[] }[]>(nodes.map((n) => [n.name, []]));
  const orphans: PodView[] = [];
  const pending: PodView[] = [];
  for (const p of pods) {
    if (!p.node) {
      pending.push(p);
      continue;
    }
    const groups = placed.get(p.node);
    if (!groups) {
      orphans.push(p);
      continue;
    }
    const owner = ownerOf(p, store);
    let g = groups.find((x) => x.owner.key === owner.key);
    if (!g) {
      g = { owner, pods: [] };
      groups.push(g);
    }
    g.pods.push(p);
  }
  for (const groups of placed.values()) groups.sort((a, b) => ownerText(a.owner).localeCompare(ownerText(b.owner)));
  const namespaces = [...store.namespaces.values()].map((n) => n.name).sort();
  return {
    nodes,
    placed,
    orphans,
    pending,
    services: [...store.services.values()].filter((s) => shown(f, s.namespace)).sort(byName),
    deployments: [...store.deployments.values()].filter((d) => shown(f, d.namespace)).sort(byName),
    events: [...store.events.values()].filter((e) => shown(f, e.namespace)).sort((a, b) => b.time.localeCompare(a.time)),
    namespaces,
    pods,
  };
}

/** The endpoints of a Service that are ready and whose pod is known, by pod id. */
export function readyEndpointPods(s: ServiceView, store: MapStore): string[] {
  const out: string[] = [];
  for (const e of s.endpoints) {
    if (!e.ready || !e.pod) continue;
    if (store.pods.has(e.pod)) out.push(e.pod);
    else {
      // A slice that names its pod only by name.
      for (const p of store.pods.values()) if (p.name === e.pod && p.namespace === s.namespace) out.push(p.id);
    }
  }
  return out;
}

export function timeText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
