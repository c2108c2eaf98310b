/**
 * steady checks: an observation window. A value computed with CEL over listed objects (say, the
 * restart counts of a Deployment's containers) is read, read again `seconds` later, and must not
 * have changed, and `expect` must hold at the end. A pod that crashes every minute looks healthy
 * at any single instant; only a window shows it.
 */
import { evaluate, renderTemplate, toCel } from './cel.js';
import type { KubeReader } from './kube.js';
import { fetchMany } from './resource.js';
import type { Verdict } from './result.js';
import type { ListQuery } from './schema.js';
import { labBindings, type GradingTarget } from './target.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function evaluateSteady(
  client: KubeReader,
  check: { title: string; message?: string; passMessage?: string; steady: ListQuery; value: string; seconds: number; expect?: string },
  t: GradingTarget,
): Promise<Verdict> {
  const read = async () => {
    const objects = toCel(await fetchMany(client, check.steady, t));
    const r = evaluate(check.value, { ...labBindings(t), objects });
    return { objects, value: r.ok ? r.value : undefined, error: r.ok ? undefined : r.error };
  };
  const first = await read();
  if (first.error) return { passed: false, message: `${check.title}: ${first.error}` };
  await sleep(check.seconds * 1000);
  const last = await read();
  if (last.error) return { passed: false, message: `${check.title}: ${last.error}` };
  const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  const before = show(first.value);
  const after = show(last.value);
  const bindings = { ...labBindings(t), objects: last.objects, before: toCel(first.value), after: toCel(last.value) };
  const held = check.expect ? evaluate(check.expect, bindings) : { ok: true as const, value: true };
  const passed = before === after && held.ok && held.value === true;
  if (passed) return { passed, message: check.passMessage ? renderTemplate(check.passMessage, bindings) : check.title };
  if (check.message) return { passed, message: renderTemplate(check.message, bindings) };
  if (before !== after) return { passed, message: `over ${check.seconds} s, ${check.value} went from ${before} to ${after}, expected no change` };
  return { passed, message: held.ok ? `after ${check.seconds} s, ${check.expect} does not hold` : held.error };
}
