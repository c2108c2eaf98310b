/** minikube: argv, node names and `minikube profile list -o json` parsing, without Docker. */
import { describe, expect, it } from 'vitest';
import {
  componentMoveArgs,
  deleteArgs,
  labUsers,
  minikubeEnv,
  needsMove,
  nodeNames,
  nodeSetupArgs,
  parseProfiles,
  startArgs,
} from '../../../sandbox/minikube/commands.js';

describe('minikube argv', () => {
  it('starts profile kubelab-<lab> with the control plane plus one node per worker', () => {
    expect(startArgs('lab-1', 2, { driver: 'docker' })).toEqual([
      'start', '-p', 'kubelab-lab-1', '--nodes', '3', '--driver', 'docker', '--embed-certs', '--interactive=false', '--wait=all', '--wait-timeout=10m0s',
    ]);
    expect(startArgs('lab-1', 1, { driver: 'podman', kubernetesVersion: 'v1.34.0', cpus: 2, memory: '2g' }).slice(5)).toEqual([
      '--driver', 'podman', '--embed-certs', '--interactive=false', '--wait=all', '--wait-timeout=10m0s', '--kubernetes-version', 'v1.34.0', '--cpus', '2', '--memory', '2g',
    ]);
    expect(deleteArgs('lab-1')).toEqual(['delete', '-p', 'kubelab-lab-1']);
  });

  it('names nodes as minikube does, labels the workers and taints the control plane', () => {
    expect(nodeNames('lab-1', 2)).toEqual({ controlPlane: 'kubelab-lab-1', workers: ['kubelab-lab-1-m02', 'kubelab-lab-1-m03'] });
    expect(nodeSetupArgs('lab-1', 2)).toEqual([
      ['label', 'node', 'kubelab-lab-1-m02', 'kubelab.io/worker=1', '--overwrite'],
      ['label', 'node', 'kubelab-lab-1-m03', 'kubelab.io/worker=2', '--overwrite'],
      ['taint', 'node', 'kubelab-lab-1', 'node-role.kubernetes.io/control-plane=:NoSchedule', '--overwrite'],
    ]);
  });

  it('moves static pod manifests over minikube ssh, only when the component is not already as asked', () => {
    expect(componentMoveArgs('lab-1', 'kube-scheduler', false)).toEqual({
      list: ['ssh', '-p', 'kubelab-lab-1', '--', 'sudo', 'ls', '-1', '/etc/kubernetes/manifests'],
      move: ['ssh', '-p', 'kubelab-lab-1', '--', 'sudo', 'mv', '/etc/kubernetes/manifests/kube-scheduler.yaml', '/etc/kubernetes/kube-scheduler.yaml'],
    });
    const listing = 'etcd.yaml\r\nkube-apiserver.yaml\r\nkube-controller-manager.yaml\r\nkube-scheduler.yaml\r\n';
    expect(needsMove(listing, 'kube-scheduler', false)).toBe(true);
    expect(needsMove(listing, 'kube-scheduler', true)).toBe(false);
    expect(needsMove('etcd.yaml\nkube-apiserver.yaml\n', 'kube-scheduler', true)).toBe(true);
  });

  it('writes its kubeconfig to the lab’s own file', () => {
    expect(minikubeEnv({ PATH: '/bin', KUBECONFIG: '/home/me/.kube/config' }, '/d/admin.kubeconfig')).toMatchObject({ PATH: '/bin', KUBECONFIG: '/d/admin.kubeconfig', MINIKUBE_IN_STYLE: 'false' });
  });

  it('gives each lab its own user names, because minikube profiles share one CA', () => {
    expect(labUsers('lab-1')).toEqual({ learner: 'kubelab:learner:lab-1', grader: 'kubelab:grader:lab-1' });
  });
});

describe('parsing `minikube profile list -o json`', () => {
  const output = JSON.stringify({
    invalid: [{ Name: 'kubelab-broken', Status: '', Config: null }],
    valid: [
      { Name: 'minikube', Status: 'Running', Config: { Name: 'minikube', Nodes: [{ Name: '', ControlPlane: true }] } },
      { Name: 'kubelab-lab-1', Status: 'Running', Config: { Name: 'kubelab-lab-1', Nodes: [{ Name: '' }, { Name: 'm02' }, { Name: 'm03' }] } },
      { Name: 'kubelab-lab-2', Status: 'Stopped', Config: { Name: 'kubelab-lab-2' } },
    ],
  });

  it('keeps the profiles kubelab made, valid or broken, as lab names', () => {
    expect(parseProfiles(output)).toEqual(['lab-1', 'lab-2', 'broken']);
  });

  it('reads "no profiles" answers as an empty list', () => {
    expect(parseProfiles('{"invalid":[],"valid":[]}')).toEqual([]);
    expect(parseProfiles('{"invalid":null,"valid":null}')).toEqual([]);
    expect(parseProfiles('* Exiting due to MK_USAGE_NO_PROFILE: No minikube profile was found.\n')).toEqual([]);
    expect(parseProfiles('')).toEqual([]);
  });

  it('skips a warning line minikube prints before the JSON', () => {
    expect(parseProfiles(`! Unable to resolve the current Docker CLI context\n${output}`)).toEqual(['lab-1', 'lab-2', 'broken']);
  });
});
