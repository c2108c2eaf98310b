/**
 * The Kubernetes objects that make a namespace of an instructor's cluster into a lab, as pure
 * functions (unit-tested without a cluster).
 *
 * Per lab:
 * - Namespace kubelab-<lab>, labelled kubelab.io/lab=<lab> and kubelab.io/instance=<server id>, with
 *   Pod Security "baseline" enforced (no privileged pods, host paths or host namespaces: a learner must
 *   not get root on the instructor's nodes);
 * - ServiceAccount `learner` bound to Role `kubelab-learner` (edit-like rights in the namespace,
 *   including Roles and RoleBindings so RBAC exercises work; quota and limit ranges are read-only)
 *   and, through a ClusterRoleBinding, to the shared ClusterRole `kubelab-labs-learner` (read nodes
 *   and a few other cluster-scoped kinds lessons show);
 * - ResourceQuota `kubelab-quota`, LimitRange `kubelab-limits` (defaults so the quota can count every pod);
 * - NetworkPolicy `kubelab-isolation`: ingress only from pods of the same namespace;
 * - ServiceAccount grader-<lab> in kubelab-system (outside the learner's reach: a learner may mint
 *   tokens for service accounts of their own namespace), bound cluster-wide to the shared ClusterRole
 *   `kubelab-labs-grader` (read everything, create SubjectAccessReviews).
 * Cluster-scoped objects of one lab carry kubelab.io/lab=<lab>, so delete finds them by label.
 */
import { stringify } from 'yaml';
import { workerLabel } from '../cluster.js';

export const namespacePrefix = 'kubelab-';
export const namespaceOf = (lab: string) => `${namespacePrefix}${lab}`;
export const systemNamespace = 'kubelab-system';
export const learnerAccount = 'learner';
export const graderAccount = (lab: string) => `grader-${lab}`;
export const labLabel = 'kubelab.io/lab';
export const instanceLabel = 'kubelab.io/instance';

export interface LabQuota {
  pods: number;
  requestsCpu: string;
  requestsMemory: string;
  limitsCpu: string;
  limitsMemory: string;
  services: number;
  nodePorts: number;
  persistentVolumeClaims: number;
}

export const defaultQuota: LabQuota = {
  pods: 20,
  requestsCpu: '4',
  requestsMemory: '8Gi',
  limitsCpu: '8',
  limitsMemory: '16Gi',
  services: 20,
  nodePorts: 2,
  persistentVolumeClaims: 10,
};

const managed = { 'kubelab.io/managed': 'true' };

/** Objects every lab of the cluster shares, applied (idempotently) before each lab. */
export function sharedManifests(): object[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: systemNamespace, labels: managed } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubelab-labs-grader', labels: managed },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
        { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/api', '/api/*', '/apis', '/apis/*'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubelab-labs-learner', labels: managed },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses', 'csidrivers'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['scheduling.k8s.io'], resources: ['priorityclasses'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
      ],
    },
  ];
}

const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const read = ['get', 'list', 'watch'];

/** The learner's rights inside the lab namespace: what the built-in `admin` role allows, minus quota and limit range writes. */
export const learnerRules = [
  {
    apiGroups: [''],
    resources: [
      'pods', 'pods/log', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/eviction', 'pods/ephemeralcontainers',
      'services', 'services/proxy', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'serviceaccounts/token',
      'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'events',
    ],
    verbs: all,
  },
  { apiGroups: [''], resources: ['resourcequotas', 'limitranges', 'namespaces', 'pods/status', 'services/status'], verbs: read },
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale', 'daemonsets', 'controllerrevisions'], verbs: all },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: all },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: all },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: all },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: all },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: all },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: all },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: read },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: all },
  { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
];

/** Every object of one lab, in apply order (the namespace first). */
export function labManifests(lab: string, instance: string, quota: LabQuota = defaultQuota): object[] {
  const ns = namespaceOf(lab);
  const labels = { ...managed, [labLabel]: lab, [instanceLabel]: instance };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'latest' },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: learnerAccount, namespace: ns, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'kubelab-learner', namespace: ns, labels }, rules: learnerRules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'kubelab-learner', namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubelab-learner' },
      subjects: [{ kind: 'ServiceAccount', name: learnerAccount, namespace: ns }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `kubelab-${lab}-learner`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubelab-labs-learner' },
      subjects: [{ kind: 'ServiceAccount', name: learnerAccount, namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'kubelab-quota', namespace: ns, labels },
      spec: {
        hard: {
          pods: String(quota.pods),
          'requests.cpu': quota.requestsCpu,
          'requests.memory': quota.requestsMemory,
          'limits.cpu': quota.limitsCpu,
          'limits.memory': quota.limitsMemory,
          services: String(quota.services),
          'services.nodeports': String(quota.nodePorts),
          'services.loadbalancers': '0',
          persistentvolumeclaims: String(quota.persistentVolumeClaims),
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'kubelab-limits', namespace: ns, labels },
      spec: {
        limits: [
          {
            type: 'Container',
            // Defaults let the quota count pods that declare no resources; exercises that set their own win.
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            default: { cpu: '1', memory: '1Gi' },
            max: { cpu: '2', memory: '2Gi' },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kubelab-isolation', namespace: ns, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: graderAccount(lab), namespace: systemNamespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `kubelab-${lab}-grader`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubelab-labs-grader' },
      subjects: [{ kind: 'ServiceAccount', name: graderAccount(lab), namespace: systemNamespace }],
    },
  ];
}

export function toYaml(objects: object[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** Lab names from `kubectl get namespaces -l kubelab.io/lab,kubelab.io/instance=<id> -o json`. */
export function labsFromNamespaces(list: { items: { metadata: { name: string; labels?: Record<string, string> } }[] }): string[] {
  return list.items
    .filter((n) => n.metadata.name === namespaceOf(n.metadata.labels?.[labLabel] ?? ''))
    .map((n) => n.metadata.labels![labLabel]!);
}

/** Expiry (ms since epoch) of a JWT such as a ServiceAccount token, from its `exp` claim. */
export function tokenExpiry(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export const noWorkersReason = `no node of this cluster is labelled ${workerLabel}=N, so exercises that name worker 1, worker 2 … cannot run. Label two nodes: kubectl label node <name> ${workerLabel}=1 (and =2).`;
