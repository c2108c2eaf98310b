/**
 * Short quiz answers compared in the forms a person would type. Both the accepted answer and the
 * learner's text are brought to one canonical form first:
 * - case, surrounding whitespace and runs of whitespace do not matter; surrounding backticks or
 *   quotes and a final full stop are dropped;
 * - a leading `apiVersion:` (as in `apiVersion: policy/v1`) is dropped;
 * - a kubectl command (`kubectl …` or the usual alias `k …`) is compared by its meaning: the
 *   namespace flag in any spelling (`-n x`, `-nx`, `--namespace x`, `--namespace=x`) and in any
 *   position, `kind/name` the same as `kind name`, a resource kind by any of its names (`po`,
 *   `pod`, `pods`), output flags likewise (`-o yaml`, `-oyaml`, `--output=yaml`), and flags in
 *   any order. Anything else in the command must match exactly, so a different verb, name or
 *   value is still wrong.
 */

const kinds: Record<string, string> = {};
for (const names of [
  ['pod', 'pods', 'po'],
  ['deployment', 'deployments', 'deploy'],
  ['replicaset', 'replicasets', 'rs'],
  ['service', 'services', 'svc'],
  ['node', 'nodes', 'no'],
  ['namespace', 'namespaces', 'ns'],
  ['configmap', 'configmaps', 'cm'],
  ['secret', 'secrets'],
  ['serviceaccount', 'serviceaccounts', 'sa'],
  ['daemonset', 'daemonsets', 'ds'],
  ['statefulset', 'statefulsets', 'sts'],
  ['job', 'jobs'],
  ['cronjob', 'cronjobs', 'cj'],
  ['event', 'events', 'ev'],
  ['endpoints', 'ep'],
  ['endpointslice', 'endpointslices'],
  ['ingress', 'ingresses', 'ing'],
  ['networkpolicy', 'networkpolicies', 'netpol'],
  ['persistentvolume', 'persistentvolumes', 'pv'],
  ['persistentvolumeclaim', 'persistentvolumeclaims', 'pvc'],
  ['storageclass', 'storageclasses', 'sc'],
  ['horizontalpodautoscaler', 'horizontalpodautoscalers', 'hpa'],
  ['poddisruptionbudget', 'poddisruptionbudgets', 'pdb'],
  ['resourcequota', 'resourcequotas', 'quota'],
  ['limitrange', 'limitranges', 'limits'],
  ['role', 'roles'],
  ['rolebinding', 'rolebindings'],
  ['clusterrole', 'clusterroles'],
  ['clusterrolebinding', 'clusterrolebindings'],
  ['customresourcedefinition', 'customresourcedefinitions', 'crd', 'crds'],
  ['lease', 'leases'],
]) {
  for (const n of names) kinds[n] = names[0]!;
}

/** Flags whose value may be glued on (`-nx`, `-oyaml`) or given with `=`, and their one spelling. */
const valued: Record<string, string> = { '-n': '--namespace', '--namespace': '--namespace', '-o': '--output', '--output': '--output', '-l': '--selector', '--selector': '--selector', '-f': '--filename', '--filename': '--filename', '-c': '--container', '--container': '--container' };
// Answers are compared lower-cased, so -A arrives as -a (kubectl has no other -a today).
const flagAliases: Record<string, string> = { '-a': '--all-namespaces', '-w': '--watch', '-i': '--stdin', '-t': '--tty', '-it': '--stdin --tty', '-ti': '--stdin --tty' };

function plain(text: string): string {
  let s = text.trim().replace(/\s+/g, ' ');
  for (;;) {
    const m = /^(`+|"|')(.*)\1$/.exec(s);
    if (!m) break;
    s = m[2]!.trim();
  }
  s = s.replace(/^\$ /, '').replace(/\.$/, '').trim();
  s = s.replace(/^apiversion:\s*/i, '');
  return s.toLowerCase();
}

function canonicalCommand(tokens: string[]): string {
  const flags: string[] = [];
  const words: string[] = [];
  let afterDashes = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (afterDashes) {
      words.push(t);
      continue;
    }
    if (t === '--') {
      afterDashes = true;
      words.push(t);
      continue;
    }
    const eq = t.indexOf('=');
    const name = t.startsWith('--') && eq > 0 ? t.slice(0, eq) : t;
    if (valued[name]) {
      const value = t.startsWith('--') && eq > 0 ? t.slice(eq + 1) : tokens[++i] ?? '';
      flags.push(`${valued[name]}=${value}`);
      continue;
    }
    const glued = /^(-[nolfc])(.+)$/.exec(t);
    if (glued && !t.startsWith('--')) {
      flags.push(`${valued[glued[1]!]}=${glued[2]!.replace(/^=/, '')}`);
      continue;
    }
    if (flagAliases[t]) {
      flags.push(...flagAliases[t]!.split(' '));
      continue;
    }
    if (t.startsWith('-')) {
      flags.push(t);
      continue;
    }
    // kind/name, and kinds by any of their names (the first word is the verb, never a kind)
    for (const part of words.length > 0 && /^[a-z.0-9-]+\/[^/]+$/.test(t) ? t.split('/') : [t]) words.push(words.length > 0 ? (kinds[part] ?? part) : part);
  }
  return [...words, ...flags.sort()].join(' ');
}

export function canonicalShortAnswer(text: string): string {
  const s = plain(text);
  const tokens = s.split(' ');
  if (tokens[0] === 'kubectl' || tokens[0] === 'k') return `kubectl ${canonicalCommand(tokens.slice(1))}`;
  return s;
}

export function sameShortAnswer(accepted: string, typed: string): boolean {
  return canonicalShortAnswer(accepted) === canonicalShortAnswer(typed);
}
