/** The cluster map's views of Kubernetes objects: what each pod, node and Service is drawn as. */
import { describe, expect, it } from 'vitest';
import { eventView, nodeView, podView, replicaSetView, serviceView, sliceView } from '../../server/cluster-map/views.js';

const pod = (extra: Record<string, unknown> = {}, status: Record<string, unknown> = {}) => ({
  metadata: { name: 'web-1', namespace: 'default', uid: 'u1', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }] },
  spec: { containers: [{ name: 'c' }], ...extra },
  status: { phase: 'Pending', ...status },
});

describe('pod views', () => {
  it('a pod no scheduler has decided on waits for one, and says which', () => {
    const v = podView(pod());
    expect(v.node).toBeUndefined();
    expect(v.reason).toMatch(/^Waiting for a scheduler: default-scheduler has not placed it yet/);
    expect(v.owner).toEqual({ kind: 'ReplicaSet', name: 'web-abc' });
  });

  it('an unschedulable pod carries the scheduler\'s own message', () => {
    const v = podView(pod({}, { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 node(s) were unschedulable.' }] }));
    expect(v.reason).toBe('Unschedulable: 0/2 nodes are available: 2 node(s) were unschedulable.');
  });

  it('a bound, ready pod has its node, readiness and no pending reason', () => {
    const v = podView(pod({ nodeName: 'n1' }, { phase: 'Running', podIP: '10.0.0.3', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ ready: true, state: { running: {} } }] }));
    expect(v).toMatchObject({ node: 'n1', phase: 'Running', status: 'Running', ready: true, readyText: '1/1', ip: '10.0.0.3' });
    expect(v.reason).toBeUndefined();
  });

  it('status follows kubectl: waiting reasons, then Terminating above all', () => {
    expect(podView(pod({ nodeName: 'n1' }, { phase: 'Running', containerStatuses: [{ ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }] })).status).toBe('CrashLoopBackOff');
    const deleting = pod({ nodeName: 'n1' }, { phase: 'Running' });
    (deleting.metadata as Record<string, unknown>).deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(podView(deleting).status).toBe('Terminating');
  });
});

describe('node, workload, Service and event views', () => {
  it('a node keeps its own labels and taints, not the well-known ones, and says when it is cordoned', () => {
    const v = nodeView({
      metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', type: 'kwok', 'kubelab.io/worker': '1', disk: 'ssd' } },
      spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'gpu', value: 'yes', effect: 'NoExecute' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(v.labels).toEqual({ 'kubelab.io/worker': '1', disk: 'ssd' });
    expect(v.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'gpu', value: 'yes', effect: 'NoExecute' }]);
    expect(v).toMatchObject({ unschedulable: true, ready: true });
  });

  it('a ReplicaSet names the Deployment that owns it', () => {
    expect(replicaSetView({ metadata: { name: 'web-abc', namespace: 'default', uid: 'r', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } }).deployment).toBe('web');
  });

  it('a Service gets the endpoints of the slices labelled with its name, in its namespace only', () => {
    const slice = (ns: string, svc: string, ready: boolean | null) =>
      sliceView({
        metadata: { name: `${svc}-x`, namespace: ns, uid: `${ns}-${svc}-${ready}`, labels: { 'kubernetes.io/service-name': svc } },
        endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready }, nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-1', uid: 'u1' } }],
      });
    const v = serviceView(
      { metadata: { name: 'web', namespace: 'default', uid: 's' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } } },
      [slice('default', 'web', true), slice('default', 'web', false), slice('other', 'web', true), slice('default', 'api', true)],
    );
    expect(v.ports).toBe('80/TCP');
    expect(v.endpoints).toEqual([
      { ip: '10.0.0.9', ready: true, pod: 'u1', podName: 'web-1', node: 'n1' },
      { ip: '10.0.0.9', ready: false, pod: 'u1', podName: 'web-1', node: 'n1' },
    ]);
    // Unset readiness means "unknown", which consumers treat as ready.
    expect(slice('default', 'web', null).endpoints[0]!.ready).toBe(true);
  });

  it('an event names its object and its last time', () => {
    const v = eventView({ metadata: { name: 'e', namespace: 'default', uid: 'e1' }, involvedObject: { kind: 'Pod', name: 'web-1' }, reason: 'Scheduled', message: 'Successfully assigned', type: 'Normal', lastTimestamp: '2026-01-01T00:00:05Z', count: 2 });
    expect(v).toMatchObject({ object: 'Pod/web-1', reason: 'Scheduled', time: '2026-01-01T00:00:05Z', count: 2, type: 'Normal' });
  });
});
