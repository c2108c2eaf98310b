/**
 * The cluster map protocol between the server (server/cluster-map.ts) and the browser
 * (client/cluster-map/), over the WebSocket /ws/cluster. Types and constants only.
 *
 * The server watches the lab's API with the grader's read-only credential, reduces every object to
 * the small view below, and sends:
 *   hello     once: whose lab this is and whether the viewer only watches (an instructor)
 *   status    the watch's state: waiting (no lab yet), live, or unreachable (the API is not answering)
 *   snapshot  the whole picture (after connecting, and after the lab was replaced)
 *   patch     what changed since the last frame, gathered for `batchMs`
 * The client sends nothing: which lab a socket shows is decided by the server from the session
 * (and, for an instructor, from the learner named in the URL, if they may watch them).
 */
import type { ErrorFrame } from './socket-error.js';

export interface NodeView {
  id: string;
  name: string;
  /** Labels other than the well-known kubernetes.io ones every node carries. */
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  /** Cordoned: spec.unschedulable. */
  unschedulable: boolean;
  ready: boolean;
}

export interface PodView {
  id: string;
  name: string;
  namespace: string;
  /** The node the scheduler bound it to; absent while it waits to be scheduled. */
  node?: string;
  phase: string;
  /** What kubectl get pods shows in STATUS (Running, Pending, Terminating, CrashLoopBackOff…). */
  status: string;
  ready: boolean;
  /** Ready containers of all, as kubectl shows it ("1/1"). */
  readyText: string;
  /** Why an unscheduled pod waits: the scheduler's own words, or that no scheduler decided yet. */
  reason?: string;
  /** The controller that owns it (ownerReferences with controller: true). */
  owner?: { kind: string; name: string };
  ip?: string;
  createdAt?: string;
}

export interface ReplicaSetView {
  id: string;
  name: string;
  namespace: string;
  deployment?: string;
}

export interface DeploymentView {
  id: string;
  name: string;
  namespace: string;
  replicas: number;
  readyReplicas: number;
}

export interface EndpointView {
  ip: string;
  ready: boolean;
  /** The pod behind the endpoint (its uid when the slice names it, else its name). */
  pod?: string;
  podName?: string;
  node?: string;
}

export interface ServiceView {
  id: string;
  name: string;
  namespace: string;
  type: string;
  clusterIP?: string;
  ports: string;
  selector: Record<string, string>;
  endpoints: EndpointView[];
}

export interface EventView {
  id: string;
  namespace: string;
  /** ISO time of the last occurrence. */
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
}

export interface NamespaceView {
  id: string;
  name: string;
}

export interface MapState {
  nodes: NodeView[];
  pods: PodView[];
  replicaSets: ReplicaSetView[];
  deployments: DeploymentView[];
  services: ServiceView[];
  events: EventView[];
  namespaces: NamespaceView[];
}

export type MapCollection = keyof MapState;
export const mapCollections: MapCollection[] = ['nodes', 'pods', 'replicaSets', 'deployments', 'services', 'events', 'namespaces'];

export type MapChanges = { [K in MapCollection]?: { upsert: MapState[K]; remove: string[] } };

export type WatchState = { state: 'waiting'; detail: string } | { state: 'live' } | { state: 'unreachable'; detail: string };

export type MapFrame =
  | { type: 'hello'; learner: string; readOnly: boolean }
  | ({ type: 'status' } & WatchState)
  | { type: 'snapshot'; lab: string; state: MapState }
  /** sentAt: server clock (ms) when the batch was sent, for latency measurements. */
  | { type: 'patch'; changes: MapChanges; sentAt: number }
  | ErrorFrame;

export const clusterMapLimits = {
  /** server: changes are gathered this long into one patch (a rollout of 50 pods is a few frames, not hundreds). */
  batchMs: 100,
  /** server: the ticker keeps this many of the lab's most recent events. */
  events: 40,
  /** server: a watch that failed is tried again after this, doubling up to maxRetryMs. */
  firstRetryMs: 500,
  maxRetryMs: 5_000,
  /** client: the picture is redrawn at most this often (and only in an animation frame). */
  renderEveryMs: 100,
} as const;

/** Namespaces hidden unless the viewer asks for them. */
export const systemNamespaces = ['kube-system', 'kube-public', 'kube-node-lease'];
