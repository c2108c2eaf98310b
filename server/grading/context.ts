/**
 * kubeconfig checks: the learner's kubeconfig file, read on the server side (never executed or
 * trusted beyond its YAML), exposed to CEL as `context`: name, namespace (effective, "default"
 * when unset), namespaceSet, cluster, user.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { evaluate, renderTemplate, toCel } from './cel.js';
import type { KubeconfigCheck } from './schema.js';
import { labBindings, type GradingTarget } from './target.js';
import type { Verdict } from './result.js';

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: { name?: string; context?: { namespace?: string; cluster?: string; user?: string } }[];
}

export async function learnerContext(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8');
  const doc = (parse(text) ?? {}) as KubeconfigDoc;
  const name = doc['current-context'] ?? '';
  const ctx = (doc.contexts ?? []).find((c) => c?.name === name)?.context ?? {};
  return { name, namespace: ctx.namespace || 'default', namespaceSet: !!ctx.namespace, cluster: ctx.cluster ?? '', user: ctx.user ?? '' };
}

export async function evaluateKubeconfig(check: KubeconfigCheck, t: GradingTarget): Promise<Verdict> {
  if (!t.learner) return { passed: false, message: 'there is no learner kubeconfig to read for this lab (checking with --kubeconfig grades cluster state only)' };
  let context: Record<string, unknown>;
  try {
    context = await learnerContext(t.learner);
  } catch (err) {
    return { passed: false, message: `the learner's kubeconfig cannot be read: ${(err as Error).message}` };
  }
  const bindings = { ...labBindings(t), context: toCel(context) };
  const r = evaluate(check.expect, bindings);
  if (r.ok && r.value === true) return { passed: true, message: check.passMessage ? renderTemplate(check.passMessage, bindings) : check.title };
  if (check.message) return { passed: false, message: renderTemplate(check.message, bindings) };
  return { passed: false, message: r.ok ? `the current context ${String(context.name)} (namespace ${String(context.namespace)}) does not satisfy ${check.expect}` : r.error };
}
