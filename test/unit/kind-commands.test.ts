/** kind: the cluster config, argv and output parsing of the kind provider, without Docker. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  clusterName,
  componentMoveArgs,
  controlPlaneNode,
  createArgs,
  deleteArgs,
  kindConfig,
  kindEnv,
  parseClusters,
  readNodeFileArgs,
} from '../../sandbox/kind/commands.js';
import { containerEngineFor, explainEngineFailure, lastLines } from '../../sandbox/host.js';

describe('kind cluster config', () => {
  it('has one control-plane node and the workers labelled kubelab.io/worker=1..N', () => {
    const doc = parse(kindConfig({ name: 'lab-1', workers: 2 }));
    expect(doc).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'kubelab-lab-1',
      networking: { apiServerAddress: '127.0.0.1' },
      nodes: [
        { role: 'control-plane' },
        { role: 'worker', labels: { 'kubelab.io/worker': '1' } },
        { role: 'worker', labels: { 'kubelab.io/worker': '2' } },
      ],
    });
  });

  it('puts a chosen node image on every node', () => {
    const doc = parse(kindConfig({ name: 'lab-1', workers: 1 }, { nodeImage: 'kindest/node:v1.34.0' }));
    expect(doc.nodes.map((n: { image: string }) => n.image)).toEqual(['kindest/node:v1.34.0', 'kindest/node:v1.34.0']);
  });
});

describe('kind argv', () => {
  it('creates and deletes kubelab-<lab> with the lab’s own kubeconfig file', () => {
    expect(clusterName('lab-1')).toBe('kubelab-lab-1');
    expect(createArgs('lab-1', '/d/kind.yaml', '/d/admin.kubeconfig')).toEqual([
      'create', 'cluster', '--name', 'kubelab-lab-1', '--config', '/d/kind.yaml', '--kubeconfig', '/d/admin.kubeconfig', '--wait', '180s',
    ]);
    expect(deleteArgs('lab-1', '/d/admin.kubeconfig')).toEqual(['delete', 'cluster', '--name', 'kubelab-lab-1', '--kubeconfig', '/d/admin.kubeconfig']);
  });

  it('reads the CA from the control-plane container', () => {
    expect(controlPlaneNode('lab-1')).toBe('kubelab-lab-1-control-plane');
    expect(readNodeFileArgs('lab-1', '/etc/kubernetes/pki/ca.key')).toEqual(['exec', 'kubelab-lab-1-control-plane', 'cat', '/etc/kubernetes/pki/ca.key']);
  });

  it('stops a component by moving its static pod manifest out of the manifest folder, and starts it by moving it back', () => {
    expect(componentMoveArgs('lab-1', 'kube-scheduler', false)).toEqual({
      check: ['exec', 'kubelab-lab-1-control-plane', 'test', '-f', '/etc/kubernetes/manifests/kube-scheduler.yaml'],
      move: ['exec', 'kubelab-lab-1-control-plane', 'mv', '/etc/kubernetes/manifests/kube-scheduler.yaml', '/etc/kubernetes/kube-scheduler.yaml'],
    });
    expect(componentMoveArgs('lab-1', 'kube-controller-manager', true).move).toEqual([
      'exec', 'kubelab-lab-1-control-plane', 'mv', '/etc/kubernetes/kube-controller-manager.yaml', '/etc/kubernetes/manifests/kube-controller-manager.yaml',
    ]);
  });

  it('selects Podman through KIND_EXPERIMENTAL_PROVIDER', () => {
    expect(kindEnv('podman', { PATH: '/bin' })).toEqual({ PATH: '/bin', KIND_EXPERIMENTAL_PROVIDER: 'podman' });
    expect(kindEnv('docker', { PATH: '/bin', KIND_EXPERIMENTAL_PROVIDER: 'podman' })).toEqual({ PATH: '/bin' });
  });
});

describe('parsing `kind get clusters`', () => {
  it('keeps the clusters kubelab made, as lab names', () => {
    expect(parseClusters('kind\nkubelab-lab-1\nkubelab-pool-ab12\nother-kubelab-x\n')).toEqual(['lab-1', 'pool-ab12']);
  });

  it('finds none in kind’s "no clusters" answer or in empty output', () => {
    expect(parseClusters('No kind clusters found.\n')).toEqual([]);
    expect(parseClusters('')).toEqual([]);
    expect(parseClusters('kubelab-\n')).toEqual([]);
  });
});

describe('the container engine', () => {
  const installed = (...names: string[]) => (n: string) => names.includes(n);

  it('is Docker unless Podman is asked for or is the only one installed', () => {
    expect(containerEngineFor({}, installed('docker', 'podman'))).toBe('docker');
    expect(containerEngineFor({ KIND_EXPERIMENTAL_PROVIDER: 'podman' }, installed('docker', 'podman'))).toBe('podman');
    expect(containerEngineFor({}, installed('podman'))).toBe('podman');
    expect(containerEngineFor({}, installed())).toBe('docker');
  });

  it('explains a Docker CLI without a daemon, and a socket the user may not use', () => {
    expect(explainEngineFailure('docker', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?')).toMatch(
      /no Docker daemon is running.*sudo systemctl start docker/,
    );
    expect(explainEngineFailure('docker', 'permission denied while trying to connect to the Docker daemon socket')).toMatch(/usermod -aG docker/);
    expect(explainEngineFailure('podman', 'Error: something else')).toMatch(/podman is installed but does not work: Error: something else/);
  });

  it('keeps the last lines of a failing command for the error message', () => {
    expect(lastLines('a\n\nb\nc\n')).toBe('b c');
    expect(lastLines('')).toBe('no output');
  });
});
