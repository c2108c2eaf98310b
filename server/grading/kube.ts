/**
 * A small Kubernetes API client for the grader: reads a kubeconfig through sandbox/kubeconfig.ts (client-node's KubeConfig
 * (so every auth form a provider may use works), then talks HTTPS itself with a keep-alive agent
 * and hard timeouts. Grading must answer in milliseconds and must never hang on a dead lab; a
 * plain request with a deadline gives both, where spawning kubectl per check would cost ~150 ms.
 */
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { statSync } from 'node:fs';
import { connectionOf } from '../../sandbox/index.js';

/** The lab's API server did not answer (refused, reset, or too slow). */
export class ApiUnreachable extends Error {
  constructor(detail: string) {
    super(`the lab's API server is not answering (${detail})`);
    this.name = 'ApiUnreachable';
  }
}

/** The API answered with an error status. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Resource {
  plural: string;
  namespaced: boolean;
  /** URL prefix: /api/v1 or /apis/<group>/<version>. */
  base: string;
}

/** A resource or subresource as discovery describes it, for authorisation questions. */
export interface ServedResource {
  group: string;
  resource: string;
  subresource?: string;
  namespaced: boolean;
  verbs: string[];
}

export type KubeObject = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; ownerReferences?: unknown[] } };

export interface WatchHandle {
  stop(): void;
}

const defaultTimeoutMs = 5_000;
/**
 * The largest answer the grader reads from a lab, whose contents the learner controls: a list of
 * 2000 large ConfigMaps must not be buffered whole (nor parsed on the thread every terminal shares).
 * Checks read a handful of objects; 16 MiB is hundreds of times what they need.
 */
export const maxResponseBytes = 16 * 1024 * 1024;
/** The largest single watch event; an object in etcd is at most 1.5 MiB. */
const maxWatchLineBytes = 4 * 1024 * 1024;

/** The lab answered with more than the grader reads. */
export class ApiTooLarge extends Error {
  constructor(path: string) {
    super(`the lab's answer to ${path.split('?')[0]} is larger than ${maxResponseBytes / 1024 / 1024} MiB; delete what you created in bulk, or Reset lab`);
    this.name = 'ApiTooLarge';
  }
}

export class KubeClient {
  private readonly discovery = new Map<string, Promise<Map<string, Resource>>>();

  private constructor(
    private readonly server: URL,
    private readonly options: RequestOptions,
    private readonly agent: Agent | undefined,
  ) {}

  static async fromFile(path: string): Promise<KubeClient> {
    const { server, https: opts } = await connectionOf(path);
    const agent =
      server.protocol === 'https:'
        ? new Agent({
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            servername: opts.servername,
            rejectUnauthorized: opts.rejectUnauthorized,
            keepAlive: true,
            // Watches hold a socket each for as long as they run (live feedback per exercise and
            // kind, the cluster map's eight): a cap here would queue a lab's later lists and
            // watches behind them forever. How many run is bounded by those features instead.
            maxSockets: Infinity,
          })
        : undefined;
    return new KubeClient(server, { headers: opts.headers, auth: opts.auth }, agent);
  }

  close(): void {
    this.agent?.destroy();
  }

  private open(method: string, path: string, headers: Record<string, string>, timeoutMs: number, onResponse: (res: IncomingMessage) => void, onError: (err: Error) => void) {
    const url = new URL(path, this.server);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method, agent: this.agent, headers: { Accept: 'application/json', ...(this.options.headers as Record<string, string>), ...headers }, auth: this.options.auth, timeout: timeoutMs },
      onResponse,
    );
    req.on('timeout', () => req.destroy(new ApiUnreachable(`no answer within ${Math.round(timeoutMs / 100) / 10} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => onError(err instanceof ApiUnreachable ? err : new ApiUnreachable(err.code ?? err.message)));
    return req;
  }

  /** One request with a deadline for the whole exchange; the body is parsed JSON. */
  request<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = defaultTimeoutMs): Promise<{ status: number; body: T }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const deadline = setTimeout(() => {
        req.destroy(new ApiUnreachable(`no answer within ${Math.round(timeoutMs / 100) / 10} s`));
      }, timeoutMs);
      const req = this.open(
        method,
        path,
        payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {},
        timeoutMs,
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= maxResponseBytes) return void chunks.push(c);
            clearTimeout(deadline);
            chunks.length = 0;
            reject(new ApiTooLarge(path));
            req.destroy();
          });
          res.on('error', (err) => {
            clearTimeout(deadline);
            reject(new ApiUnreachable(err.message));
          });
          res.on('end', () => {
            clearTimeout(deadline);
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON: keep the text for the error message */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
        (err) => {
          clearTimeout(deadline);
          reject(err);
        },
      );
      req.end(payload);
    });
  }

  private async must<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.request<T & { message?: string }>(method, path, body);
    if (r.status >= 400) throw new ApiError(r.status, (r.body as { message?: string })?.message ?? `HTTP ${r.status} from ${path}`);
    return r.body;
  }

  /** Resource name and scope of a kind, from API discovery (cached per group/version). */
  async resourceFor(apiVersion: string, kind: string): Promise<Resource> {
    let p = this.discovery.get(apiVersion);
    if (!p) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.must<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', base).then((list) => {
        const byKind = new Map<string, Resource>();
        for (const r of list.resources) if (!r.name.includes('/')) byKind.set(r.kind, { plural: r.name, namespaced: r.namespaced, base });
        return byKind;
      });
      this.discovery.set(apiVersion, p);
      p.catch(() => this.discovery.delete(apiVersion)); // a failed discovery is retried next time
    }
    const found = (await p).get(kind);
    if (!found) throw new ApiError(404, `the API server has no kind ${kind} in ${apiVersion}`);
    return found;
  }

  /**
   * Every resource and subresource the API server serves, from discovery of every group (all its
   * versions: a resource served only in a non-preferred version is still authorised by group and
   * name), deduplicated by group and name.
   */
  async servedResources(): Promise<ServedResource[]> {
    const core = await this.must<{ versions: string[] }>('GET', '/api');
    const groups = await this.must<{ groups: { name: string; versions: { groupVersion: string }[] }[] }>('GET', '/apis');
    const bases = [...core.versions.map((v) => ({ group: '', path: `/api/${v}` })), ...groups.groups.flatMap((g) => g.versions.map((v) => ({ group: g.name, path: `/apis/${v.groupVersion}` })))];
    const lists = await Promise.all(bases.map(async (b) => ({ group: b.group, list: await this.must<{ resources: { name: string; namespaced: boolean; verbs?: string[] }[] }>('GET', b.path) })));
    const found = new Map<string, ServedResource>();
    for (const { group, list } of lists) {
      for (const r of list.resources) {
        const [resource, subresource] = r.name.split('/') as [string, string | undefined];
        const key = `${group}|${r.name}`;
        const before = found.get(key);
        const verbs = new Set([...(before?.verbs ?? []), ...(r.verbs ?? [])]);
        found.set(key, { group, resource, subresource, namespaced: r.namespaced, verbs: [...verbs] });
      }
    }
    return [...found.values()];
  }

  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const r = await this.resourceFor(apiVersion, kind);
    return r.namespaced && namespace ? `${r.base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${r.base}/${r.plural}`;
  }

  /** One object, or null when it does not exist. */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | null> {
    const path = `${await this.collectionPath(apiVersion, kind, namespace ?? 'default')}/${encodeURIComponent(name)}`;
    const r = await this.request<KubeObject & { message?: string }>('GET', path);
    if (r.status === 404) return null;
    if (r.status >= 400) throw new ApiError(r.status, r.body?.message ?? `HTTP ${r.status}`);
    return r.body;
  }

  async list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const path = `${await this.collectionPath(apiVersion, kind, opts.namespace)}${q.size ? `?${q}` : ''}`;
    const body = await this.must<{ items: KubeObject[]; metadata?: { resourceVersion?: string } }>('GET', path);
    // Lists leave out apiVersion/kind on their items; put them back so helpers like podSpec() know what they hold.
    const items = body.items.map((i) => ({ apiVersion, kind, ...i }));
    return { items, resourceVersion: body.metadata?.resourceVersion ?? '' };
  }

  async create<T>(apiVersion: string, kind: string, body: unknown, namespace?: string): Promise<T> {
    return this.must<T>('POST', await this.collectionPath(apiVersion, kind, namespace), body);
  }

  /**
   * Watches a collection from `resourceVersion`, calling onEvent for each change, until stopped or
   * the stream ends (the server closes watches after a while); onEnd then says why.
   */
  watch(path: string, resourceVersion: string, onEvent: (type: string, obj: KubeObject) => void, onEnd: (err?: Error) => void): WatchHandle {
    const q = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', resourceVersion, timeoutSeconds: String(240 + Math.floor(Math.random() * 60)) });
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      onEnd(err);
    };
    const req = this.open(
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}${q}`,
      {},
      // The socket may idle between events; liveness is judged by the stream ending, not by silence.
      0,
      (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          res.resume();
          return end(new ApiError(res.statusCode ?? 0, `watch ${path} refused with HTTP ${res.statusCode}`));
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          if (buffer.length > maxWatchLineBytes && !buffer.includes('\n')) {
            req.destroy();
            return end(new ApiTooLarge(path));
          }
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (!line) continue;
            try {
              const ev = JSON.parse(line) as { type: string; object: KubeObject };
              if (ev.type === 'ERROR') return end(new ApiError(410, 'watch expired'));
              onEvent(ev.type, ev.object);
            } catch {
              /* a torn line cannot happen with newline framing; ignore anything unparsable */
            }
          }
        });
        res.on('end', () => end());
        res.on('error', (err) => end(err));
      },
      (err) => end(err),
    );
    req.end();
    return {
      stop: () => {
        ended = true;
        req.destroy();
      },
    };
  }
}

/** Clients by kubeconfig path, so repeated grading reuses connections and discovery. */
const clients = new Map<string, Promise<KubeClient>>();
const maxClients = 256;

export function clientFor(kubeconfig: string): Promise<KubeClient> {
  // Keyed by modification time too: a lab re-created under the same name has new credentials.
  let stamp = 0;
  try {
    stamp = statSync(kubeconfig).mtimeMs;
  } catch {
    /* fromFile reports the missing file */
  }
  const key = `${kubeconfig}@${stamp}`;
  let c = clients.get(key);
  if (!c) {
    c = KubeClient.fromFile(kubeconfig);
    clients.set(key, c);
    c.catch(() => clients.delete(key));
    // Labs come and go for the life of a server: keep the most recent clients only.
    if (clients.size > maxClients) {
      const [oldest, old] = clients.entries().next().value as [string, Promise<KubeClient>];
      clients.delete(oldest);
      void old.then((k) => k.close(), () => undefined);
    }
  }
  return c;
}

/** Forgets the client of a kubeconfig (its lab was deleted). */
export function forgetClient(kubeconfig: string): void {
  for (const [key, c] of clients) {
    if (!key.startsWith(`${kubeconfig}@`)) continue;
    clients.delete(key);
    void c.then((k) => k.close(), () => undefined);
  }
}

/** What checks need from the API: reads, and creating SubjectAccessReviews. */
export type KubeReader = Pick<KubeClient, 'get' | 'list' | 'create' | 'servedResources'>;

/**
 * The reads of one evaluation, shared: four checks of one Deployment make one GET, not four, and
 * every check judges the same snapshot. Lives for one gradeExercise call only.
 */
export function sharedReads(client: KubeClient): KubeReader {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, fetch: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fetch();
      memo.set(key, p);
    }
    return p;
  };
  return {
    get: (apiVersion, kind, name, namespace) => once(JSON.stringify(['get', apiVersion, kind, name, namespace]), () => client.get(apiVersion, kind, name, namespace)),
    list: (apiVersion, kind, opts = {}) => once(JSON.stringify(['list', apiVersion, kind, opts.namespace, opts.labelSelector, opts.fieldSelector]), () => client.list(apiVersion, kind, opts)),
    create: (apiVersion, kind, body, namespace) => client.create(apiVersion, kind, body, namespace),
    servedResources: () => once('servedResources', () => client.servedResources()),
  };
}
