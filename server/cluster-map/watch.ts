/**
 * The live state of one lab for the cluster map: per kind, a list and then a watch from its
 * resourceVersion (re-listed on 410), through the grader's read-only credential and KubeClient
 * (the one live feedback uses: hard timeouts on lists, so a dead API server is noticed in seconds),
 * each object reduced to its view.
 *
 * - Changes are gathered for clusterMapLimits.batchMs and sent as one patch: a rollout of 50 pods
 *   is a handful of frames, each naming every object once.
 * - A watch that fails (the API server went away) marks the lab unreachable and is started again
 *   with backoff; the first successful list of every kind marks it live again. A fresh list
 *   replaces what was known of that kind, so whatever changed meanwhile is caught up.
 * - A frozen API server keeps its watch connections open and silent, so a small health probe
 *   (/readyz, every probeMs, with a deadline) says "unreachable" for it too.
 */
import type { Lab } from '../../sandbox/index.js';
import type { Logger } from '../logger.js';
import { ApiError, clientFor, type KubeClient, type WatchHandle } from '../grading/kube.js';
import { clusterMapLimits, mapCollections, type MapChanges, type MapCollection, type MapState, type WatchState } from '../../shared/cluster-map.js';
import { deploymentView, eventView, namespaceView, nodeView, podView, replicaSetView, serviceView, sliceView, type KubeObject, type SliceView } from './views.js';
import { Timers } from '../timers.js';

type Kind = 'nodes' | 'pods' | 'replicaSets' | 'deployments' | 'services' | 'slices' | 'events' | 'namespaces';

interface Source {
  key: Kind;
  apiVersion: string;
  kind: string;
}

const sources: Source[] = [
  { key: 'nodes', apiVersion: 'v1', kind: 'Node' },
  { key: 'pods', apiVersion: 'v1', kind: 'Pod' },
  { key: 'replicaSets', apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { key: 'deployments', apiVersion: 'apps/v1', kind: 'Deployment' },
  { key: 'services', apiVersion: 'v1', kind: 'Service' },
  { key: 'slices', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  { key: 'events', apiVersion: 'v1', kind: 'Event' },
  { key: 'namespaces', apiVersion: 'v1', kind: 'Namespace' },
];

type View = MapState[MapCollection][number];

export interface WatchSink {
  patch(changes: MapChanges, sentAt: number): void;
  status(s: WatchState): void;
}

export interface LabWatchOptions {
  batchMs?: number;
  /** How often the API server's health is probed (a frozen server ends no watch). */
  probeMs?: number;
  log?: Logger;
}

const idOf = (o: KubeObject) => o.metadata?.uid ?? `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
/** A short reason for the banner: the socket error's code or the HTTP status, not a URL-laden message. */
function describe(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; errno?: unknown; statusCode?: unknown; message?: unknown };
  const text = typeof e.message === 'string' ? e.message : String(err);
  const inner = /^the lab's API server is not answering \((.*)\)$/.exec(text)?.[1];
  if (inner) return inner;
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  const code = /\b(E(?:CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|PIPE))\b/.exec(text)?.[1];
  if (code) return code;
  if (typeof e.statusCode === 'number') return `HTTP ${e.statusCode}`;
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export class LabWatch {
  private readonly views = new Map<MapCollection, Map<string, View>>(mapCollections.map((c) => [c, new Map()]));
  private readonly dirty = new Map<MapCollection, Set<string>>(mapCollections.map((c) => [c, new Set()]));
  /** Services as the API gave them: their endpoints are recomputed when a slice changes. */
  private readonly rawServices = new Map<string, KubeObject>();
  private readonly slices = new Map<string, SliceView>();
  private readonly watches = new Map<Kind, WatchHandle>();
  private readonly failing = new Map<Kind, string>();
  private readonly listed = new Set<Kind>();
  private readonly timers = new Timers();
  private flushTimer?: NodeJS.Timeout;
  private stopped = false;
  private probeError?: string;
  private state: WatchState = { state: 'waiting', detail: 'connecting to the lab' };

  constructor(
    readonly lab: Lab,
    private readonly sink: WatchSink,
    private readonly opts: LabWatchOptions = {},
  ) {}

  get status(): WatchState {
    return this.state;
  }

  start(): void {
    for (const s of sources) this.follow(s, 0);
    this.timers.later(this.opts.probeMs ?? 5_000, () => void this.probe());
  }

  /** Asks the API server whether it is ready, with a deadline; a server that does not answer is unreachable. */
  private async probe(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = await clientFor(this.lab.kubeconfigs.grader);
      const r = await client.request('GET', '/readyz', undefined, 3_000);
      this.probeError = r.status === 200 ? undefined : `the API server says it is not ready (HTTP ${r.status})`;
    } catch (err) {
      this.probeError = describe(err);
    }
    this.recompute();
    this.timers.later(this.opts.probeMs ?? 5_000, () => void this.probe());
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    this.timers.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  snapshot(): MapState {
    const list = <K extends MapCollection>(c: K) => [...this.views.get(c)!.values()] as MapState[K];
    return {
      nodes: list('nodes'),
      pods: list('pods'),
      replicaSets: list('replicaSets'),
      deployments: list('deployments'),
      services: list('services'),
      events: list('events'),
      namespaces: list('namespaces'),
    };
  }

  /** Lists one kind (for a resourceVersion), then watches it; any failure starts over with backoff. */
  private follow(source: Source, failures: number): void {
    if (this.stopped) return;
    const retry = (err: unknown) => {
      if (this.stopped) return;
      this.watches.delete(source.key);
      this.listed.delete(source.key);
      this.failing.set(source.key, describe(err));
      this.opts.log?.debug('cluster map watch failed', { lab: this.lab.name, kind: source.kind, err: describe(err) });
      this.recompute();
      const n = failures + 1;
      this.timers.later(Math.min(clusterMapLimits.maxRetryMs, clusterMapLimits.firstRetryMs * 2 ** Math.min(n - 1, 4)), () => this.follow(source, n));
    };
    void (async () => {
      try {
        const client = await clientFor(this.lab.kubeconfigs.grader);
        const path = await client.collectionPath(source.apiVersion, source.kind);
        const { items, resourceVersion } = await client.list(source.apiVersion, source.kind);
        if (this.stopped) return;
        this.replaceAll(source.key, items as KubeObject[]);
        this.listedOk(source.key);
        failures = 0; // a later failure backs off from the start again
        this.watchFrom(source, client, path, resourceVersion, retry);
      } catch (err) {
        retry(err);
      }
    })();
  }

  /**
   * Watches from `resourceVersion`. The API server ends watches after a few minutes: then the watch
   * goes on from the last version seen; an expired version (410) means listing again; any other
   * error is a failure.
   */
  private watchFrom(source: Source, client: KubeClient, path: string, resourceVersion: string, fail: (err: unknown) => void): void {
    let last = resourceVersion;
    const started = Date.now();
    const handle = client.watch(
      path,
      resourceVersion,
      (type, obj) => {
        const o = obj as KubeObject & { metadata?: { resourceVersion?: string } };
        if (o.metadata?.resourceVersion) last = o.metadata.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') this.put(source.key, o);
        else if (type === 'DELETED') this.drop(source.key, idOf(o));
      },
      (err) => {
        if (this.watches.get(source.key) !== handle || this.stopped) return;
        this.watches.delete(source.key);
        if (err instanceof ApiError && err.status === 410) return this.follow(source, 0);
        if (err) return fail(err);
        // A clean end: go on at once, unless watches end as soon as they start (then the server is going away).
        this.timers.later(Date.now() - started < 1_000 ? clusterMapLimits.firstRetryMs : 0, () => this.watchFrom(source, client, path, last, fail));
      },
    );
    this.watches.set(source.key, handle);
  }

  private listedOk(key: Kind): void {
    this.failing.delete(key);
    this.listed.add(key);
    this.recompute();
  }

  /** Unreachable while the probe or any watch fails; live once every kind has been listed. */
  private recompute(): void {
    const problem = this.probeError ?? this.failing.values().next().value;
    if (problem !== undefined) this.setStatus({ state: 'unreachable', detail: problem });
    else if (this.listed.size === sources.length) this.setStatus({ state: 'live' });
  }

  private setStatus(s: WatchState): void {
    if (JSON.stringify(s) === JSON.stringify(this.state)) return;
    this.state = s;
    if (s.state === 'live') this.flush(); // a picture caught up after an outage goes out with the news
    this.sink.status(s);
  }

  /** A fresh list of one kind: everything not in it is gone. */
  private replaceAll(key: Kind, items: KubeObject[]): void {
    const ids = new Set(items.map(idOf));
    const known = key === 'slices' ? this.slices : key === 'services' ? this.rawServices : this.views.get(key)!;
    for (const id of [...known.keys()]) if (!ids.has(id)) this.drop(key, id);
    for (const o of items) this.put(key, o);
  }

  private put(key: Kind, o: KubeObject): void {
    switch (key) {
      case 'slices': {
        const before = this.slices.get(idOf(o));
        const s = sliceView(o);
        this.slices.set(s.id, s);
        this.touchService(s.namespace, s.service);
        if (before && before.service !== s.service) this.touchService(before.namespace, before.service);
        return;
      }
      case 'services':
        this.rawServices.set(idOf(o), o);
        return this.mark('services', idOf(o));
      case 'nodes':
        return this.set('nodes', nodeView(o));
      case 'pods':
        return this.set('pods', podView(o));
      case 'replicaSets':
        return this.set('replicaSets', replicaSetView(o));
      case 'deployments':
        return this.set('deployments', deploymentView(o));
      case 'events':
        return this.set('events', eventView(o));
      case 'namespaces':
        return this.set('namespaces', namespaceView(o));
    }
  }

  private drop(key: Kind, id: string): void {
    if (key === 'slices') {
      const before = this.slices.get(id);
      this.slices.delete(id);
      if (before) this.touchService(before.namespace, before.service);
      return;
    }
    if (key === 'services') this.rawServices.delete(id);
    this.views.get(key)!.delete(id);
    this.mark(key, id);
  }

  private set(c: MapCollection, v: View): void {
    this.views.get(c)!.set(v.id, v);
    this.mark(c, v.id);
  }

  private touchService(namespace: string, name: string | undefined): void {
    if (!name) return;
    for (const [id, o] of this.rawServices) if (o.metadata?.name === name && o.metadata?.namespace === namespace) this.mark('services', id);
  }

  private mark(c: MapCollection, id: string): void {
    this.dirty.get(c)!.add(id);
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => this.flush(), this.opts.batchMs ?? clusterMapLimits.batchMs);
    this.flushTimer.unref();
  }

  /** Sends what changed since the last patch, each object once, in its latest form. */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.stopped) return;
    // Services first: their views are computed now, from the latest slices.
    for (const id of this.dirty.get('services')!) {
      const raw = this.rawServices.get(id);
      if (raw) this.views.get('services')!.set(id, serviceView(raw, this.slices.values()));
      else this.views.get('services')!.delete(id);
    }
    this.trimEvents();
    const changes: MapChanges = {};
    let any = false;
    for (const c of mapCollections) {
      const ids = this.dirty.get(c)!;
      if (ids.size === 0) continue;
      const views = this.views.get(c)!;
      const upsert: View[] = [];
      const remove: string[] = [];
      for (const id of ids) {
        const v = views.get(id);
        if (v) upsert.push(v);
        else remove.push(id);
      }
      ids.clear();
      (changes as Record<string, unknown>)[c] = { upsert, remove };
      any = true;
    }
    if (any) this.sink.patch(changes, Date.now());
  }

  /** The ticker keeps the most recent events only. */
  private trimEvents(): void {
    const events = this.views.get('events')! as Map<string, MapState['events'][number]>;
    if (events.size <= clusterMapLimits.events) return;
    const oldest = [...events.values()].sort((a, b) => a.time.localeCompare(b.time)).slice(0, events.size - clusterMapLimits.events);
    for (const e of oldest) {
      events.delete(e.id);
      this.dirty.get('events')!.add(e.id);
    }
  }
}
