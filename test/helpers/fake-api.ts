/**
 * An in-memory stand-in for the grader's API reads, for unit tests of check semantics: the real
 * checks of the real exercises run against objects a test writes down. Authorisation answers
 * come from a small RBAC evaluator over the Roles and bindings given (rules with verbs,
 * apiGroups and resources, "*" included), the way the API server's RBAC authoriser decides.
 */
import type { KubeObject, KubeReader, ServedResource } from '../../server/grading/kube.js';
import type { GradingTarget } from '../../server/grading/target.js';

type Obj = KubeObject & { kind: string; apiVersion: string };

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
}

/** Resources a small API server serves, enough for "nothing more" questions. */
export const servedResources: ServedResource[] = [
  { group: '', resource: 'pods', namespaced: true, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: '', resource: 'pods', subresource: 'log', namespaced: true, verbs: ['get'] },
  { group: '', resource: 'pods', subresource: 'exec', namespaced: true, verbs: ['create', 'get'] },
  { group: '', resource: 'secrets', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: '', resource: 'configmaps', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: '', resource: 'nodes', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: 'apps', resource: 'deployments', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'] },
];

const matches = (list: string[] | undefined, x: string) => (list ?? []).includes('*') || (list ?? []).includes(x);

/** The cluster's default policy, as the API server writes it: every signed-in user may ask about its own access. */
const defaults = { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } };
const defaultPolicy: Obj[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:basic-user', ...defaults }, rules: [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] }] } as Obj,
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'system:basic-user', ...defaults }, roleRef: { kind: 'ClusterRole', name: 'system:basic-user' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] } as Obj,
];

export function fakeApi(objects: Obj[]): KubeReader & { sars: number } {
  const all = () => [...defaultPolicy, ...objects];
  const rulesOf = (roleKind: string, name: string, ns?: string): Rule[] =>
    (all().find((o) => o.kind === roleKind && o.metadata?.name === name && (roleKind === 'ClusterRole' || o.metadata?.namespace === ns))?.rules as Rule[] | undefined) ?? [];
  const subjectMatches = (s: { kind: string; name: string; namespace?: string }, user: string, groups: string[]) =>
    (s.kind === 'User' && s.name === user) || (s.kind === 'Group' && groups.includes(s.name)) || (s.kind === 'ServiceAccount' && `system:serviceaccount:${s.namespace}:${s.name}` === user);
  const api = {
    sars: 0,
    async get(_apiVersion: string, kind: string, name: string, namespace?: string) {
      return all().find((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace === undefined || o.metadata.namespace === (namespace ?? 'default'))) ?? null;
    },
    async list(_apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}) {
      const items = all().filter((o) => {
        if (o.kind !== kind) return false;
        if (opts.namespace && o.metadata?.namespace !== opts.namespace) return false;
        for (const term of (opts.fieldSelector ?? '').split(',').filter(Boolean)) {
          const [k, v] = term.split('=') as [string, string];
          const value = k.split('.').reduce<unknown>((x, step) => (x as Record<string, unknown> | undefined)?.[step], o);
          if (value !== v) return false;
        }
        for (const term of (opts.labelSelector ?? '').split(',').filter(Boolean)) {
          const [k, v] = term.split('=') as [string, string | undefined];
          const labels = o.metadata?.labels ?? {};
          if (v === undefined ? !(k in labels) : labels[k] !== v) return false;
        }
        return true;
      });
      return { items, resourceVersion: '1' };
    },
    async create<T>(_apiVersion: string, _kind: string, body: unknown): Promise<T> {
      api.sars++;
      const spec = (body as { spec: { user: string; groups: string[]; resourceAttributes: { verb: string; group: string; resource: string; subresource?: string; namespace?: string } } }).spec;
      const a = spec.resourceAttributes;
      const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
      const grants = (rules: Rule[]) => rules.some((r) => matches(r.apiGroups, a.group) && matches(r.resources, resource) && matches(r.verbs, a.verb));
      let allowed = false;
      for (const b of all()) {
        if (allowed) break;
        if (b.kind !== 'ClusterRoleBinding' && b.kind !== 'RoleBinding') continue;
        const subjects = (b.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? [];
        if (!subjects.some((s) => subjectMatches(s, spec.user, spec.groups))) continue;
        if (b.kind === 'RoleBinding' && b.metadata?.namespace !== a.namespace) continue;
        const ref = b.roleRef as { kind: string; name: string };
        allowed = grants(rulesOf(ref.kind, ref.name, b.metadata?.namespace));
      }
      return { status: { allowed } } as T;
    },
    async servedResources() {
      return servedResources;
    },
  };
  return api;
}

export const fakeTarget = (learner?: string): GradingTarget => ({
  name: 'fake',
  grader: learner ?? '/nonexistent/grader.kubeconfig',
  learner,
  variables: { lab: 'fake', namespace: 'default', worker1: 'node-a', worker2: 'node-b' },
  workers: ['node-a', 'node-b'],
});
