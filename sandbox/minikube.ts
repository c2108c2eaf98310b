/**
 * The minikube provider: each lab is a minikube profile of its own (`kubelab-<lab>`) with the
 * docker (or podman) driver: a control-plane node plus one node per worker, real containers.
 * After start the workers are labelled kubelab.io/worker=N and the control plane is tainted
 * NoSchedule (minikube leaves it schedulable), so workloads land on the workers as on kind and kwok.
 *
 * Credentials: admin is the kubeconfig minikube writes (into the lab's folder, never ~/.kube/config);
 * learner and grader are client certificates signed with the cluster CA read from the node. minikube
 * profiles share that CA, so the user names carry the lab name (see minikube/commands.ts labUsers).
 *
 * Control-plane view for lessons: the same `kubectl debug node/{{controlPlane}} …` as on kind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelledWorkers, waitComponent, waitNodesReady } from './cluster.js';
import { clusterOf } from './kubeconfig.js';
import { containerClusterAvailability, containerEngine, findExecutable, installHints, lastLines, type ContainerEngine } from './host.js';
import { writeCertIdentities } from './identities.js';
import { applyIdentityRbac } from './lab-role.js';
import { labVariables } from './kwok.js';
import { LabFolders, tempPki } from './labdir.js';
import {
  caPaths,
  componentMoveArgs,
  deleteArgs,
  labUsers,
  listArgs,
  minikubeEnv,
  needsMove,
  nodeNames,
  nodeSetupArgs,
  parseProfiles,
  profileName,
  sshArgs,
  startArgs,
} from './minikube/commands.js';
import {
  SandboxError,
  validateLabSpec,
  type Availability,
  type ClusterProvider,
  type ControlPlaneComponent,
  type Lab,
  type LabRef,
  type LabSpec,
  type OnCreationStep,
} from './provider.js';
import { kubectl, run } from './run.js';

export interface MinikubeProviderOptions {
  /** Folder with one subfolder per lab (kubeconfigs, lab.json). */
  workDir: string;
  /** The minikube executable; found on PATH when unset. */
  minikubeBinary?: string;
  /** Driver: docker or podman; chosen from the environment when unset. */
  engine?: ContainerEngine;
  kubernetesVersion?: string;
  cpus?: number;
  memory?: string;
}

const creationSteps = ['prerequisites', 'nodes', 'worker labels', 'identities', 'nodes ready'] as const;

export class MinikubeProvider implements ClusterProvider {
  readonly name = 'minikube' as const;
  private readonly folders: LabFolders;

  constructor(private readonly opts: MinikubeProviderOptions) {
    this.folders = new LabFolders(opts.workDir, 'minikube');
  }

  private minikube(): string | undefined {
    return this.opts.minikubeBinary ?? findExecutable('minikube');
  }

  get engine(): ContainerEngine {
    return this.opts.engine ?? containerEngine();
  }

  private adminPath(lab: string): string {
    return join(this.folders.dir(lab), 'admin.kubeconfig');
  }

  private mk(lab: string, args: string[], timeoutMs = 120_000) {
    return run(this.minikube()!, args, { env: minikubeEnv(process.env, this.adminPath(lab)), timeoutMs });
  }

  available(): Promise<Availability> {
    return containerClusterAvailability('minikube', this.minikube(), this.engine);
  }

  async create(spec: LabSpec, progress: OnCreationStep = () => {}): Promise<Lab> {
    validateLabSpec(spec);
    const step = (i: number) => progress({ step: creationSteps[i]!, done: i, total: creationSteps.length });
    step(0);
    const avail = await this.available();
    if (!avail.ok) throw new SandboxError(`the minikube provider is not available: ${avail.reason}`);
    if (existsSync(this.folders.dir(spec.name)) || (await this.list()).some((l) => l.name === spec.name)) {
      throw new SandboxError(`a lab named ${spec.name} already exists`, `Delete it first: kubelab lab delete ${spec.name} --provider minikube`);
    }
    const dir = this.folders.make(spec.name);
    const admin = this.adminPath(spec.name);
    try {
      step(1);
      const start = await this.mk(
        spec.name,
        startArgs(spec.name, spec.workers, { driver: this.engine, kubernetesVersion: this.opts.kubernetesVersion, cpus: this.opts.cpus, memory: this.opts.memory }),
        20 * 60_000,
      );
      if (start.code !== 0) throw new SandboxError(`minikube could not start profile ${profileName(spec.name)}: ${lastLines(start.stderr + start.stdout)}`);

      step(2);
      for (const args of nodeSetupArgs(spec.name, spec.workers)) await kubectl(admin, args);

      step(3);
      const { server } = await clusterOf(readFileSync(admin, 'utf8'));
      const ca = { crt: await this.readNodeFile(spec.name, caPaths.crt), key: await this.readNodeFile(spec.name, caPaths.key) };
      const pki = tempPki(dir, ca);
      const users = labUsers(spec.name);
      let ids: { learner: string; grader: string };
      try {
        ids = await writeCertIdentities({ dir, pkiDir: pki.pkiDir, cluster: profileName(spec.name), server, caPem: ca.crt, users });
      } finally {
        pki.dispose();
      }
      // kubeadm runs kube-controller-manager with --use-service-account-credentials.
      await applyIdentityRbac(admin, users, { controlPlaneUsesServiceAccounts: true });

      step(4);
      await waitNodesReady(admin);
      const workers = await labelledWorkers(admin);
      if (workers.length !== spec.workers) throw new SandboxError(`expected ${spec.workers} worker nodes labelled kubelab.io/worker, found ${workers.length}`);
      const lab: Lab = {
        name: spec.name,
        provider: 'minikube',
        kubeconfigs: { admin, learner: ids.learner, grader: ids.grader },
        workers,
        namespace: 'default',
        server,
        variables: { ...labVariables(spec.name, workers, 'default'), controlPlane: nodeNames(spec.name, spec.workers).controlPlane },
        unsupported: {},
      };
      this.folders.save(lab);
      progress({ step: 'ready', done: creationSteps.length, total: creationSteps.length });
      return lab;
    } catch (err) {
      await this.delete({ name: spec.name, provider: 'minikube' }).catch(() => {});
      if (err instanceof SandboxError) throw err;
      throw new SandboxError(`creating lab ${spec.name} failed: ${(err as Error).message}`);
    }
  }

  /** A file of the control-plane node, through `minikube ssh` (whose output may end lines with CR LF). */
  private async readNodeFile(lab: string, path: string): Promise<string> {
    const r = await this.mk(lab, sshArgs(lab, ['sudo', 'cat', path]), 60_000);
    const text = r.stdout.replace(/\r\n/g, '\n');
    if (r.code !== 0 || !/-----BEGIN/.test(text)) throw new SandboxError(`cannot read ${path} from ${profileName(lab)}: ${lastLines(r.stderr + r.stdout)}`);
    return text.slice(text.indexOf('-----BEGIN'));
  }

  async open(ref: LabRef): Promise<Lab> {
    return this.folders.load(ref.name);
  }

  async delete(ref: LabRef): Promise<void> {
    if (this.minikube()) {
      const r = await this.mk(ref.name, deleteArgs(ref.name), 5 * 60_000);
      if (r.code !== 0 && (await this.list().catch(() => [])).some((l) => l.name === ref.name)) {
        throw new SandboxError(`minikube could not delete profile ${profileName(ref.name)}: ${lastLines(r.stderr + r.stdout)}`);
      }
    }
    this.folders.remove(ref.name);
  }

  async list(): Promise<LabRef[]> {
    const minikube = this.minikube();
    if (!minikube) return [];
    const r = await run(minikube, listArgs, { env: minikubeEnv(process.env, join(this.opts.workDir, 'list.kubeconfig')), timeoutMs: 60_000 });
    return parseProfiles(r.stdout).map((name) => ({ name, provider: 'minikube' as const }));
  }

  async setComponent(ref: LabRef, component: ControlPlaneComponent, running: boolean): Promise<void> {
    const lab = await this.open(ref);
    const { list, move } = componentMoveArgs(ref.name, component, running);
    const listing = await this.mk(ref.name, list, 60_000);
    if (listing.code !== 0) throw new SandboxError(`cannot look at the manifests of ${profileName(ref.name)}: ${lastLines(listing.stderr)}`);
    if (needsMove(listing.stdout, component, running)) {
      const r = await this.mk(ref.name, move, 60_000);
      if (r.code !== 0) throw new SandboxError(`cannot ${running ? 'start' : 'stop'} ${component} in lab ${ref.name}: ${lastLines(r.stderr + r.stdout)}`);
    }
    await waitComponent(lab.kubeconfigs.admin, component, lab.variables.controlPlane ?? profileName(ref.name), running);
  }
}
