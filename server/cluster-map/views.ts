/**
 * Kubernetes objects reduced to what the cluster map draws (shared/cluster-map.ts). Pure
 * functions of one object each; Services get their endpoints from the EndpointSlices that name them.
 */
import type { DeploymentView, EndpointView, EventView, NamespaceView, NodeView, PodView, ReplicaSetView, ServiceView } from '../../shared/cluster-map.js';

/** The parts of an object every view reads. Objects come from the API as JSON, so every field is optional. */
export interface KubeObject {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

type Condition = { type?: string; status?: string; reason?: string; message?: string };
type ContainerStatus = { ready?: boolean; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } };

const idOf = (o: KubeObject) => o.metadata?.uid ?? `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const nameOf = (o: KubeObject) => o.metadata?.name ?? '';
const nsOf = (o: KubeObject) => o.metadata?.namespace ?? '';
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Labels every node has (hostname, os, arch, kwok's own type label): noise in a node's header. */
const wellKnownLabel = /^(kubernetes\.io\/(hostname|os|arch)|beta\.kubernetes\.io\/|type$|kwok\.x-k8s\.io\/)/;

export function nodeView(o: KubeObject): NodeView {
  const labels = Object.fromEntries(Object.entries(o.metadata?.labels ?? {}).filter(([k]) => !wellKnownLabel.test(k)));
  const conditions = arr<Condition>(o.status?.conditions);
  return {
    id: nameOf(o),
    name: nameOf(o),
    labels,
    taints: arr<{ key?: string; value?: string; effect?: string }>(o.spec?.taints).map((t) => ({ key: t.key ?? '', ...(t.value ? { value: t.value } : {}), effect: t.effect ?? '' })),
    unschedulable: o.spec?.unschedulable === true,
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
  };
}

function controllerOf(o: KubeObject): { kind: string; name: string } | undefined {
  const ref = o.metadata?.ownerReferences?.find((r) => r.controller) ?? o.metadata?.ownerReferences?.[0];
  return ref?.kind && ref.name ? { kind: ref.kind, name: ref.name } : undefined;
}

/** STATUS as kubectl get pods prints it, close enough for a picture. */
function podStatus(o: KubeObject, phase: string): string {
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  const statuses = [...arr<ContainerStatus>(o.status?.initContainerStatuses), ...arr<ContainerStatus>(o.status?.containerStatuses)];
  for (const s of statuses) {
    const waiting = s.state?.waiting?.reason;
    if (waiting && waiting !== 'PodInitializing') return waiting;
  }
  for (const s of statuses) {
    const done = s.state?.terminated?.reason;
    if (done && phase !== 'Running') return done;
  }
  return str(o.status?.reason) ?? phase;
}

/** Why an unscheduled pod waits: the scheduler's condition message, or that nobody decided yet. */
function pendingReason(o: KubeObject): string {
  const scheduled = arr<Condition>(o.status?.conditions).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return [scheduled.reason, scheduled.message].filter(Boolean).join(': ') || 'Not scheduled';
  const scheduler = str(o.spec?.schedulerName) ?? 'default-scheduler';
  return `Waiting for a scheduler: ${scheduler} has not placed it yet (no scheduling decision)`;
}

export function podView(o: KubeObject): PodView {
  const phase = str(o.status?.phase) ?? 'Pending';
  const node = str(o.spec?.nodeName);
  const containers = arr<unknown>(o.spec?.containers).length;
  const readyContainers = arr<ContainerStatus>(o.status?.containerStatuses).filter((s) => s.ready).length;
  const owner = controllerOf(o);
  return {
    id: idOf(o),
    name: nameOf(o),
    namespace: nsOf(o),
    ...(node ? { node } : {}),
    phase,
    status: podStatus(o, phase),
    ready: arr<Condition>(o.status?.conditions).some((c) => c.type === 'Ready' && c.status === 'True'),
    readyText: `${readyContainers}/${containers}`,
    ...(node ? {} : { reason: pendingReason(o) }),
    ...(owner ? { owner } : {}),
    ...(str(o.status?.podIP) ? { ip: str(o.status?.podIP) } : {}),
    ...(o.metadata?.creationTimestamp ? { createdAt: o.metadata.creationTimestamp } : {}),
  };
}

export function replicaSetView(o: KubeObject): ReplicaSetView {
  const owner = controllerOf(o);
  return { id: idOf(o), name: nameOf(o), namespace: nsOf(o), ...(owner?.kind === 'Deployment' ? { deployment: owner.name } : {}) };
}

export function deploymentView(o: KubeObject): DeploymentView {
  return {
    id: idOf(o),
    name: nameOf(o),
    namespace: nsOf(o),
    replicas: typeof o.spec?.replicas === 'number' ? o.spec.replicas : 1,
    readyReplicas: typeof o.status?.readyReplicas === 'number' ? o.status.readyReplicas : 0,
  };
}

export function namespaceView(o: KubeObject): NamespaceView {
  return { id: nameOf(o), name: nameOf(o) };
}

/** One EndpointSlice, reduced: the Service it serves and its endpoints. */
export interface SliceView {
  id: string;
  namespace: string;
  service?: string;
  endpoints: EndpointView[];
}

export function sliceView(o: KubeObject): SliceView {
  type Endpoint = { addresses?: string[]; conditions?: { ready?: boolean | null }; nodeName?: string; targetRef?: { kind?: string; name?: string; uid?: string } };
  const endpoints = arr<Endpoint>(o.endpoints).flatMap((e) =>
    (e.addresses ?? []).map((ip) => ({
      ip,
      // The API leaves ready unset for "unknown"; consumers treat that as ready.
      ready: e.conditions?.ready !== false,
      ...(e.targetRef?.kind === 'Pod' && (e.targetRef.uid || e.targetRef.name) ? { pod: e.targetRef.uid ?? e.targetRef.name, podName: e.targetRef.name } : {}),
      ...(e.nodeName ? { node: e.nodeName } : {}),
    })),
  );
  return { id: idOf(o), namespace: nsOf(o), service: o.metadata?.labels?.['kubernetes.io/service-name'], endpoints };
}

export function serviceView(o: KubeObject, slices: Iterable<SliceView>): ServiceView {
  const ports = arr<{ port?: number; protocol?: string; targetPort?: number | string; nodePort?: number }>(o.spec?.ports)
    .map((p) => `${p.port ?? '?'}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(', ');
  const endpoints: EndpointView[] = [];
  for (const s of slices) if (s.namespace === nsOf(o) && s.service === nameOf(o)) endpoints.push(...s.endpoints);
  return {
    id: idOf(o),
    name: nameOf(o),
    namespace: nsOf(o),
    type: str(o.spec?.type) ?? 'ClusterIP',
    ...(str(o.spec?.clusterIP) ? { clusterIP: str(o.spec?.clusterIP) } : {}),
    ports,
    selector: (o.spec?.selector as Record<string, string> | undefined) ?? {},
    endpoints,
  };
}

export function eventView(o: KubeObject): EventView {
  const involved = (o.involvedObject ?? {}) as { kind?: string; name?: string };
  const time = str(o.lastTimestamp) ?? str(o.eventTime) ?? str(o.firstTimestamp) ?? o.metadata?.creationTimestamp ?? new Date(0).toISOString();
  return {
    id: idOf(o),
    namespace: nsOf(o),
    time,
    type: str(o.type) ?? 'Normal',
    reason: str(o.reason) ?? '',
    object: `${involved.kind ?? ''}/${involved.name ?? ''}`,
    message: str(o.message) ?? '',
    count: typeof o.count === 'number' ? o.count : 1,
  };
}
