/**
 * The existing-cluster provider: an instructor's own Kubernetes cluster (config.existingKubeconfig)
 * holds many labs, each a namespace kubelab-<lab> with its own learner ServiceAccount, RBAC, quota,
 * limit range and network isolation (see existing/manifests.ts for every object and why).
 *
 * Credentials: admin is the instructor's kubeconfig (a flattened copy whose context defaults to the
 * lab namespace); learner and grader are ServiceAccount tokens from the TokenRequest API, valid for
 * `tokenHours` and renewed by open() when less than a day is left.
 *
 * What a namespace cannot give: cluster-scoped exercises (nodes, namespaces, cluster roles) and
 * stopping a control-plane component (the control plane is shared by every lab) — both are marked
 * in lab.unsupported with the reason.
 *
 * Labs of this server carry kubelab.io/instance=<id> (kept in <workDir>/instance), so two kubelab
 * servers sharing one cluster never list, adopt or delete each other's labs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelledWorkers } from './cluster.js';
import { clusterOf, tokenOf, withNamespace } from './kubeconfig.js';
import {
  defaultQuota,
  graderAccount,
  instanceLabel,
  labLabel,
  labManifests,
  labsFromNamespaces,
  learnerAccount,
  namespaceOf,
  noWorkersReason,
  sharedManifests,
  systemNamespace,
  tokenExpiry,
  toYaml,
  type LabQuota,
} from './existing/manifests.js';
import { writeTokenKubeconfig } from './identities.js';
import { labVariables } from './kwok.js';
import { LabFolders } from './labdir.js';
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
import { kubectl } from './run.js';

export interface ExistingProviderOptions {
  /** The instructor's kubeconfig: rights to create namespaces, RBAC and ServiceAccount tokens. */
  kubeconfig?: string;
  /** Folder with one subfolder per lab (kubeconfigs, lab.json) and the instance id. */
  workDir: string;
  /** This server's id on the cluster; kept in <workDir>/instance when unset. */
  instance?: string;
  quota?: Partial<LabQuota>;
  /** Lifetime of the learner and grader tokens. */
  tokenHours?: number;
}

const creationSteps = ['cluster access', 'namespace and rights', 'credentials', 'quota'] as const;

export const unsupportedOnExisting = {
  'cluster-scope': 'this lab is one namespace of a shared cluster: cluster-scoped objects (nodes, namespaces, cluster roles, other namespaces) are read-only or out of reach.',
  'set-component': "the control plane of this cluster is shared by every lab: one lab cannot stop kube-scheduler or kube-controller-manager.",
} as const;

export class ExistingProvider implements ClusterProvider {
  readonly name = 'existing' as const;
  private readonly folders: LabFolders;
  private instanceId?: string;

  constructor(private readonly opts: ExistingProviderOptions) {
    this.folders = new LabFolders(opts.workDir, 'existing');
  }

  /** This server's id on the shared cluster. */
  get instance(): string {
    if (this.opts.instance) return this.opts.instance;
    if (this.instanceId) return this.instanceId;
    const file = join(this.opts.workDir, 'instance');
    if (!existsSync(file)) {
      mkdirSync(this.opts.workDir, { recursive: true, mode: 0o700 });
      writeFileSync(file, `k${randomBytes(5).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    }
    this.instanceId = readFileSync(file, 'utf8').trim();
    return this.instanceId;
  }

  private adminKubeconfig(): string {
    const kc = this.opts.kubeconfig;
    if (!kc) throw new SandboxError('no kubeconfig of an existing cluster is configured', 'Set existingKubeconfig in the config file (or KUBELAB_EXISTING_KUBECONFIG) to the instructor kubeconfig of the cluster.');
    if (!existsSync(kc)) throw new SandboxError(`the existing cluster's kubeconfig ${kc} does not exist`, 'Check existingKubeconfig in the config.');
    return kc;
  }

  async available(): Promise<Availability> {
    let kc: string;
    try {
      kc = this.adminKubeconfig();
    } catch (err) {
      return { ok: false, reason: `${(err as SandboxError).message}. ${(err as SandboxError).hint ?? ''}`.trim() };
    }
    try {
      await kubectl(kc, ['get', '--raw', '/version'], { timeoutMs: 15_000 });
    } catch (err) {
      return { ok: false, reason: `the cluster of ${kc} does not answer: ${(err as Error).message}` };
    }
    const lacking: string[] = [];
    for (const [verb, resource] of [
      ['create', 'namespaces'],
      ['create', 'clusterrolebindings'],
      ['create', 'clusterroles'],
      ['create', 'serviceaccounts/token'],
    ] as const) {
      const answer = await kubectl(kc, ['auth', 'can-i', verb, resource, '--all-namespaces'], { timeoutMs: 15_000 }).catch((e: Error) => e.message);
      if (answer.trim() !== 'yes') lacking.push(`${verb} ${resource}`);
    }
    if (lacking.length) return { ok: false, reason: `the kubeconfig ${kc} may not ${lacking.join(', ')}; kubelab needs a cluster-admin credential of the cluster.` };
    return { ok: true };
  }

  async create(spec: LabSpec, progress: OnCreationStep = () => {}): Promise<Lab> {
    validateLabSpec(spec);
    const step = (i: number) => progress({ step: creationSteps[i]!, done: i, total: creationSteps.length });
    step(0);
    const instructor = this.adminKubeconfig();
    const ns = namespaceOf(spec.name);
    const taken = await kubectl(instructor, ['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']);
    if (taken.trim() || existsSync(this.folders.dir(spec.name))) {
      throw new SandboxError(`a lab named ${spec.name} already exists (namespace ${ns})`, `Delete it first: kubelab lab delete ${spec.name} --provider existing`);
    }
    const dir = this.folders.make(spec.name);
    try {
      // The admin kubeconfig: self-contained (certificates inline) and defaulting to the lab namespace.
      const admin = join(dir, 'admin.kubeconfig');
      const flat = await kubectl(instructor, ['config', 'view', '--raw', '--flatten', '--minify']);
      writeFileSync(admin, await withNamespace(flat, ns), { mode: 0o600 });

      step(1);
      await kubectl(admin, ['apply', '-f', '-'], { input: toYaml(sharedManifests()) });
      await kubectl(admin, ['apply', '-f', '-'], { input: toYaml(labManifests(spec.name, this.instance, { ...defaultQuota, ...this.opts.quota })) });

      step(2);
      const { server, caPem, insecure } = await clusterOf(flat);
      const kubeconfigs = await this.writeTokens(spec.name, dir, { server, caPem, insecure });

      step(3);
      await this.waitQuotaCounted(admin, ns);
      const workers = await labelledWorkers(admin);
      const unsupported: Lab['unsupported'] = { ...unsupportedOnExisting };
      if (workers.length === 0) unsupported.workers = noWorkersReason;
      else if (workers.length < spec.workers) unsupported.workers = `only ${workers.length} node(s) are labelled kubelab.io/worker; lessons assume ${spec.workers}.`;
      const lab: Lab = {
        name: spec.name,
        provider: 'existing',
        kubeconfigs: { admin, ...kubeconfigs },
        workers,
        namespace: ns,
        server,
        variables: labVariables(spec.name, workers, ns),
        unsupported,
      };
      this.folders.save(lab);
      progress({ step: 'ready', done: creationSteps.length, total: creationSteps.length });
      return lab;
    } catch (err) {
      await this.delete({ name: spec.name, provider: 'existing' }).catch(() => {});
      if (err instanceof SandboxError) throw err;
      throw new SandboxError(`creating lab ${spec.name} failed: ${(err as Error).message}`);
    }
  }

  /** Asks the TokenRequest API for the learner and grader tokens and writes their kubeconfigs. */
  private async writeTokens(lab: string, dir: string, cluster: { server: string; caPem?: string; insecure: boolean }): Promise<{ learner: string; grader: string }> {
    const admin = join(dir, 'admin.kubeconfig');
    const ns = namespaceOf(lab);
    const duration = `${this.opts.tokenHours ?? 168}h`;
    const token = async (account: string, namespace: string) =>
      (await kubectl(admin, ['create', 'token', account, '-n', namespace, `--duration=${duration}`])).trim();
    const learner = join(dir, 'learner.kubeconfig');
    const grader = join(dir, 'grader.kubeconfig');
    const base = { cluster: `kubelab-${lab}`, server: cluster.server, caPem: cluster.caPem, insecure: cluster.insecure, namespace: ns };
    writeTokenKubeconfig(learner, { ...base, user: `${ns}:${learnerAccount}`, token: await token(learnerAccount, ns) });
    writeTokenKubeconfig(grader, { ...base, user: `${systemNamespace}:${graderAccount(lab)}`, token: await token(graderAccount(lab), systemNamespace) });
    return { learner, grader };
  }

  /** The quota admission refuses every pod until the quota controller has counted the namespace once. */
  private async waitQuotaCounted(admin: string, ns: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const hard = await kubectl(admin, ['get', 'resourcequota', 'kubelab-quota', '-n', ns, '-o', 'jsonpath={.status.hard.pods}']).catch(() => '');
      if (hard.trim()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new SandboxError(`the resource quota of ${ns} was not counted within 60 s`, 'Is kube-controller-manager of the cluster running?');
  }

  async open(ref: LabRef): Promise<Lab> {
    const lab = this.folders.load(ref.name);
    const ns = namespaceOf(ref.name);
    if (!(await kubectl(lab.kubeconfigs.admin, ['get', 'namespace', ns, '--ignore-not-found', '-o', 'name'])).trim()) {
      throw new SandboxError(`the namespace ${ns} of lab ${ref.name} is gone from the cluster`);
    }
    const token = await tokenOf(readFileSync(lab.kubeconfigs.learner, 'utf8'));
    const expires = tokenExpiry(token);
    if (expires !== undefined && expires - Date.now() < 24 * 3600_000) {
      await this.writeTokens(ref.name, this.folders.dir(ref.name), { server: lab.server, ...(await caOf(lab.kubeconfigs.admin)) });
    }
    return lab;
  }

  async delete(ref: LabRef): Promise<void> {
    const admin = existsSync(join(this.folders.dir(ref.name), 'admin.kubeconfig')) ? join(this.folders.dir(ref.name), 'admin.kubeconfig') : this.adminKubeconfig();
    const selector = `${labLabel}=${ref.name}`;
    await kubectl(admin, ['delete', 'clusterrolebinding', '-l', selector, '--ignore-not-found']);
    await kubectl(admin, ['delete', 'serviceaccount', '-n', systemNamespace, '-l', selector, '--ignore-not-found']);
    // Waits until the namespace is gone (its finalizers have removed every object in it).
    await kubectl(admin, ['delete', 'namespace', namespaceOf(ref.name), '--ignore-not-found', '--timeout=180s'], { timeoutMs: 200_000 });
    this.folders.remove(ref.name);
  }

  async list(): Promise<LabRef[]> {
    const out = await kubectl(this.adminKubeconfig(), ['get', 'namespaces', '-l', `${labLabel},${instanceLabel}=${this.instance}`, '-o', 'json']);
    return labsFromNamespaces(JSON.parse(out) as Parameters<typeof labsFromNamespaces>[0]).map((name) => ({ name, provider: 'existing' as const }));
  }

  async setComponent(_ref: LabRef, component: ControlPlaneComponent): Promise<void> {
    throw new SandboxError(`cannot stop or start ${component} on the existing provider: ${unsupportedOnExisting['set-component']}`, 'Exercises that need it run on kwok, kind or minikube labs.');
  }
}

async function caOf(kubeconfig: string): Promise<{ caPem?: string; insecure: boolean }> {
  const { caPem, insecure } = await clusterOf(readFileSync(kubeconfig, 'utf8'));
  return { caPem, insecure };
}
