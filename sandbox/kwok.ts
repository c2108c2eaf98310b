/**
 * The kwok provider (the embedded default, no Docker needed): each lab is a real control plane —
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler — run as local processes by
 * `kwokctl --runtime binary`, with worker nodes simulated by the kwok controller.
 *
 * Layout: <workDir>/clusters/<lab>/ is kwokctl's folder for the lab; kubelab adds kubelab/ inside
 * it with the three kubeconfigs and lab.json. Deleting that one folder removes every file of a lab.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { clusterOf } from './kubeconfig.js';
import { locateBinaries } from './binaries.js';
import { componentRunning, savedComponent, setComponentRunning, type KwokComponent } from './kwok/components.js';
import { defaultStorageClass, labKwokObjects, metricsServerManifests, resourceMetricsPathAnnotation } from './kwok/features.js';
import { graderUser, issueClientCert, learnerUser, writeKubeconfig } from './identities.js';
import { applyIdentityRbac, writeAdmissionGuard } from './lab-role.js';
import { freePorts, portTaken } from './kwok/ports.js';
import { processesMentioning, residentBytes, terminate } from './kwok/processes.js';
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
import { fileBytes, folderBytes, type LabUsage } from './usage.js';

export interface KwokProviderOptions {
  /** Folder that holds every kwok lab (KWOK_WORKDIR). */
  workDir: string;
  /** Cache folder with the cluster binaries (see binaries.ts). */
  cacheDir: string;
  /** Fixed API server port for the next lab (tests of "port already taken"); random when unset. */
  apiServerPort?: number;
  /** Resource metrics (kubectl top, HPAs) through metrics-server, one more process per lab; on unless false. */
  resourceMetrics?: boolean;
  /** Go runtime settings per component (labGoMemory); on unless false (the idle-cost benchmark compares). */
  goMemoryTuning?: boolean;
}

/**
 * The Go runtime's memory settings of each component of a lab. An idle lab's components hold far
 * more heap than they use (Go collects when the heap doubles, GOGC=100, and returns freed pages
 * lazily); a lower GOGC and a soft limit (GOMEMLIMIT, a little above what each uses when busy: the
 * collector works harder only near it, nothing fails past it) keep each lab's private memory
 * close to its live data. Measured in test/bench/results/idle-cost.md.
 */
export const labGoMemory: Record<string, { GOGC: string; GOMEMLIMIT: string }> = {
  etcd: { GOGC: '50', GOMEMLIMIT: '64MiB' },
  'kube-apiserver': { GOGC: '50', GOMEMLIMIT: '256MiB' },
  'kube-controller-manager': { GOGC: '50', GOMEMLIMIT: '64MiB' },
  'kube-scheduler': { GOGC: '50', GOMEMLIMIT: '48MiB' },
  'kwok-controller': { GOGC: '50', GOMEMLIMIT: '48MiB' },
  'metrics-server': { GOGC: '50', GOMEMLIMIT: '48MiB' },
};

/**
 * etcd limits of each lab: the database may hold `quotaMiB` (then etcd refuses writes with
 * "database space exceeded" until the lab is reset), and the write-ahead log at most about
 * snapshotCount entries of at most 1.5 MiB: together well under a GiB of disk per lab.
 */
export const labEtcdLimits = { quotaMiB: 256, snapshotCount: 200 };

/** Components a lesson may stop, so a parked lab remembers them. */
const parkableComponents: KwokComponent[] = ['kube-scheduler', 'kube-controller-manager'];

const creationSteps = ['binaries', 'control plane', 'identities', 'worker nodes', 'nodes ready'] as const;

export class KwokProvider implements ClusterProvider {
  readonly name = 'kwok' as const;

  constructor(private readonly opts: KwokProviderOptions) {}

  async available(): Promise<Availability> {
    try {
      locateBinaries(this.opts.cacheDir);
    } catch (err) {
      return { ok: false, reason: `${(err as SandboxError).message}. ${(err as SandboxError).hint ?? ''}`.trim() };
    }
    const openssl = await run('openssl', ['version'], { timeoutMs: 10_000 }).catch(() => undefined);
    if (!openssl || openssl.code !== 0) return { ok: false, reason: 'openssl is not installed (needed to issue lab credentials). Install it: apt-get install openssl' };
    return { ok: true };
  }

  clusterDir(name: string): string {
    return join(this.opts.workDir, 'clusters', name);
  }

  private labFile(name: string): string {
    return join(this.clusterDir(name), 'kubelab', 'lab.json');
  }

  async create(spec: LabSpec, progress: OnCreationStep = () => {}): Promise<Lab> {
    validateLabSpec(spec);
    const step = (i: number) => progress({ step: creationSteps[i]!, done: i, total: creationSteps.length });
    // Everything that can be checked before starting anything is checked first: bad input
    // fails fast, with nothing to clean up.
    const bins = locateBinaries(this.opts.cacheDir);
    const avail = await this.available();
    if (!avail.ok) throw new SandboxError(avail.reason ?? 'the kwok provider is not available');
    if (existsSync(this.clusterDir(spec.name))) {
      throw new SandboxError(`a lab named ${spec.name} already exists`, `Delete it first: kubelab lab delete ${spec.name}`);
    }
    if (this.opts.apiServerPort !== undefined && (await portTaken(this.opts.apiServerPort))) {
      throw new SandboxError(`port ${this.opts.apiServerPort} on 127.0.0.1 is already taken`, 'Choose another --api-port, or leave it out to pick a free one.');
    }
    step(0);

    try {
      step(1);
      await this.startControlPlane(spec.name, bins);
      step(2);
      const lab = await this.writeIdentities(spec);
      step(3);
      // The learner's role is generated from what the API server serves: the metrics API must be there first.
      if (this.opts.resourceMetrics !== false) await this.metricsAvailable(spec.name, lab.kubeconfigs.admin);
      // kwok's controllers run on the admin credential, never as kube-system ServiceAccounts.
      await applyIdentityRbac(lab.kubeconfigs.admin, { learner: learnerUser, grader: graderUser }, { controlPlaneUsesServiceAccounts: false });
      await kubectl(lab.kubeconfigs.admin, ['apply', '-f', '-'], { input: [defaultStorageClass, workerNodes(lab.workers)].join('\n---\n') });
      step(4);
      await kubectl(lab.kubeconfigs.admin, ['wait', '--for=condition=Ready', 'node', '--all', '--timeout=90s'], { timeoutMs: 100_000 });
      // Pods cannot be created in a namespace before the controller-manager has made its default
      // ServiceAccount ("serviceaccount default not found"): a lab is ready only once it exists.
      await kubectl(lab.kubeconfigs.admin, ['wait', '--for=create', '-n', 'default', 'serviceaccount/default', '--timeout=90s'], { timeoutMs: 100_000 });
      // The lab as it starts, for reset in place (restore).
      await this.kwokctl(['snapshot', 'save', '--name', spec.name, '--path', this.baselineFile(spec.name), '--format', 'etcd'], 60_000);
      writeFileSync(this.labFile(spec.name), JSON.stringify(lab, null, 2), { mode: 0o600 });
      progress({ step: 'ready', done: creationSteps.length, total: creationSteps.length });
      return lab;
    } catch (err) {
      // Nothing half-created is left behind: whatever started is stopped and removed.
      await this.delete({ name: spec.name, provider: 'kwok' }).catch(() => {});
      if (err instanceof SandboxError) throw err;
      throw new SandboxError(`creating lab ${spec.name} failed: ${(err as Error).message}`, `The kwokctl logs were in ${this.clusterDir(spec.name)}/logs (now removed); run with KUBELAB_DEBUG=1 for more.`);
    }
  }

  /**
   * Waits until the metrics API answers. metrics-server exits when the API server is slow to answer
   * it at start (a loaded machine), and kwokctl does not restart it: then it is started again.
   */
  private async metricsAvailable(name: string, adminKubeconfig: string): Promise<void> {
    const dir = this.clusterDir(name);
    for (let attempt = 1; ; attempt++) {
      await setComponentRunning(dir, 'metrics-server', true); // only if it is not running
      try {
        await kubectl(adminKubeconfig, ['wait', '--for=condition=Available', 'apiservice/v1beta1.metrics.k8s.io', '--timeout=30s'], { timeoutMs: 40_000 });
        return;
      } catch (err) {
        if (attempt === 3) throw new SandboxError(`the metrics API of ${name} did not become available: ${(err as Error).message.trim().split('\n').pop()}`);
      }
    }
  }

  private async startControlPlane(name: string, bins: ReturnType<typeof locateBinaries>): Promise<void> {
    mkdirSync(this.opts.workDir, { recursive: true, mode: 0o700 });
    const [apiPort, etcdPort, etcdPeerPort, kcmPort, schedPort, kwokPort, metricsPort] = await freePorts(7);
    const configPath = this.configPath(name);
    writeFileSync(
      configPath,
      [stringify({
        apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
        kind: 'KwokctlConfiguration',
        options: {
          // Every listener of the lab on loopback only; explicit ports so parallel creations never clash.
          bindAddress: '127.0.0.1',
          kubeApiserverPort: this.opts.apiServerPort ?? apiPort,
          etcdPort,
          etcdPeerPort,
          kubeControllerManagerPort: kcmPort,
          kubeSchedulerPort: schedPort,
          kwokControllerPort: kwokPort,
          // A lab holds a few MiB; the quota stops a learner from filling the host's disk through the API.
          etcdQuotaBackendSize: `${labEtcdLimits.quotaMiB}Mi`,
          // kwokctl would download these for `kwokctl snapshot` (etcdctl saves, etcdutl restores); the lab's own build is used.
          etcdctlBinary: bins.etcdctl,
          etcdutlBinary: bins.etcdutl,
          ...(this.opts.resourceMetrics === false
            ? {}
            : {
                // Resource metrics (kubectl top, HPA): metrics-server as one more process, scraping the kwok controller.
                enable: ['metrics-server'],
                metricsServerBinary: bins['metrics-server'],
                metricsServerPort: metricsPort,
                metricsServerManifests: [metricsServerManifests],
                // kwokctl caches what it builds from a manifest by its path; in the lab's folder it is never stale.
                cacheDir: join(this.clusterDir(name), 'cache'),
              }),
        },
        componentsPatches: mergePatches([
          ...(this.opts.goMemoryTuning === false
            ? []
            : Object.entries(labGoMemory).map(([name, env]) => ({ name, extraEnvs: Object.entries(env).map(([n, value]) => ({ name: n, value })) }))),
          {
            name: 'kube-apiserver',
            // Static admission policies the lab cannot remove (lab-role.ts).
            extraArgs: [{ key: 'admission-control-config-file', value: writeAdmissionGuard(join(this.opts.workDir, 'admission')) }],
          },
          {
            name: 'etcd',
            // The write-ahead log keeps every entry since the last snapshot: snapshot often, keep few files.
            extraArgs: [
              { key: 'snapshot-count', value: String(labEtcdLimits.snapshotCount) },
              { key: 'max-wals', value: '2' },
              { key: 'max-snapshots', value: '2' },
            ],
          },
        ]),
      }), labKwokObjects()].join('\n---\n'),
    );
    try {
      const r = await run(
        bins.kwokctl,
        [
          'create', 'cluster', '--name', name, '--runtime', 'binary', '--config', configPath, '--kubeconfig', '',
          '--etcd-binary', bins.etcd, '--kube-apiserver-binary', bins['kube-apiserver'],
          '--kube-controller-manager-binary', bins['kube-controller-manager'], '--kube-scheduler-binary', bins['kube-scheduler'],
          '--kwok-controller-binary', bins.kwok, '--wait', '120s', '--timeout', '180s',
        ],
        { env: { ...process.env, KWOK_WORKDIR: this.opts.workDir, KWOK_KUBECTL_BINARY: bins.kubectl, PATH: `${dirname(bins.kubectl)}:${process.env.PATH ?? ''}` }, timeoutMs: 240_000 },
      );
      if (r.code !== 0) {
        throw new SandboxError(`kwokctl could not start the control plane of ${name}: ${kwokctlError(r.stderr + r.stdout) ?? `exit ${r.code}`}`);
      }
    } finally {
      rmSync(configPath, { force: true });
    }
  }

  private async writeIdentities(spec: LabSpec): Promise<Lab> {
    const dir = this.clusterDir(spec.name);
    const own = join(dir, 'kubelab');
    mkdirSync(own, { recursive: true, mode: 0o700 });
    const adminKubeconfig = join(dir, 'kubeconfig.yaml');
    const { server } = await clusterOf(readFileSync(adminKubeconfig, 'utf8'));
    const pki = join(dir, 'pki');
    const caPem = readFileSync(join(pki, 'ca.crt'), 'utf8');
    const admin = join(own, 'admin.kubeconfig');
    writeFileSync(admin, readFileSync(adminKubeconfig), { mode: 0o600 });
    const make = async (user: string, group: string, file: string) => {
      const { cert, key } = await issueClientCert(pki, user, group, own);
      writeKubeconfig(join(own, file), { cluster: `kubelab-${spec.name}`, server, caPem, user, certPem: cert, keyPem: key });
      for (const ext of ['key', 'csr', 'crt']) rmSync(join(own, `${user.replace(/[^a-z0-9-]/gi, '-')}.${ext}`), { force: true });
      return join(own, file);
    };
    const learner = await make(learnerUser, 'kubelab:learners', 'learner.kubeconfig');
    const grader = await make(graderUser, 'kubelab:graders', 'grader.kubeconfig');
    const workers = Array.from({ length: spec.workers }, (_, i) => `kwok-worker-${i + 1}`);
    return {
      name: spec.name,
      provider: 'kwok',
      kubeconfigs: { admin, learner, grader },
      workers,
      namespace: 'default',
      server,
      variables: labVariables(spec.name, workers, 'default'),
      unsupported: { containers: 'kwok simulates nodes: pods are scheduled and become Ready, but no container runs (no logs, exec or DNS).' },
    };
  }

  async open(ref: LabRef): Promise<Lab> {
    const file = this.labFile(ref.name);
    if (!existsSync(file)) throw new SandboxError(`no kwok lab named ${ref.name}`, 'See `kubelab lab list` for the labs there are.');
    return JSON.parse(readFileSync(file, 'utf8')) as Lab;
  }

  /** kwokctl's config file for a creation: outside the lab folder, named in the argv of `kwokctl create`. */
  private configPath(name: string): string {
    return join(this.opts.workDir, `${name}.kwokctl.yaml`);
  }

  async delete(ref: LabRef): Promise<void> {
    // A creation cut short (the server was killed) may leave `kwokctl create` running, about to start
    // components: stop it first, by the config file its argv names.
    const creators = processesMentioning(this.configPath(ref.name));
    if (creators.length > 0) await terminate(creators);
    rmSync(this.configPath(ref.name), { force: true });
    const dir = this.clusterDir(ref.name);
    if (!existsSync(dir)) return;
    const bins = (() => {
      try {
        return locateBinaries(this.opts.cacheDir);
      } catch {
        return undefined;
      }
    })();
    if (bins) {
      await run(bins.kwokctl, ['delete', 'cluster', '--name', ref.name, '--kubeconfig', ''], {
        env: { ...process.env, KWOK_WORKDIR: this.opts.workDir },
        timeoutMs: 60_000,
      }).catch(() => undefined);
    }
    // Whatever kwokctl did not stop (a crash, a component we restarted) is found by its argv, which always
    // names a file in the lab's folder. Pid files alone are not trusted: a stale one may name a reused pid.
    for (let round = 0; round < 3; round++) {
      const leftovers = processesMentioning(dir + '/');
      if (leftovers.length === 0) break;
      await terminate(leftovers);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  async list(): Promise<LabRef[]> {
    const root = join(this.opts.workDir, 'clusters');
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => ({ name: d.name, provider: 'kwok' as const }));
  }

  async setComponent(ref: LabRef, component: ControlPlaneComponent, running: boolean): Promise<void> {
    const dir = this.clusterDir(ref.name);
    if (!existsSync(dir)) throw new SandboxError(`no kwok lab named ${ref.name}`);
    await setComponentRunning(dir, component, running);
  }

  componentRunning(ref: LabRef, component: ControlPlaneComponent): boolean {
    return componentRunning(this.clusterDir(ref.name), component);
  }

  /** Pids of every process of a lab (for memory measurement and leak tests). */
  processes(ref: LabRef): number[] {
    return processesMentioning(this.clusterDir(ref.name) + '/');
  }

  residentBytes(ref: LabRef): number {
    return this.processes(ref).reduce((sum, pid) => sum + residentBytes(pid), 0);
  }

  private parkedFile(name: string): string {
    return join(this.clusterDir(name), 'kubelab', 'parked.json');
  }

  /**
   * Parks a lab: every process stops (no memory, no CPU), etcd's data stays on disk. What a lesson
   * had stopped (the scheduler, the controller manager) is remembered, so wake() brings the lab back
   * exactly as it was.
   */
  async park(ref: LabRef): Promise<void> {
    const dir = this.clusterDir(ref.name);
    if (!existsSync(dir)) throw new SandboxError(`no kwok lab named ${ref.name}`);
    if (this.isParked(ref)) return;
    const stopped = parkableComponents.filter((c) => !componentRunning(dir, c));
    writeFileSync(this.parkedFile(ref.name), JSON.stringify({ stopped, at: new Date().toISOString() }), { mode: 0o600 });
    await this.stopAll(ref.name);
  }

  /** Stops every process of a lab: kwokctl stops what its pid files name; anything else of the lab's (a component restarted by hand) goes too. */
  private async stopAll(name: string): Promise<void> {
    await this.kwokctl(['stop', 'cluster', '--name', name], 60_000);
    const left = processesMentioning(this.clusterDir(name) + '/');
    if (left.length) await terminate(left);
  }

  /** Starts every process of a stopped lab but those named, takes over the leases and waits until the nodes are Ready. */
  private async startAll(ref: LabRef, keepStopped: KwokComponent[] = []): Promise<void> {
    await this.kwokctl(['start', 'cluster', '--name', ref.name], 120_000);
    for (const c of keepStopped) await setComponentRunning(this.clusterDir(ref.name), c, false);
    const lab = await this.open(ref);
    await this.takeOverLeases(lab);
    await kubectl(lab.kubeconfigs.admin, ['wait', '--for=condition=Ready', 'node', '--all', '--timeout=60s'], { timeoutMs: 70_000 });
  }

  /** Starts a parked lab again and waits until its API server is ready; components stopped before parking stay stopped. */
  async wake(ref: LabRef): Promise<void> {
    const file = this.parkedFile(ref.name);
    if (!existsSync(file)) return;
    const { stopped = [] } = JSON.parse(readFileSync(file, 'utf8')) as { stopped?: KwokComponent[] };
    await this.startAll(ref, stopped);
    rmSync(file, { force: true });
  }

  private baselineFile(name: string): string {
    return join(this.clusterDir(name), 'kubelab', 'baseline.db');
  }

  canRestore(ref: LabRef): boolean {
    return existsSync(this.baselineFile(ref.name));
  }

  /**
   * Restores the etcd snapshot taken at creation: every process stops (as when parked), etcd's data
   * is replaced by the snapshot, and the whole lab starts again, so no component keeps a picture of
   * what was there before. The restored revision is bumped past the old one and marked compacted:
   * a watch that survives (live feedback, the cluster map) is told to list again, instead of being
   * answered from a history that went backwards. The old data is kept until the new data is in
   * place, so a restore that fails before then leaves the lab as it was, stopped.
   */
  async restore(ref: LabRef): Promise<void> {
    const dir = this.clusterDir(ref.name);
    const baseline = this.baselineFile(ref.name);
    if (!existsSync(baseline)) throw new SandboxError(`lab ${ref.name} has no snapshot to restore`, 'Labs created before this version have none: delete the lab and create a new one.');
    const bins = locateBinaries(this.opts.cacheDir);
    const etcd = savedComponent(dir, 'etcd');
    const flag = (name: string) => {
      const args = etcd.args ?? [];
      const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
      if (i < 0) return undefined;
      return args[i]!.includes('=') ? args[i]!.slice(args[i]!.indexOf('=') + 1) : args[i + 1];
    };
    const dataDir = flag('data-dir');
    if (!dataDir) throw new SandboxError(`cannot find the etcd data folder of lab ${ref.name} in its kwok.yaml`);
    const data = resolve(etcd.workDir ?? dir, dataDir);
    const fresh = `${data}.restoring`;
    const old = `${data}.before-restore`;
    rmSync(fresh, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });

    await this.stopAll(ref.name);
    const member = ['name', 'initial-cluster', 'initial-cluster-token', 'initial-advertise-peer-urls'].flatMap((f) => {
      const v = flag(f);
      return v === undefined ? [] : [`--${f}`, v];
    });
    const r = await run(bins.etcdutl, ['snapshot', 'restore', baseline, '--data-dir', fresh, ...member, '--bump-revision', '1000000000', '--mark-compacted'], { timeoutMs: 60_000 });
    if (r.code !== 0) {
      rmSync(fresh, { recursive: true, force: true });
      throw new SandboxError(`etcdutl could not restore the snapshot of ${ref.name}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    }
    renameSync(data, old);
    renameSync(fresh, data);
    rmSync(old, { recursive: true, force: true });
    // Whatever the learner had stopped runs again: the lab is as it was created.
    rmSync(this.parkedFile(ref.name), { force: true });
    await this.startAll(ref);
  }

  /**
   * The kwok controller, the controller manager and the scheduler take a new identity at every
   * start, and each acts only while it holds its lease (the kwok controller one per node). A lease
   * that names the process of before (restored from the snapshot, or kept while parked) holds until
   * it expires (200 s for the nodes, 15 s for the other two), and until then no Pod starts, or none
   * is made or scheduled. So after a start the running ones are stopped, their leases deleted, and
   * they are started again: they take new leases at once, as at the lab's creation.
   */
  private async takeOverLeases(lab: Lab): Promise<void> {
    const dir = this.clusterDir(lab.name);
    const leases: Record<'kwok-controller' | ControlPlaneComponent, string[]> = {
      'kwok-controller': lab.workers.map((w) => `kube-node-lease/${w}`),
      'kube-controller-manager': ['kube-system/kube-controller-manager'],
      'kube-scheduler': ['kube-system/kube-scheduler'],
    };
    const running = (Object.keys(leases) as (keyof typeof leases)[]).filter((c) => componentRunning(dir, c));
    await Promise.all(running.map((c) => setComponentRunning(dir, c, false)));
    for (const ns of ['kube-node-lease', 'kube-system']) {
      const names = running.flatMap((c) => leases[c]).filter((l) => l.startsWith(`${ns}/`)).map((l) => l.slice(ns.length + 1));
      if (names.length) await kubectl(lab.kubeconfigs.admin, ['delete', 'leases', '-n', ns, ...names, '--ignore-not-found']);
    }
    await Promise.all(running.map((c) => setComponentRunning(dir, c, true)));
  }

  /** Whether the lab is parked (its processes stopped by park()). */
  isParked(ref: LabRef): boolean {
    return existsSync(this.parkedFile(ref.name));
  }

  private async kwokctl(args: string[], timeoutMs: number): Promise<void> {
    const bins = locateBinaries(this.opts.cacheDir);
    const r = await run(bins.kwokctl, args, { env: { ...process.env, KWOK_WORKDIR: this.opts.workDir, KWOK_KUBECTL_BINARY: bins.kubectl }, timeoutMs });
    if (r.code !== 0) throw new SandboxError(`kwokctl ${args.slice(0, 2).join(' ')} failed for ${args[args.length - 1]}: ${kwokctlError(r.stderr + r.stdout) ?? `exit ${r.code}`}`);
  }

  /** Memory of the lab's processes, its folder on disk (etcd's data and the logs), etcd's database against its quota. */
  async usage(ref: LabRef): Promise<LabUsage> {
    const dir = this.clusterDir(ref.name);
    if (!existsSync(dir)) throw new SandboxError(`no kwok lab named ${ref.name}`);
    return {
      memoryBytes: this.residentBytes(ref),
      diskBytes: folderBytes(dir),
      etcd: { bytes: fileBytes(join(dir, 'etcd', 'member', 'snap', 'db')), quotaBytes: labEtcdLimits.quotaMiB * 2 ** 20 },
    };
  }
}

interface ComponentPatch {
  name: string;
  extraArgs?: { key: string; value: string }[];
  extraEnvs?: { name: string; value: string }[];
}

/** One patch per component (kwokctl applies the first it finds for a name), the lists of all joined. */
function mergePatches(patches: ComponentPatch[]): ComponentPatch[] {
  const byName = new Map<string, ComponentPatch>();
  for (const p of patches) {
    const m = byName.get(p.name) ?? { name: p.name };
    if (p.extraArgs) m.extraArgs = [...(m.extraArgs ?? []), ...p.extraArgs];
    if (p.extraEnvs) m.extraEnvs = [...(m.extraEnvs ?? []), ...p.extraEnvs];
    byName.set(p.name, m);
  }
  return [...byName.values()];
}

/** The error kwokctl reports, from its JSON log lines (their `err`) or plain ones naming an error. */
export function kwokctlError(output: string): string | undefined {
  const errors = output.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; err?: string };
      return entry.level === 'ERROR' ? [entry.err ?? entry.msg ?? ''] : [];
    } catch {
      return /error|fail/i.test(line) ? [line.trim()] : [];
    }
  });
  return errors.filter(Boolean).pop();
}

export function labVariables(name: string, workers: string[], namespace: string): Record<string, string> {
  const vars: Record<string, string> = { lab: name, namespace };
  workers.forEach((w, i) => (vars[`worker${i + 1}`] = w));
  return vars;
}

/** Worker Node objects the kwok controller keeps alive (it manages nodes annotated kwok.x-k8s.io/node=fake). */
function workerNodes(names: string[]): string {
  return names
    .map(
      (name, i) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
    ${resourceMetricsPathAnnotation(name)}
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: ${name}
    node-role.kubernetes.io/worker: ""
    type: kwok
    kubelab.io/worker: "${i + 1}"
status:
  allocatable: { cpu: "4", memory: 8Gi, pods: "110", ephemeral-storage: 50Gi }
  capacity: { cpu: "4", memory: 8Gi, pods: "110", ephemeral-storage: 50Gi }
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: kwok
    containerRuntimeVersion: kwok
`,
    )
    .join('---\n');
}
