/**
 * The learner's role in their lab, generated from the lab API server's own discovery when the
 * lab is created: every resource and subresource the server offers, with every verb it offers,
 * except the few that would let a learner forge what the grader reads or make the API server
 * connect somewhere for them. RBAC can only add rights, never subtract them, so the role is the
 * discovered whole minus `refusals` below, written out in full; a resource added to Kubernetes
 * later is granted without anyone listing it, a refusal holds for every version of it.
 *
 *   await applyIdentityRbac(adminKubeconfig, { learner, grader }, { controlPlaneUsesServiceAccounts: false });
 *
 * What no rule here grants: the RBAC verb `escalate`, and `bind`
 * but on the default view, edit and admin roles (a learner can create Roles and bindings, but only
 * for rights they hold themselves, or of those three), `impersonate`
 * of users and groups (no `--as=kubelab:grader`, no `--as-group=system:masters`) and `approve` on
 * signers. Impersonating a ServiceAccount is granted for one purpose only, asking the API server
 * what it may do (`kubectl auth can-i --as=system:serviceaccount:…`), through constrained
 * impersonation (Kubernetes 1.36+).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { adminApi, type AdminApi } from './lab-role/admin-api.js';
import { kubectl } from './run.js';

/** One resource or subresource the API server serves ("pods", "pods/status"), with the verbs it serves. */
export interface ServedResource {
  group: string;
  /** "resource" or "resource/subresource". */
  resource: string;
  verbs: string[];
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

const readVerbs = ['get', 'list', 'watch'];

/** What the learner may not do in their lab, and why: the verbs each match keeps. */
export const refusals: { what: string; why: string; matches: (r: { group: string; resource: string; sub: string }) => boolean; keep: string[] }[] = [
  {
    what: 'writing any status subresource',
    why: "status is what controllers, the scheduler and the nodes report; checks read it, so only they may write it",
    matches: (r) => r.sub === 'status',
    keep: readVerbs,
  },
  {
    what: 'any proxy subresource (pods, services, nodes)',
    why: 'the API server would connect for the learner, from the host, to whatever address a Pod, Endpoints or Node names',
    matches: (r) => r.sub === 'proxy',
    keep: [],
  },
  {
    what: 'binding pods to nodes',
    why: "placing a pod is the scheduler's act; a check that a pod was scheduled must not be passable by hand",
    matches: (r) => r.sub === 'binding' || (r.group === '' && r.resource === 'bindings'),
    keep: [],
  },
  {
    what: 'writing admission webhook configurations',
    why: 'a webhook URL makes the API server call any address, the host loopback included',
    matches: (r) => r.group === 'admissionregistration.k8s.io' && /^(validating|mutating)webhookconfigurations$/.test(r.resource),
    keep: readVerbs,
  },
  {
    what: 'writing APIServices',
    why: 'an APIService makes the API server forward requests to any Service, an ExternalName to the host loopback included',
    matches: (r) => r.group === 'apiregistration.k8s.io' && r.resource === 'apiservices',
    keep: readVerbs,
  },
  {
    what: 'creating Nodes',
    why: 'a Node names the kubelet address the API server connects to for logs and exec; nodes come from the lab',
    matches: (r) => r.group === '' && r.resource === 'nodes' && r.sub === '',
    keep: ['get', 'list', 'watch', 'update', 'patch', 'delete', 'deletecollection'],
  },
  {
    what: 'approving certificate requests',
    why: 'an approved request is a credential the cluster signs, for any user name',
    matches: (r) => r.group === 'certificates.k8s.io' && r.sub === 'approval',
    keep: readVerbs,
  },
  {
    what: 'writing Events',
    why: 'events are the control plane\'s record of what happened (Scheduled, Killing); checks may rely on them',
    matches: (r) => r.resource === 'events' && r.sub === '' && (r.group === '' || r.group === 'events.k8s.io'),
    keep: readVerbs,
  },
];

/** Rights added on top of discovery: ServiceAccount impersonation, for access questions only. */
const impersonationRules: PolicyRule[] = [
  { apiGroups: ['authentication.k8s.io'], resources: ['serviceaccounts'], verbs: ['impersonate:serviceaccount'] },
  {
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    verbs: ['impersonate-on:serviceaccount:create'],
  },
];

/**
 * Binding the default user-facing roles (view, edit, admin) to the learner's own subjects is part
 * of the course ("give the ServiceAccount edit in default"). RBAC lets a learner bind only rights
 * they hold themselves, and those roles name rights no discovery-made role can hold (resources of
 * API versions the server no longer serves, reads of status subresources it lists): so `bind` is
 * granted on exactly these three, never on cluster-admin or a role of the learner's own making.
 */
const bindDefaultRoles: PolicyRule = { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['view', 'edit', 'admin'], verbs: ['bind'] };

/**
 * API groups kept for the learner's own CustomResourceDefinitions (the course's examples use
 * them). Resources of a CRD do not exist when the lab, and so its role, is made; in these groups
 * every resource is the learner's, status included: no controller of the lab writes it.
 */
export const learnerCrdGroups = [
  'example.com',
  'demo.kubelab.io',
  // The Gateway API's CRDs are installed by the exercise that teaches them, after the role is made;
  // no gateway controller runs in a lab, and its checks read routes' spec only.
  'gateway.networking.k8s.io',
];

/**
 * Where RBAC gives verbs a meaning beyond the API request they name: `bind` and `escalate` on
 * roles, `impersonate` on ServiceAccounts (and users, groups, UIDs), the impersonation modes of
 * authentication.k8s.io, `approve` and `sign` on certificate signers. A wildcard here would grant
 * those too, so these resources keep the verbs discovery lists, one by one.
 */
const verbsWithMeaning = (group: string, resource: string) =>
  ['rbac.authorization.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'certificates.k8s.io'].includes(group) ||
  (group === '' && ['serviceaccounts', 'users', 'groups'].includes(resource));

/**
 * The verbs the learner gets on one served resource. Where no refusal applies and no verb means
 * more than its request, that is `*`: RBAC lets a learner grant only what they hold, and a Role with
 * `--verb='*'` or `pods/log` with `list` (a verb the server does not serve there, but one anyone may
 * write) are answers a learner can give and the grader must judge.
 */
export function allowedVerbs(r: ServedResource): string[] {
  const [resource, sub = ''] = r.resource.split('/') as [string, string?];
  let verbs = [...new Set(r.verbs)];
  let refused = false;
  for (const refusal of refusals) {
    if (!refusal.matches({ group: r.group, resource, sub })) continue;
    verbs = verbs.filter((v) => refusal.keep.includes(v));
    refused = true;
  }
  if (!refused && verbs.length > 0 && !verbsWithMeaning(r.group, resource)) return ['*'];
  return verbs.sort();
}

/** The learner's rules for everything served: one rule per API group and verb set. */
export function learnerRules(served: ServedResource[]): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  for (const r of served) {
    const verbs = allowedVerbs(r);
    if (verbs.length === 0) continue;
    const key = JSON.stringify([r.group, verbs]);
    const rule = byKey.get(key) ?? { apiGroups: [r.group], resources: [], verbs };
    if (!rule.resources.includes(r.resource)) rule.resources.push(r.resource);
    byKey.set(key, rule);
  }
  const rules = [...byKey.values()].map((r) => ({ ...r, resources: r.resources.sort() }));
  rules.sort((a, b) => (a.apiGroups[0]! + a.verbs.join()).localeCompare(b.apiGroups[0]! + b.verbs.join()));
  const crds: PolicyRule = { apiGroups: learnerCrdGroups, resources: ['*'], verbs: ['*'] };
  return [...rules, crds, ...impersonationRules, bindDefaultRoles];
}

interface DiscoveryList {
  items?: {
    metadata?: { name?: string };
    versions?: { resources?: { resource: string; verbs?: string[]; subresources?: { subresource: string; verbs?: string[] }[] }[] }[];
  }[];
}

const aggregatedDiscovery = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Every resource and subresource the API server serves, over all versions, from aggregated discovery (two requests). */
export async function servedResources(api: AdminApi): Promise<ServedResource[]> {
  const out = new Map<string, ServedResource>();
  const add = (group: string, resource: string, verbs: string[] = []) => {
    const key = `${group}/${resource}`;
    const known = out.get(key);
    if (known) known.verbs = [...new Set([...known.verbs, ...verbs])];
    else out.set(key, { group, resource, verbs: [...verbs] });
  };
  for (const path of ['/api', '/apis']) {
    const list = await api.get<DiscoveryList>(path, aggregatedDiscovery);
    if (!Array.isArray(list.items)) throw new Error(`${path} did not answer with aggregated discovery (Kubernetes 1.30 or later is needed)`);
    for (const g of list.items) {
      for (const v of g.versions ?? []) {
        for (const r of v.resources ?? []) {
          add(g.metadata?.name ?? '', r.resource, r.verbs);
          for (const s of r.subresources ?? []) add(g.metadata?.name ?? '', `${r.resource}/${s.subresource}`, s.verbs);
        }
      }
    }
  }
  return [...out.values()];
}

const managed = { 'kubelab.io/managed': 'true' };

/** The RBAC objects of a lab's two identities: the learner's generated role, the grader's reader role. */
export function identityManifests(users: { learner: string; grader: string }, learner: PolicyRule[]): string {
  const objects = [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'kubelab-learner', labels: managed }, rules: [...learner, { nonResourceURLs: ['*'], verbs: ['get'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubelab-learner', labels: managed },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubelab-learner' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: users.learner }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubelab-grader', labels: managed },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: readVerbs },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
        { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/api', '/api/*', '/apis', '/apis/*'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubelab-grader', labels: managed },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubelab-grader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: users.grader }],
    },
  ];
  return objects.map((o) => stringify(o)).join('---\n');
}

interface Binding {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; resourceVersion?: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

/**
 * Takes the control plane's own ServiceAccounts out of the bindings the API server bootstraps
 * (system:controller:*, bootstrap-signer, …), for control planes whose controllers run on their own
 * credentials (kwok's do): otherwise a learner could create `kube-system/deployment-controller`
 * and a token for it, and write Deployment status as that controller. The bindings are marked
 * `autoupdate: "false"` so an API server restart does not put the subjects back.
 */
export async function detachSystemServiceAccounts(api: AdminApi): Promise<number> {
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  const lists = [`${rbac}/clusterrolebindings`, `${rbac}/namespaces/kube-system/rolebindings`, `${rbac}/namespaces/kube-public/rolebindings`];
  let changed = 0;
  for (const path of lists) {
    const { items } = await api.get<{ items: Binding[] }>(path);
    for (const b of items) {
      const subjects = b.subjects ?? [];
      const kept = subjects.filter((s) => !(s.kind === 'ServiceAccount' && s.namespace === 'kube-system'));
      if (kept.length === subjects.length) continue;
      const annotations = { ...b.metadata.annotations, 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
      const base = b.metadata.namespace ? `${rbac}/namespaces/${b.metadata.namespace}/rolebindings` : `${rbac}/clusterrolebindings`;
      await api.put(`${base}/${b.metadata.name}`, { ...b, metadata: { ...b.metadata, annotations }, subjects: kept });
      changed++;
    }
  }
  return changed;
}

/** What the default edit and admin roles would give past the learner's own rights, and why it is taken out. */
export const narrowedDefaults = {
  /** The API server would connect, for whoever holds these, to any address an Endpoints or Pod names. */
  resources: ['pods/proxy', 'services/proxy'],
  /** Acting as any ServiceAccount of a namespace (kube-system's included, where controllers' accounts live). */
  verbs: ['impersonate'],
};

type RoleRule = PolicyRule & { nonResourceURLs?: string[] };

/** A role's rules without the narrowed resources and verbs (a rule left empty goes). */
export function narrowRules(rules: RoleRule[]): RoleRule[] {
  return rules.flatMap((r) => {
    const resources = (r.resources ?? []).filter((x) => !narrowedDefaults.resources.includes(x));
    const verbs = r.verbs.filter((v) => !narrowedDefaults.verbs.includes(v));
    if (verbs.length === 0 || (r.resources && r.resources.length > 0 && resources.length === 0)) return [];
    return [r.resources ? { ...r, resources, verbs } : { ...r, verbs }];
  });
}

/**
 * The default edit and admin roles, which a learner may bind (the course gives a ServiceAccount
 * edit), aggregate `system:aggregate-to-edit`: its pods/proxy, services/proxy and ServiceAccount
 * impersonation would let a learner's own ServiceAccount do what the learner may not. Those rules
 * are taken out of it (marked `autoupdate: "false"` so an API server restart does not put them
 * back); the aggregation controller then leaves them out of edit and admin too.
 */
export async function narrowDefaultRoles(api: AdminApi): Promise<void> {
  const path = '/apis/rbac.authorization.k8s.io/v1/clusterroles/system:aggregate-to-edit';
  const role = await api.get<{ metadata: { annotations?: Record<string, string> }; rules?: RoleRule[] }>(path);
  const rules = narrowRules(role.rules ?? []);
  const annotations = { ...role.metadata.annotations, 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
  await api.put(path, { ...role, metadata: { ...role.metadata, annotations }, rules });
}

export interface IdentityRbacOptions {
  /**
   * Whether the lab's controllers authenticate as kube-system ServiceAccounts
   * (kube-controller-manager --use-service-account-credentials, as kubeadm sets it up for kind and
   * minikube). When false, those ServiceAccounts are detached from their bootstrap bindings.
   */
  controlPlaneUsesServiceAccounts: boolean;
}

/** Applies the learner and grader RBAC of a lab, the learner's role generated from its discovery. */
export async function applyIdentityRbac(adminKubeconfig: string, users: { learner: string; grader: string }, opts: IdentityRbacOptions): Promise<void> {
  const api = await adminApi(adminKubeconfig);
  try {
    const rules = learnerRules(await servedResources(api));
    await kubectl(adminKubeconfig, ['apply', '-f', '-'], { input: identityManifests(users, rules) });
    await narrowDefaultRoles(api);
    if (!opts.controlPlaneUsesServiceAccounts) await detachSystemServiceAccounts(api);
  } finally {
    api.close();
  }
}

/**
 * RBAC cannot see inside an object, and one kind of object a learner may create (the course
 * teaches them) could still forge status: a MutatingAdmissionPolicy that rewrites what a controller
 * writes to `deployments/status` (readyReplicas: 3 with every pod Pending), or the scheduler's
 * binding. This ValidatingAdmissionPolicy refuses, for everyone but the lab's admin, mutating
 * policies that match any status or binding subresource (or all subresources). It is loaded from a
 * file by the API server itself (a static, manifest-based policy, Kubernetes 1.36+), so no one
 * in the lab can delete or change it; policies kept in the API cannot act on admission policies.
 */
export const admissionGuardManifests = [
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'kubelab-status-guard.static.k8s.io' },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: ['admissionregistration.k8s.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['mutatingadmissionpolicies'] }],
      },
      matchConditions: [
        { name: 'not-the-lab-admin', expression: "!('system:masters' in request.userInfo.groups) && !('kubeadm:cluster-admins' in request.userInfo.groups)" },
      ],
      validations: [
        {
          expression:
            "!has(object.spec.matchConstraints) || !has(object.spec.matchConstraints.resourceRules) || object.spec.matchConstraints.resourceRules.all(r, !has(r.resources) || r.resources.all(x, !(x.contains('/') && (x.endsWith('/status') || x.endsWith('/*') || x.endsWith('/binding')))))",
          message: 'a mutating admission policy in this lab may not match status or binding subresources: those are what controllers, the scheduler and the nodes report, and what checks read',
          reason: 'Forbidden',
        },
      ],
    },
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'kubelab-status-guard-binding.static.k8s.io' },
    spec: { policyName: 'kubelab-status-guard.static.k8s.io', validationActions: ['Deny'] },
  },
];

/**
 * Writes the API server's admission configuration that loads the guard above into `dir`;
 * returns the path for --admission-control-config-file. The same for every lab.
 */
export function writeAdmissionGuard(dir: string): string {
  const manifests = join(dir, 'static-policies');
  mkdirSync(manifests, { recursive: true, mode: 0o755 });
  writeFileSync(join(manifests, 'kubelab-status-guard.yaml'), admissionGuardManifests.map((m) => stringify(m)).join('---\n'));
  const config = join(dir, 'admission.yaml');
  writeFileSync(
    config,
    stringify({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AdmissionConfiguration',
      plugins: [
        {
          name: 'ValidatingAdmissionPolicy',
          configuration: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'ValidatingAdmissionPolicyConfiguration', staticManifestsDir: manifests },
        },
      ],
    }),
  );
  return config;
}
