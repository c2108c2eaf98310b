/**
 * accessOnly checks: "may do X — and nothing more". Every resource and subresource the API server
 * serves (discovery), with every verb it serves plus the special verbs RBAC knows (impersonate,
 * bind, escalate, approve, sign), in every namespace whose RoleBindings name the identity, in the
 * namespaces the task names, and cluster-wide, is put to the API server's own authoriser as a
 * SubjectAccessReview (those no role bound to the identity could match are known to be denied and
 * not asked). Anything allowed beyond the `allow` list — and beyond what the cluster's
 * own default policy (the bindings labelled kubernetes.io/bootstrapping=rbac-defaults) grants that
 * identity anyway — fails the check, and the message names it.
 *
 * A RoleBinding grants only in its own namespace, and a ClusterRoleBinding shows up in the
 * cluster-wide question (a namespaced resource asked without a namespace means "in every
 * namespace"), so these scopes cover every grant RBAC can make; in any other namespace the
 * answers are the cluster-wide ones.
 */
import type { KubeObject, KubeReader, ServedResource } from './kube.js';
import type { AccessOnlyCheck } from './schema.js';
import { fillVariables, type GradingTarget } from './target.js';
import type { Verdict } from './result.js';
import { identityOf, reviewAccess, type Identity } from './access.js';

interface Question {
  group: string;
  resource: string;
  subresource?: string;
  namespaced: boolean;
  /** '' on a namespaced resource: every namespace at once (what a ClusterRoleBinding grants). */
  namespace: string;
  verb: string;
}

/** Verbs RBAC checks that discovery does not list. */
const specialVerbs: Omit<Question, 'namespace'>[] = [
  { group: '', resource: 'serviceaccounts', namespaced: true, verb: 'impersonate' },
  { group: '', resource: 'users', namespaced: false, verb: 'impersonate' },
  { group: '', resource: 'groups', namespaced: false, verb: 'impersonate' },
  { group: 'authentication.k8s.io', resource: 'uids', namespaced: false, verb: 'impersonate' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles', namespaced: true, verb: 'bind' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles', namespaced: true, verb: 'escalate' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespaced: false, verb: 'bind' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespaced: false, verb: 'escalate' },
  { group: 'certificates.k8s.io', resource: 'signers', namespaced: false, verb: 'approve' },
  { group: 'certificates.k8s.io', resource: 'signers', namespaced: false, verb: 'sign' },
];

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}
type Rbac = KubeObject & { subjects?: { kind: string; name: string; namespace?: string }[]; roleRef?: { kind: string; name: string }; rules?: PolicyRule[] };

const rbacApi = 'rbac.authorization.k8s.io/v1';
const isDefault = (o: KubeObject) => o.metadata?.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults';
const has = (list: string[] | undefined, x: string) => !!list && (list.includes('*') || list.includes(x));

/** Does a binding's subject name this identity, as RBAC matches subjects? */
const subjectOf = (id: Identity) => (s: { kind: string; name: string; namespace?: string }) =>
  (s.kind === 'User' && s.name === id.user) || (s.kind === 'Group' && id.groups.includes(s.name)) || (s.kind === 'ServiceAccount' && `system:serviceaccount:${s.namespace}:${s.name}` === id.user);

interface Grant {
  /** A RoleBinding's namespace; undefined for a ClusterRoleBinding (every namespace and cluster-wide). */
  namespace?: string;
  rules: PolicyRule[];
  /** Part of the cluster's default policy (bindings labelled kubernetes.io/bootstrapping=rbac-defaults). */
  byDefault: boolean;
}

/** Every role bound to an identity, read as RBAC reads them (aggregated ClusterRoles carry their rules). */
async function grantsOf(client: KubeReader, id: Identity): Promise<Grant[]> {
  const [crbs, rbs, crs, roles] = await Promise.all(['ClusterRoleBinding', 'RoleBinding', 'ClusterRole', 'Role'].map((k) => client.list(rbacApi, k).then((l) => l.items as Rbac[])));
  const subjectIs = subjectOf(id);
  const grants: Grant[] = [];
  for (const b of [...crbs!, ...rbs!]) {
    if (!(b.subjects ?? []).some(subjectIs) || !b.roleRef) continue;
    const ns = b.kind === 'RoleBinding' ? b.metadata?.namespace : undefined;
    const role = b.roleRef.kind === 'ClusterRole' ? crs!.find((r) => r.metadata?.name === b.roleRef!.name) : roles!.find((r) => r.metadata?.name === b.roleRef!.name && r.metadata?.namespace === ns);
    if (role) grants.push({ namespace: ns, rules: role.rules ?? [], byDefault: isDefault(b) });
  }
  return grants;
}

const inScope = (g: Grant, q: Question) => g.namespace === undefined || g.namespace === q.namespace;

/**
 * Could any rule bound to the identity grant this? RBAC allows only through such a rule, so a
 * question no rule could match needs no SubjectAccessReview. Read generously (a rule limited to
 * resource names, a `*` or `resource/*` resource), so the API server still has the last word on
 * everything that might be allowed.
 */
function mayGrant(grants: Grant[]): (q: Question) => boolean {
  return (q) => {
    const names = q.subresource ? [`${q.resource}/${q.subresource}`, `*/${q.subresource}`, `${q.resource}/*`, '*'] : [q.resource, '*'];
    return grants.some((g) => inScope(g, q) && g.rules.some((r) => has(r.apiGroups, q.group) && names.some((n) => r.resources?.includes(n)) && has(r.verbs, q.verb)));
  };
}

/**
 * What the cluster's default policy grants an identity (every ServiceAccount may read
 * ClusterTrustBundles, every signed-in user may ask about its own access): not a grant the learner
 * made, so not "more". Decided as RBAC decides, over the default bindings only.
 */
function defaultPolicy(grants: Grant[]): (q: Question) => boolean {
  const defaults = grants.filter((g) => g.byDefault);
  return (q) => {
    const resource = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
    return defaults.some((g) => inScope(g, q) && g.rules.some((r) => !r.resourceNames?.length && has(r.apiGroups, q.group) && has(r.resources, resource) && has(r.verbs, q.verb)));
  };
}

const concurrency = 16;

async function inParallel<T, R>(items: T[], fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

function questionsFor(served: ServedResource[], namespaces: string[]): Question[] {
  const out: Question[] = [];
  const kinds = [...served.flatMap((r) => r.verbs.map((verb) => ({ group: r.group, resource: r.resource, subresource: r.subresource, namespaced: r.namespaced, verb }))), ...specialVerbs];
  for (const k of kinds) for (const namespace of k.namespaced ? namespaces : ['']) out.push({ ...k, namespace });
  return out;
}

function where(q: Question): string {
  if (q.namespace) return `in namespace ${q.namespace}`;
  return q.namespaced ? 'in every namespace' : 'cluster-wide';
}

function describe(found: Question[]): string {
  // "delete, patch pods in namespace team-a; get secrets in every namespace; …"
  const groups = new Map<string, { what: string; verbs: string[] }>();
  for (const q of found) {
    const name = `${q.resource}${q.subresource ? `/${q.subresource}` : ''}${q.group ? ` (${q.group})` : ''}`;
    const key = `${name}|${where(q)}`;
    const g = groups.get(key) ?? { what: `${name} ${where(q)}`, verbs: [] };
    g.verbs.push(q.verb);
    groups.set(key, g);
  }
  const parts = [...groups.values()].map((g) => `${g.verbs.join(', ')} ${g.what}`);
  const shown = parts.slice(0, 6).join('; ');
  return parts.length > 6 ? `${shown}; and ${parts.length - 6} more` : shown;
}

export async function evaluateAccessOnly(client: KubeReader, check: AccessOnlyCheck, t: GradingTarget): Promise<Verdict> {
  const spec = check.accessOnly;
  const id = identityOf(spec);
  const allow = spec.allow.map((a) => ({ ...a, namespace: a.namespace !== undefined ? fillVariables(a.namespace, t) : undefined }));
  const allowed = (q: Question) =>
    allow.some((a) => a.group === q.group && a.resource === q.resource && (a.subresource ?? '') === (q.subresource ?? '') && a.verbs.includes(q.verb) && (a.namespace === undefined || a.namespace === q.namespace));

  const [served, grants] = await Promise.all([client.servedResources(), grantsOf(client, id)]);
  // In a namespace where no RoleBinding names the identity (as user, group or ServiceAccount), RBAC
  // answers exactly as it does cluster-wide, so only the namespaces with such a binding are asked.
  const namespaces = [...new Set(['', ...allow.flatMap((a) => (a.namespace ? [a.namespace] : [])), ...grants.flatMap((g) => (g.namespace ? [g.namespace] : []))])];
  const questions = questionsFor(served, namespaces).filter((q) => !allowed(q)).filter(mayGrant(grants));
  const answers = await inParallel(questions, (q) => reviewAccess(client, id, { verb: q.verb, group: q.group, resource: q.resource, subresource: q.subresource, namespace: q.namespace || undefined }));
  const granted = questions.filter((_q, i) => answers[i]);
  const byDefault = defaultPolicy(grants);
  const more = granted.filter((q) => !byDefault(q));
  if (more.length === 0) return { passed: true, message: check.title };
  return { passed: false, message: `${id.who} may also ${describe(more)}; expected nothing beyond what the task grants` };
}
