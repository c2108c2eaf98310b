import { describe, expect, test } from 'vitest';
import { compileProblem, evaluate, renderTemplate, toCel, templateProblems } from '../../../server/grading/cel.js';
import { normaliseImage } from '../../../server/grading/cel-helpers.js';
import { selectorMatches } from '../../../server/grading/selectors.js';

const run = (expr: string, vars: Record<string, unknown> = {}) => {
  const r = evaluate(expr, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, toCel(v)])));
  return r.ok ? r.value : { error: r.error };
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '3' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
        nodeSelector: { 'kubelab.io/worker': '2' },
      },
    },
  },
  status: { readyReplicas: 3, conditions: [{ type: 'Available', status: 'True' }] },
};
const node = (name: string, worker: string, extra: Record<string, string> = {}) => ({ kind: 'Node', metadata: { name, labels: { 'kubelab.io/worker': worker, 'kubernetes.io/hostname': name, ...extra } } });

describe('CEL over API objects', () => {
  test('whole numbers are ints, so comparisons and arithmetic both work', () => {
    expect(run('object.spec.replicas == 3', { object: deployment })).toBe(true);
    expect(run('object.spec.replicas + 1 == 4', { object: deployment })).toBe(true);
    expect(run('object.status.readyReplicas >= 2.5', { object: deployment })).toBe(true);
  });

  test('a missing field fails with a message that names it, it does not throw', () => {
    expect(run('object.status.updatedReplicas == 3', { object: deployment })).toEqual({ error: 'the field updatedReplicas is not set' });
    expect(run("dig(object, 'status.updatedReplicas', 0) == 3", { object: deployment })).toBe(false);
    expect(run("dig(object, 'status.readyReplicas') == 3", { object: deployment })).toBe(true);
    expect(run("dig(object, 'status.nothing.deeper') == null", { object: deployment })).toBe(true);
  });

  test('dig takes a list path for keys with dots', () => {
    const quota = { spec: { hard: { pods: '10', 'requests.cpu': '2' } } };
    expect(run("quantity(dig(object, ['spec', 'hard', 'requests.cpu'], '0')) == 2.0", { object: quota })).toBe(true);
  });

  test('quantity() compares amounts, not spellings', () => {
    expect(run("quantity('100m') == quantity('0.1')")).toBe(true);
    expect(run("quantity('1Gi') == quantity('1024Mi')")).toBe(true);
    expect(run("qty(object.spec.template.spec.containers[0].resources.requests.cpu) == 0.1", { object: deployment })).toBe(true);
    expect(run('quantity(2) == quantity("2000m")')).toBe(true);
    expect(run("quantity('lots') == 1.0")).toEqual({ error: expect.stringContaining('"lots" is not a quantity') });
  });

  test('label selectors: LabelSelector objects, label maps and the string form', () => {
    expect(run("selects(object.spec.selector, {'app': 'web', 'pod-template-hash': 'x'})", { object: deployment })).toBe(true);
    expect(run("selects({'matchExpressions': [{'key': 'app', 'operator': 'In', 'values': ['web', 'api']}]}, {'app': 'api'})")).toBe(true);
    expect(run("selects('app=web,tier!=db', {'app': 'web', 'tier': 'fe'})")).toBe(true);
    expect(run("selects('app in (a, b),!legacy', {'app': 'b'})")).toBe(true);
    expect(selectorMatches({ app: 'web' }, { app: 'api' })).toBe(false);
    expect(selectorMatches({ matchLabels: {} }, { anything: 'x' })).toBe(true);
    expect(selectorMatches('app=', {})).toBe(false);
    expect(selectorMatches('(((', {})).toBeUndefined();
  });

  test('ownership: a pod of a ReplicaSet, a pod of a DaemonSet', () => {
    const pod = { metadata: { ownerReferences: [{ kind: 'DaemonSet', name: 'log-agent', controller: true }] } };
    expect(run("ownedBy(object, 'DaemonSet')", { object: pod })).toBe(true);
    expect(run("ownedBy(object, 'DaemonSet', 'log-agent')", { object: pod })).toBe(true);
    expect(run("ownedBy(object, 'ReplicaSet')", { object: pod })).toBe(false);
    expect(run("ownedBy(object, 'DaemonSet')", { object: { metadata: {} } })).toBe(false);
  });

  test('images, labels, annotations, conditions', () => {
    expect(run('images(object) == ["nginx:1.27"]', { object: deployment })).toBe(true);
    expect(run("sameImage('docker.io/library/nginx:1.27', 'nginx:1.27')")).toBe(true);
    expect(run("sameImage('nginx:1.26', 'nginx:1.27')")).toBe(false);
    expect(run("annotation(object, 'deployment.kubernetes.io/revision') == '3'", { object: deployment })).toBe(true);
    expect(run("label(object.spec.template, 'app') == 'web' && label(object, 'nope') == ''", { object: deployment })).toBe(true);
    expect(run("condition(object, 'Available') == 'True' && condition(object, 'Progressing') == ''", { object: deployment })).toBe(true);
  });

  test('node placement: what a pod template allows, requires and tolerates', () => {
    const nodes = [node('w1', '1'), node('w2', '2')];
    expect(run('nodes.filter(n, nodeAllows(object, n)).map(n, n.metadata.name) == ["w2"]', { object: deployment, nodes })).toBe(true);
    expect(run("tolerates(object, {'key': 'dedicated', 'value': 'infra', 'effect': 'NoSchedule'})", { object: deployment })).toBe(true);
    expect(run("tolerates(object, {'key': 'dedicated', 'value': 'infra', 'effect': 'NoExecute'})", { object: deployment })).toBe(false);
    const pod = (spec: object) => ({ kind: 'Pod', spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });
    const required = pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } } });
    const preferred = pod({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } } });
    expect(run("requiresNodeLabel(object, 'disk', 'ssd')", { object: pod({ nodeSelector: { disk: 'ssd' } }) })).toBe(true);
    expect(run("requiresNodeLabel(object, 'disk', 'ssd')", { object: required })).toBe(true);
    expect(run("requiresNodeLabel(object, 'disk', 'ssd')", { object: preferred })).toBe(false);
    expect(run("nodeAllows(object, n)", { object: required, n: node('w1', '1', { disk: 'ssd' }) })).toBe(true);
    expect(run("nodeAllows(object, n)", { object: required, n: node('w2', '2') })).toBe(false);
    expect(run('nodeAllows(object, n)', { object: pod({ tolerations: [{ operator: 'Exists' }] }), n: node('w2', '2') })).toBe(true);
  });

  test('effective security settings: the container overrides the pod', () => {
    const pod = { kind: 'Pod', spec: { securityContext: { runAsNonRoot: true, runAsUser: 1000 }, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }, { name: 'b' }] } };
    expect(run("securitySetting(object, 'a', 'runAsUser') == 0", { object: pod })).toBe(true);
    expect(run("securitySetting(object, 'b', 'runAsUser') == 1000", { object: pod })).toBe(true);
    expect(run("securitySetting(object, 'b', 'readOnlyRootFilesystem') == null", { object: pod })).toBe(true);
  });

  test('endpoints, ports and secrets', () => {
    const slices = [
      { ports: [{ port: 80 }], endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }, { addresses: ['10.0.0.2'], conditions: { ready: false } }] },
      { ports: [{ port: 8080 }], endpoints: [{ addresses: ['10.0.0.3'], conditions: { ready: true } }] },
    ];
    expect(run('readyEndpoints(objects, 80) == 1 && readyEndpoints(objects) == 2', { objects: slices })).toBe(true);
    expect(run("containerPort(c, 'http') == 80 && containerPort(c, 81) == 81 && containerPort(c, 'nope') == 0", { c: deployment.spec.template.spec.containers[0] })).toBe(true);
    expect(run("base64Decode('czNjcjN0') == 's3cr3t'")).toBe(true);
  });

  test('image references are compared in full', () => {
    expect(normaliseImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(normaliseImage('bitnami/nginx:1')).toBe('docker.io/bitnami/nginx:1');
    expect(normaliseImage('registry.k8s.io/pause:3.9')).toBe('registry.k8s.io/pause:3.9');
    expect(normaliseImage('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(normaliseImage('nginx@sha256:abc')).toBe('docker.io/library/nginx@sha256:abc');
  });
});

describe('compiling CEL for lint', () => {
  test('syntax errors and unknown functions are reported with where and what', () => {
    expect(compileProblem('object.spec.replicas =! 3')).toMatch(/^at 1:22/);
    expect(compileProblem('isHappy(object)')).toBe('unknown function isHappy()');
    expect(compileProblem("object.items.all(i, quantity(i) > 1.0) && has(object.x) && 'a'.startsWith('a')")).toBeUndefined();
  });

  test('message templates: placeholders are CEL and a missing value reads "none"', () => {
    expect(templateProblems('web has {{object.status.readyReplicas}} ready')).toEqual([]);
    expect(templateProblems('bad {{object.(}}')[0]).toMatch(/does not compile/);
    expect(templateProblems('empty {{ }}')).toEqual(['empty {{ }} in message']);
    const bindings = { object: toCel(deployment) };
    expect(renderTemplate('web has {{object.status.readyReplicas}} of {{object.spec.replicas}}', bindings)).toBe('web has 3 of 3');
    expect(renderTemplate('updated: {{object.status.updatedReplicas}}', bindings)).toBe('updated: none');
    expect(renderTemplate('images: {{images(object)}}', bindings)).toBe('images: nginx:1.27');
  });
});
