/**
 * The kwok provider (the embedded default, no Docker needed): each lab is a real control plane —
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler — run as local processes by
 * `kwokctl --runtime binary`, with worker nodes simulated by the kwok controller.
 *
 * Layout: <workDir>/clusters/<lab>/ is kwokctl's folder for the lab; kubelab adds kubelab/ inside
 * it with the three kubeconfigs and lab.json. Deleting that one folder removes every file of a lab.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { locateBinaries } from './binaries.js';
import { componentRunning, setComponentRunning } from './kwok/components.js';
import { graderUser, identityRbac, issueClientCert, learnerUser, writeKubeconfig } from './identities.js';
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
  type Progress,
} from './provider.js';
import { kubectl, run } from './run.js';

export interface KwokProviderOptions {
  /** Folder that holds every kwok lab (KWOK_WORKDIR). */
  workDir: string;
  /** Cache folder with the cluster binaries (see binaries.ts). */
  cacheDir: string;
  /** Fixed API server port for the next lab (tests of "port already taken"); random when unset. */
  apiServerPort?: number;
}

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

  async create(spec: LabSpec, progress: Progress = () => {}): Promise<Lab> {
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
      await kubectl(lab.kubeconfigs.admin, ['apply', '-f', '-'], { input: identityRbac + '\n---\n' + workerNodes(lab.workers) });
      step(4);
      await kubectl(lab.kubeconfigs.admin, ['wait', '--for=condition=Ready', 'node', '--all', '--timeout=90s'], { timeoutMs: 100_000 });
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

  private async startControlPlane(name: string, bins: ReturnType<typeof locateBinaries>): Promise<void> {
    mkdirSync(this.opts.workDir, { recursive: true, mode: 0o700 });
    const [apiPort, etcdPort, etcdPeerPort, kcmPort, schedPort, kwokPort] = await freePorts(6);
    const configPath = this.configPath(name);
    writeFileSync(
      configPath,
      stringify({
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
        },
      }),
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
        const lines = (r.stderr + r.stdout).split('\n').filter((l) => /error|fail/i.test(l));
        throw new SandboxError(`kwokctl could not start the control plane of ${name}: ${(lines.slice(-2).join(' ') || 'exit ' + r.code).trim()}`);
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
    const server = serverOf(readFileSync(adminKubeconfig, 'utf8'));
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
}

function serverOf(kubeconfigYaml: string): string {
  const m = /server:\s*(\S+)/.exec(kubeconfigYaml);
  if (!m) throw new SandboxError('kwokctl wrote a kubeconfig without a server');
  return m[1]!;
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
