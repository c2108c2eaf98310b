/** kind: the cluster config, argv and output parsing of the kind provider, without Docker. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  clusterName,
  componentMoveArgs,
  controlPlaneNode,
  createArgs,
  deleteArgs,
  etcdImageTag,
  hostCgroupV1,
  kindConfig,
  kindEnv,
  kindFailure,
  loadArchiveArgs,
  networkRemoveArgs,
  nodeStateArgs,
  notRunning,
  parseClusters,
  readNodeFileArgs,
} from '../../../sandbox/kind/commands.js';
import { containerEngineFor, explainEngineFailure, lastLines } from '../../../sandbox/host.js';

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

  it('tells the kubelet to accept cgroup v1, and kubeadm the etcd tag of kubelab’s node image, when asked', () => {
    const doc = parse(kindConfig({ name: 'lab-1', workers: 1 }, { cgroupV1: true, etcdTag: etcdImageTag('v3.6.16') }));
    expect(doc.kubeadmConfigPatches.map((p: string) => parse(p))).toEqual([
      { kind: 'KubeletConfiguration', failCgroupV1: false },
      { kind: 'ClusterConfiguration', etcd: { local: { imageTag: '3.6.16-0' } } },
    ]);
    expect(parse(kindConfig({ name: 'lab-1', workers: 1 }, { cgroupV1: false })).kubeadmConfigPatches).toBeUndefined();
  });

  it('sees cgroup v1 where /sys/fs/cgroup has no cgroup2 controllers file', () => {
    expect(hostCgroupV1(() => false)).toBe(true);
    expect(hostCgroupV1((p) => p === '/sys/fs/cgroup/cgroup.controllers')).toBe(false);
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

  it('gives each lab a network of its own, removed with the lab', () => {
    expect(kindEnv('docker', { PATH: '/bin' }, 'lab-1')).toEqual({ PATH: '/bin', KIND_EXPERIMENTAL_DOCKER_NETWORK: 'kubelab-lab-1' });
    expect(kindEnv('docker', { PATH: '/bin', KIND_EXPERIMENTAL_DOCKER_NETWORK: 'x' })).toEqual({ PATH: '/bin' });
    expect(networkRemoveArgs('lab-1')).toEqual(['network', 'rm', 'kubelab-lab-1']);
  });

  it('loads an image archive into every node of the lab', () => {
    expect(loadArchiveArgs('lab-1', '/c/w.tar')).toEqual(['load', 'image-archive', '/c/w.tar', '--name', 'kubelab-lab-1']);
  });
});

describe('kind’s failure output', () => {
  it('is reduced to kind’s ERROR line and kubeadm’s error, without the stack trace', () => {
    const out = ' ✗ Starting control-plane\nERROR: failed to create cluster: failed to init node with kubeadm: exit status 1\n\nerror execution phase wait-control-plane: rate limiter\nsigs.k8s.io/kind/pkg/errors.WithStack\n\tsigs.k8s.io/kind/pkg/errors/errors.go:59\nruntime.goexit\n\truntime/asm_amd64.s:1771\n';
    expect(kindFailure(out)).toBe('ERROR: failed to create cluster: failed to init node with kubeadm: exit status 1 error execution phase wait-control-plane: rate limiter');
    expect(kindFailure('something\nelse\n')).toBe('something else');
  });
});

describe('a lab’s node containers', () => {
  it('are listed by the cluster label, with their state', () => {
    expect(nodeStateArgs('lab-1')).toEqual(['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster=kubelab-lab-1', '--format', '{{.Names}} {{.State}}']);
  });

  it('make the lab lost when one is not running or is gone', () => {
    expect(notRunning('a running\nb running\nc running\n', 3)).toEqual([]);
    expect(notRunning('a running\nb exited\nc running\n', 3)).toEqual(['node b is exited']);
    expect(notRunning('a running\n', 3)).toEqual(['2 of 3 node containers are gone']);
    expect(notRunning('', 3)).toEqual(['3 of 3 node containers are gone']);
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
