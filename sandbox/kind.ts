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
import { labelledWorkers, waitComponent, waitNodesReady } from './cluster.js';
import { clusterOf } from './kubeconfig.js';
import { containerClusterAvailability, containerEngine, findExecutable, lastLines, type ContainerEngine } from './host.js';
import { graderUser, learnerUser, writeCertIdentities } from './identities.js';
import { applyIdentityRbac } from './lab-role.js';
import { defaultCacheDir, pinnedVersions } from './binaries.js';
import { privilegedProblem } from './engine.js';
import { imageStatus, type ImageStatus } from './images.js';
import {
  caPaths,
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
  listArgs,
  loadArchiveArgs,
  networkRemoveArgs,
  nodeStateArgs,
  notRunning,
  parseClusters,
  readNodeFileArgs,
} from './kind/commands.js';
import { labVariables } from './kwok.js';
import { deployMetricsServer, metricsServerArchive } from './kind/metrics.js';
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
  type OnCreationStep,
} from './provider.js';
import { kubectl, run } from './run.js';

export interface KindProviderOptions {
  /** Folder with one subfolder per lab (kubeconfigs, lab.json). */
  workDir: string;
  /** The cache folder: kind, the node image and the workload stand-ins built by `kubelab images build`. */
  cacheDir?: string;
  /** A kind node image to use instead of kubelab's own build (e.g. kindest/node:vX.Y.Z, pulled online). */
  nodeImage?: string;
  /** The kind executable; the cached build, else found on PATH, when unset. */
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

  private status?: ImageStatus;

  /** What `kubelab images build` made for the current pins (read once; undefined without a cache folder). */
  private async built(): Promise<ImageStatus | undefined> {
    if (!this.opts.cacheDir) return undefined;
    this.status ??= await imageStatus(this.opts.cacheDir).catch(() => undefined);
    return this.status;
  }

  private async kind(): Promise<string | undefined> {
    if (this.opts.kindBinary) return this.opts.kindBinary;
    const built = await this.built();
    return built?.kindReady ? built.kind : findExecutable('kind');
  }

  /**
   * The node image and whether it is kubelab's own build (which needs its etcd tag named): the one
   * with the workload stand-ins preloaded when `kubelab images load` built it, else the plain one.
   */
  private async nodeImage(): Promise<{ image?: string; own: boolean }> {
    if (this.opts.nodeImage) return { image: this.opts.nodeImage, own: false };
    const built = await this.built();
    if (built?.offlineBuilt) return { image: built.offlineImage, own: true };
    return built?.nodeBuilt ? { image: built.nodeImage, own: true } : { own: false };
  }

  get engine(): ContainerEngine {
    return this.opts.engine ?? containerEngine();
  }

  private env(lab?: string): NodeJS.ProcessEnv {
    return kindEnv(this.engine, process.env, lab);
  }

  async available(): Promise<Availability> {
    const base = await containerClusterAvailability('kind', await this.kind(), this.engine);
    const missing = base.ok ? [] : [base.reason!];
    if (base.ok && this.engine === 'docker') {
      const problem = await privilegedProblem();
      if (problem) missing.push(`${problem}. Run \`kubelab setup --provider kind\` (it configures the runtime wrapper when it starts dockerd).`);
    }
    const node = await this.nodeImage();
    if (!node.image) {
      missing.push('the kind node image is not built. Run `kubelab images build` (offline, from Debian packages and Go modules; once per pinned version).');
    } else if (node.own && base.ok && (await run(this.engine, ['image', 'inspect', '--format', '{{.Id}}', node.image], { timeoutMs: 30_000 })).code !== 0) {
      missing.push(`the kind node image ${node.image} was built, but ${this.engine} no longer has it. Run \`kubelab images build\` again.`);
    }
    return missing.length ? { ok: false, reason: missing.join(' Also: ') } : { ok: true };
  }

  async create(spec: LabSpec, progress: OnCreationStep = () => {}): Promise<Lab> {
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
      const node = await this.nodeImage();
      writeFileSync(configPath, kindConfig(spec, { nodeImage: node.image, etcdTag: node.own ? etcdImageTag(pinnedVersions().etcd) : undefined, cgroupV1: hostCgroupV1() }));
      const r = await run((await this.kind())!, createArgs(spec.name, configPath, admin), { env: this.env(spec.name), timeoutMs: 15 * 60_000 });
      if (r.code !== 0) throw new SandboxError(`kind could not create cluster ${clusterName(spec.name)}: ${kindFailure(r.stderr + r.stdout)}`);

      step(2);
      const { server } = await clusterOf(readFileSync(admin, 'utf8'));
      const ca = { crt: await this.readNodeFile(spec.name, caPaths.crt), key: await this.readNodeFile(spec.name, caPaths.key) };
      const pki = tempPki(dir, ca);
      let ids: { learner: string; grader: string };
      try {
        ids = await writeCertIdentities({ dir, pkiDir: pki.pkiDir, cluster: clusterName(spec.name), server, caPem: ca.crt });
      } finally {
        pki.dispose();
      }
      // Resource metrics (kubectl top, HPAs) before the learner's role is made from discovery, and
      // before the platform's RBAC is marked (metrics-server's roles are the platform's).
      await this.loadArchive(spec.name, await metricsServerArchive(this.engine, this.opts.cacheDir ?? defaultCacheDir()));
      await deployMetricsServer(admin);
      // What kubeadm, kind, the pod network and metrics-server made (kubeadm:cluster-admins, the
      // admin's own access, among them) is the platform's: a lab reset removes only cluster RBAC a
      // learner added. (A metrics-server without its RBAC would also stall every namespace deletion:
      // the namespace controller must list every API group, the metrics API included.)
      await kubectl(admin, ['label', 'clusterroles,clusterrolebindings', '-l', '!kubernetes.io/bootstrapping', 'kubelab.io/managed=true', '--overwrite']);
      // kubeadm runs kube-controller-manager with --use-service-account-credentials.
      await applyIdentityRbac(admin, { learner: learnerUser, grader: graderUser }, { controlPlaneUsesServiceAccounts: true });

      step(3);
      // kind returns once every kubeadm join is done; a loaded host may register a node a little later.
      let workers = await labelledWorkers(admin);
      for (const until = Date.now() + 180_000; workers.length < spec.workers && Date.now() < until; workers = await labelledWorkers(admin)) {
        await new Promise((r) => setTimeout(r, 2000));
      }
      await waitNodesReady(admin);
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

  /** `kind load image-archive` into every node of a lab. */
  async loadArchive(lab: string, archive: string): Promise<void> {
    const r = await run((await this.kind())!, loadArchiveArgs(lab, archive), { env: this.env(lab), timeoutMs: 10 * 60_000 });
    if (r.code !== 0) throw new SandboxError(`cannot load ${archive} into lab ${lab}: ${lastLines(r.stderr + r.stdout)}`);
  }

  private async readNodeFile(lab: string, path: string): Promise<string> {
    const r = await run(this.engine, readNodeFileArgs(lab, path), { timeoutMs: 30_000 });
    if (r.code !== 0 || !r.stdout.trim()) throw new SandboxError(`cannot read ${path} from node ${controlPlaneNode(lab)}: ${lastLines(r.stderr)}`);
    return r.stdout;
  }

  /**
   * The lab, when its node containers are running. When they are not (the engine stopped, a node
   * was removed), the lab is lost: this says so at once instead of leaving callers to time out.
   */
  async open(ref: LabRef): Promise<Lab> {
    const lab = this.folders.load(ref.name);
    const r = await run(this.engine, nodeStateArgs(ref.name), { timeoutMs: 20_000 }).catch((err: Error) => ({ code: 1, stdout: '', stderr: err.message, timedOut: false }));
    const down = r.code !== 0 ? [`${this.engine}: ${lastLines(r.stderr || r.stdout, 1)}`] : notRunning(r.stdout, 1 + lab.workers.length);
    if (down.length) throw new SandboxError(`lab ${ref.name} is lost: ${down.join('; ')}`, `Delete it (kubelab lab delete ${ref.name} --provider kind) and create a new one; check that the ${this.engine} daemon runs.`);
    return lab;
  }

  async delete(ref: LabRef): Promise<void> {
    const kind = await this.kind();
    if (kind) {
      const r = await run(kind, deleteArgs(ref.name, join(this.folders.dir(ref.name), 'admin.kubeconfig')), { env: this.env(ref.name), timeoutMs: 5 * 60_000 });
      if (r.code !== 0 && (await this.list().catch(() => [])).some((l) => l.name === ref.name)) {
        throw new SandboxError(`kind could not delete cluster ${clusterName(ref.name)}: ${lastLines(r.stderr + r.stdout)}`);
      }
    }
    // kind leaves networks alone; the lab's own goes with it ("No such network" when already gone).
    const net = await run(this.engine, networkRemoveArgs(ref.name), { timeoutMs: 60_000 }).catch((err: Error) => ({ code: 1, stderr: err.message, stdout: '' }));
    if (net.code !== 0 && !/no such network|not found/i.test(net.stderr)) {
      throw new SandboxError(`cannot remove the network of lab ${ref.name}: ${lastLines(net.stderr)}`);
    }
    this.folders.remove(ref.name);
  }

  async list(): Promise<LabRef[]> {
    const kind = await this.kind();
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
