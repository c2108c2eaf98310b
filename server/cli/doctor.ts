/**
 * kubelab doctor: checks what each cluster provider and the learner shell need on this host, prints
 * what is missing and how to install it, and exits 0 when the configured provider is usable
 * (for `auto`: the provider auto would pick).
 */
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig, type Config } from '../config.js';
import { chooseProvider, providerFor } from '../labs/providers.js';
import {
  containerEngine,
  containerEngineAvailability,
  findExecutable,
  hostMissingCapabilities,
  imageStatus,
  installHints,
  privilegedProblem,
  readEngineState,
  wrapperRuntime,
  kubectlPath,
  locateBinaries,
  run,
  type ProviderKind,
} from '../../sandbox/index.js';

export interface Finding {
  name: string;
  ok: boolean;
  /** What was found (a version, a path) or what is wrong. */
  detail: string;
  /** How to fix it, when not ok. */
  fix?: string;
  /** Not needed by the configured provider: shown, but never makes doctor fail. */
  optional?: boolean;
}

export interface DoctorReport {
  configured: string;
  chosen: ProviderKind;
  reason: string;
  host: Finding[];
  providers: Record<ProviderKind, { ok: boolean; reason?: string }>;
  /** Usable: the chosen provider is available and, with the jail on, the shell prerequisites are there. */
  usable: boolean;
}

const providerKinds: ProviderKind[] = ['kwok', 'kind', 'minikube', 'existing'];

async function versionOf(file: string, args: string[]): Promise<string | undefined> {
  const r = await run(file, args, { timeoutMs: 15_000 }).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  return (r.stdout + r.stderr).trim().split('\n')[0]?.trim();
}

async function tool(name: string, args: string[], fix: string, optional = false): Promise<Finding> {
  const path = findExecutable(name);
  if (!path) return { name, ok: false, detail: 'not installed', fix, optional };
  return { name, ok: true, detail: (await versionOf(path, args)) ?? path, optional };
}

async function bubblewrap(): Promise<Finding> {
  const path = findExecutable('bwrap');
  if (!path) return { name: 'bubblewrap', ok: false, detail: 'not installed (learner shells run under it)', fix: 'apt-get install bubblewrap' };
  const r = await run(path, ['--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '/usr/bin/true'], { timeoutMs: 15_000 }).catch(
    (err: Error) => ({ code: 1, stderr: err.message, stdout: '', timedOut: false }),
  );
  if (r.code !== 0) {
    return { name: 'bubblewrap', ok: false, detail: `installed but cannot create namespaces: ${r.stderr.trim().split('\n').pop()}`, fix: 'Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or the AppArmor profile for bwrap), or run kubelab as root.' };
  }
  return { name: 'bubblewrap', ok: true, detail: (await versionOf(path, ['--version'])) ?? path };
}

/** What kind labs need beyond the engine: privileged containers, kind, the node image; and what setup did. */
async function kindFindings(config: Config, dockerUp: boolean, optional: boolean): Promise<Finding[]> {
  const found: Finding[] = [];
  const state = readEngineState(config.cacheDir);
  if (state?.dockerdPid) found.push({ name: 'dockerd', ok: true, detail: `started by kubelab setup (pid ${state.dockerdPid}, log: ${state.log})`, optional });
  const missing = hostMissingCapabilities();
  if (missing.length === 0) {
    found.push({ name: 'privileged', ok: true, detail: 'the capability bounding set is complete: privileged containers (kind nodes) run with plain runc', optional });
  } else {
    const problem = dockerUp ? await privilegedProblem(missing) : undefined;
    found.push(
      problem
        ? { name: 'privileged', ok: false, detail: problem, fix: 'Run `kubelab setup --provider kind` (it starts dockerd with the runtime wrapper).', optional }
        : {
            name: 'privileged',
            ok: dockerUp,
            detail: dockerUp
              ? `the capability bounding set lacks ${missing.join(', ')}: docker's default runtime is ${wrapperRuntime}, which removes them from each container's spec and clamps rlimits${state?.wrapper ? ` (${state.wrapper})` : ''}`
              : `the capability bounding set lacks ${missing.join(', ')}: privileged containers need the runtime wrapper, which setup configures when it starts dockerd`,
            fix: dockerUp ? undefined : 'Run `kubelab setup --provider kind`.',
            optional,
          },
    );
  }
  const built = await imageStatus(config.cacheDir).catch(() => undefined);
  const kind = built?.kindReady ? built.kind : findExecutable('kind');
  found.push(kind ? { name: 'kind', ok: true, detail: (await versionOf(kind, ['version'])) ?? kind, optional } : { name: 'kind', ok: false, detail: 'not built', fix: 'Run `kubelab setup --provider kind` (builds kind from the Go module proxy).', optional });
  found.push(
    built?.nodeBuilt
      ? { name: 'kind node image', ok: true, detail: `${built.nodeImage}${built.offlineBuilt ? `; labs start from ${built.offlineImage}, with the workload stand-ins preloaded` : ''}`, optional }
      : { name: 'kind node image', ok: false, detail: `not built (${built?.nodeImage ?? 'unknown name'})`, fix: 'Run `kubelab images build` (offline; once per pinned version).', optional },
  );
  return found;
}

export async function doctorReport(config: Config): Promise<DoctorReport> {
  const choice = await chooseProvider(config);
  const chosen = choice.provider.name;
  const host: Finding[] = [];
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  host.push({ name: 'node', ok: major > 20 || (major === 20 && minor >= 19), detail: `v${process.versions.node}`, fix: 'Install Node.js 20.19 or newer.' });

  const kubectl = kubectlPath(config.cacheDir);
  const kubectlVersion = await versionOf(kubectl, ['version', '--client']);
  host.push({ name: 'kubectl', ok: kubectlVersion !== undefined, detail: kubectlVersion ? `${kubectlVersion} (${kubectl})` : 'not found', fix: 'Run `kubelab setup` (it puts a kubectl of the labs’ version in the cache).' });

  try {
    locateBinaries(config.cacheDir);
    host.push({ name: 'kwok binaries', ok: true, detail: 'etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, kwokctl in the cache', optional: chosen !== 'kwok' });
  } catch (err) {
    host.push({ name: 'kwok binaries', ok: false, detail: (err as Error).message, fix: 'Run `kubelab setup` (download, or a one-time build of tens of minutes).', optional: chosen !== 'kwok' });
  }
  host.push(await tool('openssl', ['version'], installHints.openssl, chosen === 'existing'));
  const shellOptional = !config.jail;
  host.push({ ...(await bubblewrap()), optional: shellOptional });
  host.push({ ...(await tool('socat', ['-V'], 'apt-get install socat')), detail: findExecutable('socat') ? 'installed (the jail’s one door to its lab)' : 'not installed (the jail’s one door to its lab)', optional: shellOptional });

  const containers = chosen !== 'kind' && chosen !== 'minikube';
  const engine = containerEngine();
  const engineStatus = await containerEngineAvailability(engine);
  // When the engine is installed but not working, the reason already says what to do.
  host.push({ name: engine, ok: engineStatus.ok, detail: engineStatus.ok ? 'daemon running' : engineStatus.reason!, fix: findExecutable(engine) ? undefined : installHints[engine], optional: containers });
  host.push(...(await kindFindings(config, engine === 'docker' && engineStatus.ok, chosen !== 'kind')));
  host.push(await tool('minikube', ['version', '--short'], installHints.minikube, chosen !== 'minikube'));

  const providers = {} as DoctorReport['providers'];
  for (const kind of providerKinds) providers[kind] = await providerFor(config, kind).available();
  if (!config.existingKubeconfig) providers.existing = { ok: false, reason: 'no kubeconfig configured: set existingKubeconfig in the config file (or KUBELAB_EXISTING_KUBECONFIG) to an instructor kubeconfig of the cluster.' };

  const shellOk = host.filter((f) => f.name === 'bubblewrap' || f.name === 'socat').every((f) => f.ok || f.optional);
  return { configured: config.provider, chosen, reason: choice.reason, host, providers, usable: providers[chosen].ok && shellOk };
}

/** The report as the terminal shows it. */
export function renderReport(r: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`Configured provider: ${r.configured}${r.configured === 'auto' ? ` → ${r.chosen}` : ''}`);
  if (r.configured === 'auto') lines.push(`  (${r.reason})`);
  lines.push('', 'Host');
  const width = Math.max(...r.host.map((f) => f.name.length));
  for (const f of r.host) {
    const mark = f.ok ? '✓' : f.optional ? '-' : '✗';
    lines.push(`  ${mark} ${f.name.padEnd(width)}  ${f.detail}${!f.ok && f.optional ? ' (not needed for ' + r.chosen + ')' : ''}`);
    if (!f.ok && f.fix) lines.push(`    ${' '.repeat(width)}  fix: ${f.fix}`);
  }
  lines.push('', 'Providers');
  for (const kind of providerKinds) {
    const p = r.providers[kind];
    lines.push(`  ${p.ok ? '✓' : '✗'} ${kind.padEnd(8)}  ${p.ok ? 'usable' : p.reason ?? 'not usable'}${kind === r.chosen ? '   ← configured' : ''}`);
  }
  lines.push('');
  lines.push(
    r.usable
      ? `Ready: \`kubelab serve\` will give each learner a ${r.chosen} lab.`
      : `Not ready: the ${r.chosen} provider ${r.providers[r.chosen].ok ? 'works, but learner shells need the items marked ✗ above' : 'cannot create labs here (see above)'}.`,
  );
  return lines.join('\n');
}

export const doctorCommand: Command = {
  path: ['doctor'],
  summary: 'Check what each cluster provider and the learner shell need on this host, and how to install what is missing',
  usage: 'doctor [--provider auto|kwok|kind|minikube|existing] [--json]',
  options: { ...configFlags, json: { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    const report = await doctorReport(config);
    console.log(values.json === true ? JSON.stringify(report, null, 2) : renderReport(report));
    return report.usable ? 0 : 1;
  },
};
