/** The objects that make a namespace of a shared cluster into a lab, and the helpers around them. */
import { describe, expect, it } from 'vitest';
import { labManifests, labsFromNamespaces, learnerRules, tokenExpiry } from '../../../sandbox/existing/manifests.js';
import { workersFromNodes } from '../../../sandbox/cluster.js';
import { clusterOf } from '../../../sandbox/kubeconfig.js';

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };

describe('lab manifests', () => {
  const objects = labManifests('lab-1', 'k0123', { pods: 5, requestsCpu: '1', requestsMemory: '1Gi', limitsCpu: '2', limitsMemory: '2Gi', services: 3, nodePorts: 0, persistentVolumeClaims: 1 }) as Obj[];
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

  it('starts with the lab namespace, labelled with the lab and this server, Pod Security baseline enforced', () => {
    expect(objects[0]!.kind).toBe('Namespace');
    expect(objects[0]!.metadata).toEqual({
      name: 'kubelab-lab-1',
      labels: {
        'kubelab.io/managed': 'true',
        'kubelab.io/lab': 'lab-1',
        'kubelab.io/instance': 'k0123',
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    });
  });

  it('labels every cluster-scoped object with the lab, so delete finds them', () => {
    for (const o of byKind('ClusterRoleBinding')) expect(o.metadata.labels?.['kubelab.io/lab']).toBe('lab-1');
    expect(byKind('ClusterRoleBinding').map((o) => o.metadata.name)).toEqual(['kubelab-lab-1-learner', 'kubelab-lab-1-grader']);
  });

  it('keeps the grader account out of the learner’s namespace', () => {
    const accounts = byKind('ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(accounts).toEqual(['kubelab-lab-1/learner', 'kubelab-system/grader-lab-1']);
  });

  it('sets the quota asked for', () => {
    expect((byKind('ResourceQuota')[0] as unknown as { spec: { hard: Record<string, string> } }).spec.hard).toMatchObject({ pods: '5', 'requests.cpu': '1', 'services.nodeports': '0' });
  });

  it('gives the learner no write on quotas, limit ranges or the namespace, and no escalate/bind/impersonate', () => {
    for (const rule of learnerRules) {
      for (const r of ['resourcequotas', 'limitranges', 'namespaces']) {
        if (rule.resources.includes(r)) expect(rule.verbs).toEqual(['get', 'list', 'watch']);
      }
      expect(rule.verbs).not.toContain('*');
      expect(rule.verbs).not.toContain('escalate');
      expect(rule.verbs).not.toContain('bind');
      expect(rule.verbs).not.toContain('impersonate');
    }
  });
});

describe('helpers', () => {
  it('finds lab names in the namespace list, ignoring namespaces whose name does not match their label', () => {
    const list = {
      items: [
        { metadata: { name: 'kubelab-lab-1', labels: { 'kubelab.io/lab': 'lab-1' } } },
        { metadata: { name: 'team-a', labels: { 'kubelab.io/lab': 'lab-2' } } },
      ],
    };
    expect(labsFromNamespaces(list)).toEqual(['lab-1']);
  });

  it('reads the expiry of a ServiceAccount token', () => {
    const jwt = ['e30', Buffer.from(JSON.stringify({ exp: 1_900_000_000 })).toString('base64url'), 'sig'].join('.');
    expect(tokenExpiry(jwt)).toBe(1_900_000_000_000);
    expect(tokenExpiry('not-a-jwt')).toBeUndefined();
  });

  it('orders workers by their kubelab.io/worker label, whatever their names', () => {
    const nodes = {
      items: [
        { metadata: { name: 'zeta', labels: { 'kubelab.io/worker': '2' } } },
        { metadata: { name: 'cp', labels: {} } },
        { metadata: { name: 'alpha', labels: { 'kubelab.io/worker': '1' } } },
        { metadata: { name: 'odd', labels: { 'kubelab.io/worker': 'yes' } } },
      ],
    };
    expect(workersFromNodes(nodes)).toEqual(['alpha', 'zeta']);
  });

  it('reads server and CA of a kubeconfig’s current context', async () => {
    const yaml = `
apiVersion: v1
kind: Config
current-context: b
contexts:
  - { name: a, context: { cluster: one } }
  - { name: b, context: { cluster: two } }
clusters:
  - { name: one, cluster: { server: https://one:6443 } }
  - { name: two, cluster: { server: https://two:6443, certificate-authority-data: ${Buffer.from('PEM').toString('base64')} } }
`;
    expect(await clusterOf(yaml)).toEqual({ server: 'https://two:6443', caPem: 'PEM', insecure: false });
  });
});
