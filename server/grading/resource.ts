/** get and list checks: fetch with the grader credential, then decide with CEL. */
import { evaluate, renderTemplate, toCel } from './cel.js';
import { controlledBy } from './cel-helpers.js';
import type { KubeReader, KubeObject } from './kube.js';
import type { GetCheck, ListCheck, ListQuery, ObjectRef } from './schema.js';
import { fillVariables, labBindings, type GradingTarget } from './target.js';
import type { Verdict } from './result.js';

export function describeRef(ref: ObjectRef, t: GradingTarget, namespaced = ref.namespace !== undefined): string {
  const name = fillVariables(ref.name, t);
  return namespaced ? `${ref.kind} ${name} in namespace ${fillVariables(ref.namespace ?? 'default', t)}` : `${ref.kind} ${name}`;
}

export async function fetchOne(client: KubeReader, ref: ObjectRef, t: GradingTarget): Promise<KubeObject | null> {
  const ns = ref.namespace !== undefined ? fillVariables(ref.namespace, t) : undefined;
  return client.get(ref.apiVersion, ref.kind, fillVariables(ref.name, t), ns);
}

export async function fetchMany(client: KubeReader, q: ListQuery, t: GradingTarget): Promise<KubeObject[]> {
  const namespace = q.namespace !== undefined ? fillVariables(q.namespace, t) : undefined;
  const { items } = await client.list(q.apiVersion, q.kind, {
    namespace,
    labelSelector: q.labelSelector && fillVariables(q.labelSelector, t),
    fieldSelector: q.fieldSelector && fillVariables(q.fieldSelector, t),
  });
  if (!q.ownedBy) return items;
  const owner = fillVariables(q.ownedBy.name, t);
  const ownerObject = await client.get(ownerApiVersion[q.ownedBy.kind], q.ownedBy.kind, owner, namespace ?? 'default');
  if (!ownerObject) return [];
  if (q.ownedBy.kind !== 'Deployment') return items.filter((o) => controlledBy(o, ownerObject));
  // A Deployment owns its ReplicaSets, and its pods through them. Ownership is followed by UID,
  // link by link: a name in an owner reference is the learner's to write, the UID of a live object is not.
  const sets = (await client.list('apps/v1', 'ReplicaSet', { namespace })).items.filter((rs) => controlledBy(rs, ownerObject));
  return items.filter((o) => controlledBy(o, ownerObject) || controlledBy(o, sets));
}

const ownerApiVersion: Record<NonNullable<ListQuery['ownedBy']>['kind'], string> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
};

async function extraBindings(client: KubeReader, check: GetCheck | ListCheck, t: GradingTarget): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, q] of Object.entries(check.with ?? {})) {
    out[name] = toCel('get' in q ? await fetchOne(client, q.get, t) : await fetchMany(client, q.list, t));
  }
  return out;
}

/** Decides an expect expression: true passes; false, an error or a non-boolean fails with a message. */
function decide(check: GetCheck | ListCheck, bindings: Record<string, unknown>, subject: string): Verdict {
  if (!check.expect) return { passed: true, message: '' };
  const r = evaluate(check.expect, bindings);
  if (r.ok && r.value === true) return { passed: true, message: check.passMessage ? renderTemplate(check.passMessage, bindings) : check.title };
  if (r.ok && r.value !== false) return { passed: false, message: `the check's expression gave ${JSON.stringify(r.value)} instead of true or false (a fault in the exercise, not in your work)` };
  if (check.message) return { passed: false, message: renderTemplate(check.message, bindings) };
  return { passed: false, message: r.ok ? `${subject} does not satisfy ${check.expect}` : `${subject}: ${r.error} (needed for ${check.expect})` };
}

export async function evaluateGet(client: KubeReader, check: GetCheck, t: GradingTarget): Promise<Verdict> {
  const [object, extra] = await Promise.all([fetchOne(client, check.get, t), extraBindings(client, check, t)]);
  const subject = describeRef(check.get, t);
  if (!object) return { passed: false, message: `${subject} does not exist` };
  return decide(check, { ...labBindings(t), ...extra, object: toCel(object) }, `${check.get.kind} ${fillVariables(check.get.name, t)}`);
}

export async function evaluateList(client: KubeReader, check: ListCheck, t: GradingTarget): Promise<Verdict> {
  const [objects, extra] = await Promise.all([fetchMany(client, check.list, t), extraBindings(client, check, t)]);
  const where = check.list.namespace !== undefined ? ` in namespace ${fillVariables(check.list.namespace, t)}` : '';
  return decide(check, { ...labBindings(t), ...extra, objects: toCel(objects) }, `the ${check.list.kind} objects${where}`);
}
