/**
 * kubeconfig checks: the learner's kubeconfig file, read on the server side (never executed or
 * trusted beyond its YAML), exposed to CEL as `context`: name, namespace (effective, "default"
 * when unset), namespaceSet, cluster, user, contexts (the names of every context in the file) and
 * labContext (the name of the context the lab gave the learner, read from the lab's own grader
 * kubeconfig, which the platform writes with the same context name; '' when unknown).
 */
import { readLearnerContext, readLearnerContexts } from '../../sandbox/index.js';
import { evaluate, renderTemplate, toCel } from './cel.js';
import type { KubeconfigCheck } from './schema.js';
import { labBindings, type GradingTarget } from './target.js';
import { learnerSafe, type Verdict } from './result.js';

/**
 * The learner's current context and every context's name; their file is untrusted, so it is read
 * bounded and parsed off the main thread. The lab's own context name comes from its grader kubeconfig.
 */
export async function learnerContext(path: string, labKubeconfig?: string): Promise<Record<string, unknown>> {
  const labContext = labKubeconfig ? await readLearnerContext(labKubeconfig).then((c) => c.name, () => '') : '';
  return { ...(await readLearnerContexts(path)), labContext };
}

export async function evaluateKubeconfig(check: KubeconfigCheck, t: GradingTarget): Promise<Verdict> {
  if (!t.learner) return { passed: false, message: 'there is no learner kubeconfig to read for this lab (checking with --kubeconfig grades cluster state only)' };
  let context: Record<string, unknown>;
  try {
    context = await learnerContext(t.learner, t.grader);
  } catch (err) {
    return { passed: false, message: `your kubeconfig cannot be read: ${learnerSafe((err as Error).message)}` };
  }
  const bindings = { ...labBindings(t), context: toCel(context) };
  const r = evaluate(check.expect, bindings);
  if (r.ok && r.value === true) return { passed: true, message: check.passMessage ? renderTemplate(check.passMessage, bindings) : check.title };
  if (check.message) return { passed: false, message: renderTemplate(check.message, bindings) };
  return { passed: false, message: r.ok ? `the current context ${String(context.name)} (namespace ${String(context.namespace)}) does not satisfy ${check.expect}` : r.error };
}
