/**
 * Functions course authors may call in `expect` and in message placeholders, beyond standard CEL:
 *
 *   quantity(x), qty(x)           a resource quantity as a number: quantity('100m') == quantity(0.1)
 *   dig(obj, 'a.b.c')             a nested field, or null when any step is missing
 *   dig(obj, 'a.b.c', default)    …or the default
 *   selects(selector, labels)     a LabelSelector / label map / "a=b,c!=d" string matches those labels
 *   ownedBy(obj, kind[, name])    obj's controller (ownerReferences with controller: true) is that kind/name
 *                                 (by name only: the learner can write that name; see controlledBy)
 *   controlledBy(obj, owners)     obj's controller reference carries the UID of one of `owners` (objects read
 *                                 from the API), and that owner is not being deleted
 *   fresh(obj)                    the controllers have caught up: status.observedGeneration == metadata.generation
 *   quotaLimit(quota, resource)   the lowest hard limit a ResourceQuota sets on a resource under any of its
 *                                 names ('pods' and 'count/pods'; 'cpu' and 'requests.cpu'), or null
 *   boundTo(pod, nodes)           the pod is bound (spec.nodeName, set only at creation or by a binding) to one
 *                                 of `nodes`, and its PodScheduled condition is not False
 *   condition(obj, type)          status of a condition ("True", "False", "Unknown"), or "" when absent
 *   podSpec(obj)                  the pod spec of a Pod, or of a workload's pod template
 *   securitySetting(obj, container, field)  effective securityContext value: the container's, else the pod's, else null
 *   requiresNodeLabel(obj, key, value)      the pod (template) may only run on nodes labelled key=value
 *                                           (nodeSelector, or every required node-affinity term)
 *   nodeAllows(obj, node)         the pod (template)'s nodeSelector and required node affinity accept that Node
 *                                 (spec.nodeName is not a constraint here)
 *   tolerates(obj, taint)         the pod (template) tolerates a taint given as {key, value, effect}
 *   images(obj)                   images of the (app) containers of a Pod or workload, in order
 *   sameImage(a, b)               same image reference: 'nginx:1.27' == 'docker.io/library/nginx:1.27'
 *   label(obj, key), annotation(obj, key)   a label's / annotation's value, or '' when absent
 *   base64Decode(s)               a Secret's data value as text
 *   readyEndpoints(slices[, port])  ready endpoint addresses across EndpointSlices (having that port)
 *   containerPort(container, port)  a probe's or service's port (number or name) as a container port number, 0 if unknown
 *
 * dig's path is dotted ('status.readyReplicas') or a list for keys with dots (['spec', 'hard', 'requests.cpu']).
 */
import { CelScalar, celFunc, type CelFunc } from '@bufbuild/cel';
import { parseQuantity } from './quantity.js';
import { selectorMatches } from './selectors.js';
import { toCel, toJs } from './cel-js.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function dig(value: unknown, path: string | unknown[]): unknown {
  let cur: unknown = value;
  const steps = Array.isArray(path) ? path.map(String) : path.split('.').filter(Boolean);
  for (const step of steps) {
    if (Array.isArray(cur) && /^\d+$/.test(step)) cur = cur[Number(step)];
    else if (isObj(cur)) cur = cur[step];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function quantityOf(x: unknown): number {
  const v = typeof x === 'string' || typeof x === 'number' || typeof x === 'bigint' ? parseQuantity(x) : undefined;
  if (v === undefined) throw new Error(`${x === undefined || x === null ? 'nothing' : JSON.stringify(x)} is not a quantity`);
  return v;
}

export function podSpecOf(obj: unknown): Obj | undefined {
  const kind = dig(obj, 'kind');
  if (kind === 'Pod') return dig(obj, 'spec') as Obj | undefined;
  if (kind === 'CronJob') return dig(obj, 'spec.jobTemplate.spec.template.spec') as Obj | undefined;
  const template = dig(obj, 'spec.template.spec');
  if (isObj(template)) return template;
  // A bare pod spec (or a template) given directly.
  if (isObj(obj) && Array.isArray(obj.containers)) return obj;
  if (isObj(dig(obj, 'spec')) && Array.isArray(dig(obj, 'spec.containers'))) return dig(obj, 'spec') as Obj;
  return undefined;
}

export function ownedBy(obj: unknown, kind: string, name?: string): boolean {
  const refs = dig(obj, 'metadata.ownerReferences');
  if (!Array.isArray(refs)) return false;
  return refs.some((r) => isObj(r) && r.controller === true && r.kind === kind && (name === undefined || r.name === name));
}

/** The UID a controller reference names: the only part of an owner reference a learner cannot aim at a decoy by name. */
export function controllerUid(obj: unknown): string | undefined {
  const refs = dig(obj, 'metadata.ownerReferences');
  if (!Array.isArray(refs)) return undefined;
  const c = refs.find((r) => isObj(r) && r.controller === true) as Obj | undefined;
  return typeof c?.uid === 'string' ? c.uid : undefined;
}

export function controlledBy(obj: unknown, owners: unknown): boolean {
  const uid = controllerUid(obj);
  if (!uid) return false;
  const list = Array.isArray(owners) ? owners : [owners];
  return list.some((o) => dig(o, 'metadata.uid') === uid && dig(o, 'metadata.deletionTimestamp') === undefined);
}

/** Status written for the spec as it is now, not for an earlier generation. */
export function fresh(obj: unknown): boolean {
  const generation = dig(obj, 'metadata.generation');
  const observed = dig(obj, 'status.observedGeneration');
  return generation !== undefined && observed !== undefined && Number(observed) === Number(generation);
}

/**
 * Names a ResourceQuota accepts for one limit. Kubernetes counts `pods` and `count/pods` as one
 * resource, and `cpu`/`memory`/`ephemeral-storage` as their `requests.` forms; every key present
 * is enforced, so the lowest one is the effective limit.
 */
const quotaSynonyms: Record<string, string[]> = {
  pods: ['pods', 'count/pods'],
  services: ['services', 'count/services'],
  secrets: ['secrets', 'count/secrets'],
  configmaps: ['configmaps', 'count/configmaps'],
  persistentvolumeclaims: ['persistentvolumeclaims', 'count/persistentvolumeclaims'],
  replicationcontrollers: ['replicationcontrollers', 'count/replicationcontrollers'],
  resourcequotas: ['resourcequotas', 'count/resourcequotas'],
  'services.loadbalancers': ['services.loadbalancers'],
  'services.nodeports': ['services.nodeports'],
  cpu: ['cpu', 'requests.cpu'],
  memory: ['memory', 'requests.memory'],
  'ephemeral-storage': ['ephemeral-storage', 'requests.ephemeral-storage'],
};

export function quotaNames(resource: string): string[] {
  const r = resource.replace(/^requests\.(cpu|memory|ephemeral-storage)$/, '$1').replace(/^count\/(pods|services|secrets|configmaps|persistentvolumeclaims|replicationcontrollers|resourcequotas)$/, '$1');
  return quotaSynonyms[r] ?? [resource];
}

export function quotaLimit(quota: unknown, resource: string): number | null {
  const hard = dig(quota, 'spec.hard');
  if (!isObj(hard)) return null;
  const values = quotaNames(resource).filter((k) => hard[k] !== undefined).map((k) => quantityOf(hard[k]));
  return values.length ? Math.min(...values) : null;
}

export function boundTo(pod: unknown, nodes: unknown): boolean {
  const name = dig(pod, 'spec.nodeName');
  if (typeof name !== 'string' || !name) return false;
  const list = Array.isArray(nodes) ? nodes : [nodes];
  // A binding sets PodScheduled True; a pod created with spec.nodeName skips the scheduler and may
  // carry no such condition at all (kwok's kubelet never writes one). It is the binding that counts.
  return list.some((n) => (typeof n === 'string' ? n : dig(n, 'metadata.name')) === name) && condition(pod, 'PodScheduled') !== 'False';
}

function condition(obj: unknown, type: string): string {
  const conds = dig(obj, 'status.conditions');
  if (!Array.isArray(conds)) return '';
  const c = conds.find((x) => isObj(x) && x.type === type) as Obj | undefined;
  return typeof c?.status === 'string' ? c.status : '';
}

function securitySetting(obj: unknown, container: string, field: string): unknown {
  const spec = podSpecOf(obj);
  if (!spec) return null;
  const all = [...((spec.containers as unknown[]) ?? []), ...((spec.initContainers as unknown[]) ?? [])];
  const c = all.find((x) => isObj(x) && x.name === container);
  const own = dig(c, `securityContext.${field}`);
  if (own !== undefined && own !== null) return own;
  const pod = dig(spec, `securityContext.${field}`);
  return pod === undefined ? null : pod;
}

interface NodeRequirement {
  key: string;
  operator: string;
  values?: string[];
}

function requiredTerms(spec: Obj): { matchExpressions?: NodeRequirement[]; matchFields?: NodeRequirement[] }[] | undefined {
  const terms = dig(spec, 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms');
  return Array.isArray(terms) && terms.length > 0 ? (terms as never) : undefined;
}

export function requiresNodeLabel(obj: unknown, key: string, value: string): boolean {
  const spec = podSpecOf(obj);
  if (!spec) return false;
  if (dig(spec, 'nodeSelector') && (spec.nodeSelector as Obj)[key] === value) return true;
  const terms = requiredTerms(spec);
  // Terms are ORed: the pod is held to key=value only if every term insists on it.
  return !!terms && terms.every((t) => (t.matchExpressions ?? []).some((e) => e.key === key && e.operator === 'In' && (e.values ?? []).length > 0 && (e.values ?? []).every((v) => v === value)));
}

function requirementHolds(r: NodeRequirement, actual: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return actual !== undefined && values.includes(actual);
    case 'NotIn':
      return actual === undefined || !values.includes(actual);
    case 'Exists':
      return actual !== undefined;
    case 'DoesNotExist':
      return actual === undefined;
    case 'Gt':
      return actual !== undefined && Number(actual) > Number(values[0]);
    case 'Lt':
      return actual !== undefined && Number(actual) < Number(values[0]);
    default:
      return false;
  }
}

export function nodeAllows(obj: unknown, node: unknown): boolean {
  const spec = podSpecOf(obj);
  if (!spec) return false;
  const labels = (dig(node, 'metadata.labels') ?? {}) as Record<string, string>;
  const nodeName = dig(node, 'metadata.name') as string | undefined;
  // spec.nodeName is deliberately not considered: it bypasses the scheduler rather than constraining it.
  const selector = (spec.nodeSelector ?? {}) as Record<string, string>;
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const terms = requiredTerms(spec);
  if (!terms) return true;
  return terms.some(
    (t) =>
      (t.matchExpressions?.length || t.matchFields?.length) &&
      (t.matchExpressions ?? []).every((r) => requirementHolds(r, labels[r.key])) &&
      (t.matchFields ?? []).every((r) => requirementHolds(r, r.key === 'metadata.name' ? nodeName : undefined)),
  );
}

export function tolerates(obj: unknown, taint: unknown): boolean {
  const spec = podSpecOf(obj);
  if (!spec || !isObj(taint)) return false;
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as Obj[]) : [];
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Docker's shorthand spelled out: nginx:1.27 is docker.io/library/nginx:1.27; no tag means :latest. */
export function normaliseImage(ref: string): string {
  let name = ref.trim();
  const digest = name.indexOf('@');
  const suffix = digest >= 0 ? name.slice(digest) : '';
  if (digest >= 0) name = name.slice(0, digest);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  let tag = '';
  if (colon > slash) {
    tag = name.slice(colon);
    name = name.slice(0, colon);
  } else if (!suffix) tag = ':latest';
  const first = name.split('/')[0]!;
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = `docker.io/${name.includes('/') ? name : `library/${name}`}`;
  else if (first === 'index.docker.io') name = `docker.io/${name.slice(first.length + 1)}`;
  if (name.startsWith('docker.io/') && name.split('/').length === 2) name = `docker.io/library/${name.slice(10)}`;
  return name + tag + suffix;
}

function images(obj: unknown): string[] {
  const spec = podSpecOf(obj);
  return Array.isArray(spec?.containers) ? (spec.containers as Obj[]).map((c) => String(c.image ?? '')) : [];
}

const mapValue = (obj: unknown, field: 'labels' | 'annotations', key: string): string => {
  const m = dig(obj, ['metadata', field, key]);
  return typeof m === 'string' ? m : '';
};

function readyEndpoints(slices: unknown, port?: number): number {
  if (!Array.isArray(slices)) return 0;
  let n = 0;
  for (const s of slices) {
    const ports = (dig(s, 'ports') ?? []) as Obj[];
    if (port !== undefined && !ports.some((p) => Number(p.port) === port)) continue;
    for (const e of (dig(s, 'endpoints') ?? []) as Obj[]) {
      if (dig(e, 'conditions.ready') === true) n += Array.isArray(e.addresses) ? e.addresses.length : 0;
    }
  }
  return n;
}

function containerPort(container: unknown, port: unknown): number {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return 0;
  if (/^\d+$/.test(port)) return Number(port);
  const ports = (dig(container, 'ports') ?? []) as Obj[];
  const named = ports.find((p) => p.name === port);
  return named ? Number(named.containerPort) : 0;
}

const D = CelScalar.DYN;
const S = CelScalar.STRING;
const B = CelScalar.BOOL;

/** Wraps a helper so a thrown Error becomes a CEL error the check reports, never a crash. */
const js = <A extends unknown[]>(f: (...a: A) => unknown) => (...args: unknown[]) => toCel(f(...(args.map(toJs) as A)) ?? null) as never;

export const helperFuncs: CelFunc[] = [
  celFunc('quantity', [D], CelScalar.DOUBLE, js(quantityOf)),
  celFunc('qty', [D], CelScalar.DOUBLE, js(quantityOf)),
  celFunc('dig', [D, D], D, js((o: unknown, p: string | unknown[]) => dig(o, p) ?? null)),
  celFunc('dig', [D, D, D], D, js((o: unknown, p: string | unknown[], d: unknown) => dig(o, p) ?? d)),
  celFunc('selects', [D, D], B, js((sel: unknown, labels: unknown) => {
    const r = selectorMatches(sel, (isObj(labels) ? labels : {}) as Record<string, string>);
    if (r === undefined) throw new Error(`${JSON.stringify(sel)} is not a label selector`);
    return r;
  })),
  celFunc('ownedBy', [D, S], B, js((o: unknown, k: string) => ownedBy(o, k))),
  celFunc('ownedBy', [D, S, S], B, js((o: unknown, k: string, n: string) => ownedBy(o, k, n))),
  celFunc('controlledBy', [D, D], B, js(controlledBy)),
  celFunc('fresh', [D], B, js(fresh)),
  celFunc('quotaLimit', [D, S], D, js(quotaLimit)),
  celFunc('boundTo', [D, D], B, js(boundTo)),
  celFunc('condition', [D, S], S, js(condition)),
  celFunc('podSpec', [D], D, js((o: unknown) => podSpecOf(o) ?? null)),
  celFunc('securitySetting', [D, S, S], D, js(securitySetting)),
  celFunc('requiresNodeLabel', [D, S, S], B, js(requiresNodeLabel)),
  celFunc('nodeAllows', [D, D], B, js(nodeAllows)),
  celFunc('tolerates', [D, D], B, js(tolerates)),
  celFunc('images', [D], D, js(images)),
  celFunc('sameImage', [D, D], B, js((a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && normaliseImage(a) === normaliseImage(b))),
  celFunc('label', [D, S], S, js((o: unknown, k: string) => mapValue(o, 'labels', k))),
  celFunc('annotation', [D, S], S, js((o: unknown, k: string) => mapValue(o, 'annotations', k))),
  celFunc('base64Decode', [D], S, js((s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : ''))),
  celFunc('readyEndpoints', [D], CelScalar.INT, js((s: unknown) => readyEndpoints(s))),
  celFunc('readyEndpoints', [D, D], CelScalar.INT, js((s: unknown, p: unknown) => readyEndpoints(s, Number(p)))),
  celFunc('containerPort', [D, D], CelScalar.INT, js(containerPort)),
];
