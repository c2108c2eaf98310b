/**
 * The minikube command lines of a lab, as pure functions (unit-tested without Docker): profile and
 * node names, argv for start/delete/ssh, parsing `minikube profile list -o json`.
 */
import type { ContainerEngine } from '../host.js';
import type { ControlPlaneComponent } from '../provider.js';
import { staticPodPaths, workerLabel } from '../cluster.js';

/** Every minikube profile kubelab makes is named kubelab-<lab>; list() finds them by this prefix. */
export const profilePrefix = 'kubelab-';

export const profileName = (lab: string) => `${profilePrefix}${lab}`;

/** minikube names the first node after the profile, the others <profile>-m02, -m03, … */
export function nodeNames(lab: string, workers: number): { controlPlane: string; workers: string[] } {
  const p = profileName(lab);
  return { controlPlane: p, workers: Array.from({ length: workers }, (_, i) => `${p}-m${String(i + 2).padStart(2, '0')}`) };
}

export interface StartOptions {
  driver: ContainerEngine;
  kubernetesVersion?: string;
  /** Per node, e.g. 2 and "2g"; minikube's defaults when unset. */
  cpus?: number;
  memory?: string;
}

/** `minikube start` for a lab: the control-plane node plus one node per worker. */
export function startArgs(lab: string, workers: number, o: StartOptions): string[] {
  return [
    'start', '-p', profileName(lab), '--nodes', String(workers + 1), '--driver', o.driver,
    '--embed-certs', '--interactive=false', '--wait=all', '--wait-timeout=10m0s',
    ...(o.kubernetesVersion ? ['--kubernetes-version', o.kubernetesVersion] : []),
    ...(o.cpus ? ['--cpus', String(o.cpus)] : []),
    ...(o.memory ? ['--memory', o.memory] : []),
  ];
}

export const deleteArgs = (lab: string) => ['delete', '-p', profileName(lab)];

export const listArgs = ['profile', 'list', '-o', 'json'];

/** `minikube ssh -p <profile> -- <argv>`: runs a command on the control-plane node. */
export const sshArgs = (lab: string, argv: string[]) => ['ssh', '-p', profileName(lab), '--', ...argv];

/**
 * Lab names from `minikube profile list -o json` ({"valid": [{"Name": …}], "invalid": [...]}); broken
 * profiles count too, so they get deleted. Profiles kubelab did not make are left out. minikube
 * answers "no profile" with an error and no JSON: that is an empty list.
 */
export function parseProfiles(stdout: string): string[] {
  const start = stdout.indexOf('{');
  if (start < 0) return [];
  let doc: { valid?: { Name?: string }[] | null; invalid?: { Name?: string }[] | null };
  try {
    doc = JSON.parse(stdout.slice(start)) as typeof doc;
  } catch {
    return [];
  }
  return [...(doc.valid ?? []), ...(doc.invalid ?? [])]
    .map((p) => p.Name ?? '')
    .filter((n) => n.startsWith(profilePrefix) && n.length > profilePrefix.length)
    .map((n) => n.slice(profilePrefix.length));
}

/** The environment minikube runs with: its kubeconfig goes to the lab's own file, never ~/.kube/config. */
export function minikubeEnv(base: NodeJS.ProcessEnv, kubeconfig: string): NodeJS.ProcessEnv {
  return { ...base, KUBECONFIG: kubeconfig, MINIKUBE_IN_STYLE: 'false', MINIKUBE_WANTUPDATENOTIFICATION: 'false', MINIKUBE_SUPPRESS_DOCKER_PERFORMANCE: 'true' };
}

/** Where minikube keeps the cluster CA on its nodes. One CA signs for every profile of a minikube home. */
export const caPaths = { crt: '/var/lib/minikube/certs/ca.crt', key: '/var/lib/minikube/certs/ca.key' } as const;

/**
 * minikube profiles share one CA, so the learner and grader names carry the lab: a certificate of lab
 * A authenticates at lab B's API server as a user that has no rights there.
 */
export const labUsers = (lab: string) => ({ learner: `kubelab:learner:${lab}`, grader: `kubelab:grader:${lab}` });

/** kubectl argv that labels the workers kubelab.io/worker=1..N and keeps ordinary pods off the control plane. */
export function nodeSetupArgs(lab: string, workers: number): string[][] {
  const names = nodeNames(lab, workers);
  return [
    ...names.workers.map((n, i) => ['label', 'node', n, `${workerLabel}=${i + 1}`, '--overwrite']),
    ['taint', 'node', names.controlPlane, 'node-role.kubernetes.io/control-plane=:NoSchedule', '--overwrite'],
  ];
}

/**
 * minikube argv that moves a component's static pod manifest out of (stop) or into (start) the
 * manifest folder, and the listing that tells whether a move is needed (`minikube ssh` is not
 * relied on to pass exit codes through, so the decision reads output instead).
 */
export function componentMoveArgs(lab: string, component: ControlPlaneComponent, running: boolean): { list: string[]; move: string[] } {
  const { active, parked } = staticPodPaths(component);
  const [from, to] = running ? [parked, active] : [active, parked];
  return { list: sshArgs(lab, ['sudo', 'ls', '-1', '/etc/kubernetes/manifests']), move: sshArgs(lab, ['sudo', 'mv', from, to]) };
}

/** From the manifest folder's listing: does the component need moving to reach the wanted state? */
export function needsMove(listing: string, component: ControlPlaneComponent, running: boolean): boolean {
  const active = listing.split(/\s+/).includes(`${component}.yaml`);
  return running ? !active : active;
}
