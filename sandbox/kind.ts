/**
 * The kind provider: each lab is a kind cluster of its own (`kubelab-<lab>`): one control-plane node
 * and the requested workers, each a container of Docker (or Podman, KIND_EXPERIMENTAL_PROVIDER=podman),
 * running real containers.
 *
 * Credentials: admin is the kubeconfig kind writes; learner and grader are client certificates signed
 * with the cluster's own CA, read from the control-plane node (each kind cluster has a CA of its own,
 * so one lab's credentials are worthless at another's API server). The CA key is not kept on the host.
 *
 * The learner's shell has kubectl only (never the container engine: access to it is root on the
 * host). For architecture lessons, the control-plane node is visible with
 *   kubectl debug node/{{controlPlane}} -it --profile=sysadmin --image=busybox:1.36 -- chroot /host sh
 * e.g. `ls /etc/kubernetes/manifests`, `crictl ps`. (README, "Other providers".)
 *
 * Layout on the host: <workDir>/<lab>/ with kind.yaml, admin/learner/grader kubeconfigs and lab.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterOf, labelledWorkers, waitComponent, waitNodesReady } from './cluster.js';
import { containerClusterAvailability, containerEngine, findExecutable, installHints, lastLines, type ContainerEngine } from './host.js';
import { identityRbac, writeCertIdentities } from './identities.js';
import { caPaths, clusterName, componentMoveArgs, controlPlaneNode, createArgs, deleteArgs, kindConfig, kindEnv, listArgs, parseClusters, readNodeFileArgs } from './kind/commands.js';
import { labVariables } from './kwok.js';
import { LabFolders, tempPki } from './labdir.js';
import {
  SandboxError,
  validateLabSpec,
  type Availability,
  type ClusterProvider,
  type ControlPlaneComponent,
  type Lab,
  type LabRef,
  type LabSpec,
  type Progress,
} from './provider.js';
import { kubectl, run } from './run.js';

export interface KindProviderOptions {
  /** Folder with one subfolder per lab (kubeconfigs, lab.json). */
  workDir: string;
  /** kind node image (kindest/node:vX.Y.Z); kind's default when unset. */
  nodeImage?: string;
  /** The kind executable; found on PATH when unset. */
  kindBinary?: string;
  /** Docker or Podman; chosen from the environment when unset. */
  engine?: ContainerEngine;
}

const creationSteps = ['prerequisites', 'node containers', 'identities', 'nodes ready'] as const;

export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  private readonly folders: LabFolders;

  constructor(private readonly opts: KindProviderOptions) {
    this.folders = new LabFolders(opts.workDir, 'kind');
  }

  private kind(): string | undefined {
    return this.opts.kindBinary ?? findExecutable('kind');
  }

  get engine(): ContainerEngine {
    return this.opts.engine ?? containerEngine();
  }

  private env(): NodeJS.ProcessEnv {
    return kindEnv(this.engine, process.env);
  }

  available(): Promise<Availability> {
    return containerClusterAvailability('kind', this.kind(), this.engine);
  }

  async create(spec: LabSpec, progress: Progress = () => {}): Promise<Lab> {
    validateLabSpec(spec);
    const step = (i: number) => progress({ step: creationSteps[i]!, done: i, total: creationSteps.length });
    step(0);
    const avail = await this.available();
    if (!avail.ok) throw new SandboxError(`the kind provider is not available: ${avail.reason}`);
    if (existsSync(this.folders.dir(spec.name)) || (await this.list()).some((l) => l.name === spec.name)) {
      throw new SandboxError(`a lab named ${spec.name} already exists`, `Delete it first: kubelab lab delete ${spec.name} --provider kind`);
    }
    const dir = this.folders.make(spec.name);
    const admin = join(dir, 'admin.kubeconfig');
    try {
      step(1);
      const configPath = join(dir, 'kind.yaml');
      writeFileSync(configPath, kindConfig(spec, { nodeImage: this.opts.nodeImage }));
      const r = await run(this.kind()!, createArgs(spec.name, configPath, admin), { env: this.env(), timeoutMs: 15 * 60_000 });
      if (r.code !== 0) throw new SandboxError(`kind could not create cluster ${clusterName(spec.name)}: ${lastLines(r.stderr + r.stdout)}`);

      step(2);
      const { server } = clusterOf(readFileSync(admin, 'utf8'));
      const ca = { crt: await this.readNodeFile(spec.name, caPaths.crt), key: await this.readNodeFile(spec.name, caPaths.key) };
      const pki = tempPki(dir, ca);
      let ids: { learner: string; grader: string };
      try {
        ids = await writeCertIdentities({ dir, pkiDir: pki.pkiDir, cluster: clusterName(spec.name), server, caPem: ca.crt });
      } finally {
        pki.dispose();
      }
      await kubectl(admin, ['apply', '-f', '-'], { input: identityRbac });

      step(3);
      await waitNodesReady(admin);
      const workers = await labelledWorkers(admin);
      if (workers.length !== spec.workers) throw new SandboxError(`expected ${spec.workers} worker nodes labelled kubelab.io/worker, found ${workers.length}`);
      const lab: Lab = {
        name: spec.name,
        provider: 'kind',
        kubeconfigs: { admin, learner: ids.learner, grader: ids.grader },
        workers,
        namespace: 'default',
        server,
        variables: { ...labVariables(spec.name, workers, 'default'), controlPlane: controlPlaneNode(spec.name) },
        unsupported: {},
      };
      this.folders.save(lab);
      progress({ step: 'ready', done: creationSteps.length, total: creationSteps.length });
      return lab;
    } catch (err) {
      // Nothing half-created is left behind.
      await this.delete({ name: spec.name, provider: 'kind' }).catch(() => {});
      if (err instanceof SandboxError) throw err;
      throw new SandboxError(`creating lab ${spec.name} failed: ${(err as Error).message}`);
    }
  }

  private async readNodeFile(lab: string, path: string): Promise<string> {
    const r = await run(this.engine, readNodeFileArgs(lab, path), { timeoutMs: 30_000 });
    if (r.code !== 0 || !r.stdout.trim()) throw new SandboxError(`cannot read ${path} from node ${controlPlaneNode(lab)}: ${lastLines(r.stderr)}`);
    return r.stdout;
  }

  async open(ref: LabRef): Promise<Lab> {
    return this.folders.load(ref.name);
  }

  async delete(ref: LabRef): Promise<void> {
    const kind = this.kind();
    if (kind) {
      const r = await run(kind, deleteArgs(ref.name, join(this.folders.dir(ref.name), 'admin.kubeconfig')), { env: this.env(), timeoutMs: 5 * 60_000 });
      if (r.code !== 0 && (await this.list().catch(() => [])).some((l) => l.name === ref.name)) {
        throw new SandboxError(`kind could not delete cluster ${clusterName(ref.name)}: ${lastLines(r.stderr + r.stdout)}`);
      }
    }
    this.folders.remove(ref.name);
  }

  async list(): Promise<LabRef[]> {
    const kind = this.kind();
    if (!kind) return [];
    const r = await run(kind, listArgs, { env: this.env(), timeoutMs: 60_000 });
    if (r.code !== 0) throw new SandboxError(`kind get clusters failed: ${lastLines(r.stderr)}`);
    return parseClusters(r.stdout).map((name) => ({ name, provider: 'kind' as const }));
  }

  async setComponent(ref: LabRef, component: ControlPlaneComponent, running: boolean): Promise<void> {
    const lab = await this.open(ref);
    const { check, move } = componentMoveArgs(ref.name, component, running);
    if ((await run(this.engine, check, { timeoutMs: 30_000 })).code === 0) {
      const r = await run(this.engine, move, { timeoutMs: 30_000 });
      if (r.code !== 0) throw new SandboxError(`cannot ${running ? 'start' : 'stop'} ${component} in lab ${ref.name}: ${lastLines(r.stderr)}`);
    }
    await waitComponent(lab.kubeconfigs.admin, component, controlPlaneNode(ref.name), running);
  }
}
