/**
 * Functions course authors may call in `expect` and in message placeholders, beyond standard CEL:
 *
 *   quantity(x), qty(x)           a resource quantity as a number: quantity('100m') == quantity(0.1)
 *   dig(obj, 'a.b.c')             a nested field, or null when any step is missing
 *   dig(obj, 'a.b.c', default)    …or the default
 *   selects(selector, labels)     a LabelSelector / label map / "a=b,c!=d" string matches those labels
 *   ownedBy(obj, kind[, name])    obj's controller (ownerReferences with controller: true) is that kind/name
 *   condition(obj, type)          status of a condition ("True", "False", "Unknown"), or "" when absent
 *   podSpec(obj)                  the pod spec of a Pod, or of a workload's pod template
 *   securitySetting(obj, container, field)  effective securityContext value: the container's, else the pod's, else null
 *   requiresNodeLabel(obj, key, value)      the pod (template) may only run on nodes labelled key=value
 *                                           (nodeSelector, or every required node-affinity term)
 *   nodeAllows(obj, node)         the pod (template)'s nodeSelector and required node affinity accept that Node
 *   tolerates(obj, taint)         the pod (template) tolerates a taint given as {key, value, effect}
 */
import { CelScalar, celFunc, type CelFunc } from '@bufbuild/cel';
import { parseQuantity } from './quantity.js';
import { selectorMatches } from './selectors.js';
import { toCel, toJs } from './cel-js.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function dig(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const step of path.split('.').filter(Boolean)) {
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
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '' && spec.nodeName !== nodeName) return false;
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

const D = CelScalar.DYN;
const S = CelScalar.STRING;
const B = CelScalar.BOOL;

/** Wraps a helper so a thrown Error becomes a CEL error the check reports, never a crash. */
const js = <A extends unknown[]>(f: (...a: A) => unknown) => (...args: unknown[]) => toCel(f(...(args.map(toJs) as A)) ?? null) as never;

export const helperFuncs: CelFunc[] = [
  celFunc('quantity', [D], CelScalar.DOUBLE, js(quantityOf)),
  celFunc('qty', [D], CelScalar.DOUBLE, js(quantityOf)),
  celFunc('dig', [D, S], D, js((o: unknown, p: string) => dig(o, p) ?? null)),
  celFunc('dig', [D, S, D], D, js((o: unknown, p: string, d: unknown) => dig(o, p) ?? d)),
  celFunc('selects', [D, D], B, js((sel: unknown, labels: unknown) => {
    const r = selectorMatches(sel, (isObj(labels) ? labels : {}) as Record<string, string>);
    if (r === undefined) throw new Error(`${JSON.stringify(sel)} is not a label selector`);
    return r;
  })),
  celFunc('ownedBy', [D, S], B, js((o: unknown, k: string) => ownedBy(o, k))),
  celFunc('ownedBy', [D, S, S], B, js((o: unknown, k: string, n: string) => ownedBy(o, k, n))),
  celFunc('condition', [D, S], S, js(condition)),
  celFunc('podSpec', [D], D, js((o: unknown) => podSpecOf(o) ?? null)),
  celFunc('securitySetting', [D, S, S], D, js(securitySetting)),
  celFunc('requiresNodeLabel', [D, S, S], B, js(requiresNodeLabel)),
  celFunc('nodeAllows', [D, D], B, js(nodeAllows)),
  celFunc('tolerates', [D, D], B, js(tolerates)),
];
