/**
 * The one interface every cluster provider implements (kwok, kind, minikube, existing),
 * and the types a lab is described by. server/ uses sandbox/ through sandbox/index.ts only.
 */
import type { LabUsage } from './usage.js';

export type ProviderKind = 'kwok' | 'kind' | 'minikube' | 'existing';
export type ControlPlaneComponent = 'kube-scheduler' | 'kube-controller-manager';

export interface Availability {
  ok: boolean;
  /** Why not, and what to do about it, when ok is false. */
  reason?: string;
}

export interface LabSpec {
  /** Lab name: lowercase letters, digits and dashes; unique per provider. */
  name: string;
  /** Number of worker nodes, labelled kubelab.io/worker=1..N. */
  workers: number;
}

export interface LabRef {
  name: string;
  provider: ProviderKind;
}

/** The three identities of a lab, each a kubeconfig file of its own. */
export interface LabKubeconfigs {
  /** The platform: setup, reset, setComponent. Never given to a learner. */
  admin: string;
  /** What the learner's shell gets: the lab role (sandbox/lab-role.ts) inside this lab, nothing outside it. */
  learner: string;
  /** The grader: reads everything, may create SubjectAccessReviews, nothing more. */
  grader: string;
}

export interface Lab extends LabRef {
  kubeconfigs: LabKubeconfigs;
  /** Worker node names, in order: workers[0] is "worker 1". */
  workers: string[];
  /** The namespace a learner works in (default, or the lab namespace on the existing provider). */
  namespace: string;
  /** The API server URL the kubeconfigs point at (host side). */
  server: string;
  /** Lab facts lessons may refer to as variables, e.g. {{worker1}}. */
  variables: Record<string, string>;
  /** Features this provider cannot offer in this lab, with the reason (e.g. setComponent on existing). */
  unsupported: Partial<Record<LabFeature, string>>;
}

export type LabFeature = 'cluster-scope' | 'set-component' | 'containers' | 'workers';

/** One step of creating a lab: its name and how far along the creation is (for a progress bar instead of a blank wait). */
export interface CreationStep {
  step: string;
  done: number;
  total: number;
}

/** Where a provider reports creation steps as they happen. ("Progress" is the learner's course progress, server/teaching/progress.ts.) */
export type OnCreationStep = (step: CreationStep) => void;

export interface ClusterProvider {
  readonly name: ProviderKind;
  available(): Promise<Availability>;
  create(spec: LabSpec, progress?: OnCreationStep): Promise<Lab>;
  delete(lab: LabRef): Promise<void>;
  /** Labs this provider holds, including those a crashed server left behind. */
  list(): Promise<LabRef[]>;
  /** Reopens a lab that list() found, without creating anything. */
  open(lab: LabRef): Promise<Lab>;
  setComponent(lab: LabRef, component: ControlPlaneComponent, running: boolean): Promise<void>;
  /** What the lab uses of the host, where the provider can measure it (its processes run here). */
  usage?(lab: LabRef): Promise<LabUsage>;
  /** Stops a lab's processes, keeping its state, where the provider can (kwok); wake() starts it as it was. */
  park?(lab: LabRef): Promise<void>;
  wake?(lab: LabRef): Promise<void>;
  isParked?(lab: LabRef): boolean;
  /**
   * Puts a lab back to the state it had when create() returned, in place: same name, API server and
   * credentials; what was made since is gone, and every component runs. Throws if it cannot, after
   * which the lab must be deleted (it may be half-restored). canRestore says whether it has what
   * restore() needs (a lab made before the provider kept snapshots has not).
   */
  restore?(lab: LabRef): Promise<void>;
  canRestore?(lab: LabRef): boolean;
}

export class SandboxError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'SandboxError';
  }
}

export const labNamePattern = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

export function validateLabSpec(spec: LabSpec): void {
  if (!labNamePattern.test(spec.name)) {
    throw new SandboxError(`lab name "${spec.name}" is not valid`, 'Use 2-32 lowercase letters, digits and dashes, starting with a letter.');
  }
  if (!Number.isInteger(spec.workers) || spec.workers < 1 || spec.workers > 20) {
    throw new SandboxError(`--workers must be a whole number from 1 to 20, got ${spec.workers}`, 'Labs need at least one worker node; the course assumes two.');
  }
}
