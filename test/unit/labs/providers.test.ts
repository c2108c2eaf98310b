/** Choosing a provider (`auto` and named ones) and the doctor's report, on this very host. */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../server/config.js';
import { briefly, chooseProvider, providerFor } from '../../../server/labs/providers.js';
import { doctorReport, renderReport, type DoctorReport } from '../../../server/cli/doctor.js';
import { findExecutable, imageStatus } from '../../../sandbox/index.js';
import { main } from '../../../server/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-providers-'));
const config = (flags: Record<string, unknown> = {}) => loadConfig({ dataDir, ...flags }, {});
// The kind provider as auto sees it: with the cache folder's kind and node image.
const kindWorks = (await providerFor(config(), 'kind').available()).ok;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('choosing a provider', () => {
  it('refuses kind and minikube in accounts mode unless the admin accepts the host-root risk by name', async () => {
    for (const name of ['kind', 'minikube']) {
      await expect(chooseProvider(config({ auth: 'accounts', provider: name }))).rejects.toThrow(/could become root on this host/);
      expect((await chooseProvider(config({ auth: 'accounts', provider: name, acceptHostRootRisk: true }))).provider.name).toBe(name);
    }
    const auto = await chooseProvider(config({ auth: 'accounts', provider: 'auto' }));
    expect(auto.provider.name).toBe('kwok');
    expect(auto.reason).toMatch(/accounts mode without --accept-host-root-risk/);
    expect((await chooseProvider(config({ auth: 'accounts', provider: 'kwok' }))).provider.name).toBe('kwok');
  });

  it('builds each named provider, with its own folder under the data dir', () => {
    for (const name of ['kwok', 'kind', 'minikube', 'existing'] as const) expect(providerFor(config(), name).name).toBe(name);
    expect(() => providerFor(config(), 'docker')).toThrow(/unknown provider "docker"/);
  });

  it('takes a named provider as asked, and says so', async () => {
    const choice = await chooseProvider(config({ provider: 'minikube' }));
    expect(choice.provider.name).toBe('minikube');
    expect(choice.reason).toBe('the minikube provider was asked for');
  });

  it.runIf(!kindWorks)('auto: picks kwok when kind cannot run here, and says why in one line', async () => {
    const choice = await chooseProvider(config({ provider: 'auto' }));
    expect(choice.provider.name).toBe('kwok');
    expect(choice.reason).toMatch(/^auto: kind is not usable \(.+\), so each lab is a kwok cluster/);
    expect(choice.reason).not.toMatch(/https?:|\n/);
    if (!findExecutable('kind') && !(await imageStatus(config().cacheDir)).kindReady) expect(choice.reason).toMatch(/kind is not installed/);
  });

  it.runIf(kindWorks)('auto: picks kind when Docker works and kind is installed', async () => {
    expect((await chooseProvider(config({ provider: 'auto' }))).provider.name).toBe('kind');
  });

  it('shortens an availability reason to the first sentence of each part', () => {
    expect(briefly('kind is not installed. Install kind: go install x. Also: the docker CLI is installed but no Docker daemon is running (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is it running?). Start it.')).toBe(
      'kind is not installed; the docker CLI is installed but no Docker daemon is running',
    );
  });
});

describe('kubelab doctor', () => {
  it('reports every provider and marks what the configured one does not need as optional', async () => {
    const report = await doctorReport(config({ provider: 'kwok' }));
    expect(Object.keys(report.providers).sort()).toEqual(['existing', 'kind', 'kwok', 'minikube']);
    expect(report.providers.existing).toMatchObject({ ok: false, reason: expect.stringMatching(/existingKubeconfig/) });
    for (const name of ['kind', 'minikube']) expect(report.host.find((f) => f.name === name)?.optional).toBe(true);
    expect(report.host.map((f) => f.name)).toEqual(expect.arrayContaining(['node', 'kubectl', 'kwok binaries', 'openssl', 'bubblewrap', 'socat']));
    expect(report.usable).toBe(report.providers.kwok.ok && report.host.filter((f) => ['bubblewrap', 'socat'].includes(f.name)).every((f) => f.ok));
  });

  it.runIf(!kindWorks)('exits 1 when the configured provider cannot run here, after printing why', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(['doctor', '--provider', 'kind', '--data-dir', dataDir])).toBe(1);
      expect(out.mock.calls.flat().join('\n')).toMatch(/Not ready: the kind provider/);
    } finally {
      out.mockRestore();
    }
  });

  it('is not usable for a provider that cannot run, and says what to install', () => {
    const report: DoctorReport = {
      configured: 'kind',
      chosen: 'kind',
      reason: 'the kind provider was asked for',
      host: [
        { name: 'node', ok: true, detail: 'v20.19.0' },
        { name: 'kind', ok: false, detail: 'not installed', fix: 'Install kind: go install sigs.k8s.io/kind@v0.29.0' },
        { name: 'minikube', ok: false, detail: 'not installed', fix: 'Install minikube', optional: true },
      ],
      providers: { kwok: { ok: true }, kind: { ok: false, reason: 'kind is not installed.' }, minikube: { ok: false, reason: 'minikube is not installed.' }, existing: { ok: false, reason: 'no kubeconfig configured' } },
      usable: false,
    };
    const text = renderReport(report);
    expect(text).toMatch(/✗ kind\s+not installed\n\s+fix: Install kind: go install sigs\.k8s\.io\/kind@v0\.29\.0/);
    expect(text).toMatch(/- minikube\s+not installed \(not needed for kind\)/);
    expect(text).toMatch(/✗ kind\s+kind is not installed\.\s+← configured/);
    expect(text).toMatch(/Not ready: the kind provider cannot create labs here/);
  });
});

