/**
 * Resource metrics in kind labs, offline: metrics-server's image built from the same binary the
 * kwok labs run (FROM scratch, once, cached as an archive under the cache folder), loaded into each
 * lab, and deployed with the kwok lab's RBAC and APIService. The lab is ready only once the metrics
 * API answers, so the learner's role (made from discovery) includes it.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateBinaries, pinnedVersions } from '../binaries.js';
import { metricsServerManifests } from '../kwok/features.js';
import { packageRoot } from '../paths.js';
import { SandboxError } from '../provider.js';
import { kubectl, run } from '../run.js';
import type { ContainerEngine } from '../host.js';

export const metricsServerImage = () => `registry.k8s.io/metrics-server/metrics-server:${pinnedVersions().metricsServer}`;

/** The image archive (built here when missing): its path. */
export async function metricsServerArchive(engine: ContainerEngine, cacheDir: string): Promise<string> {
  const image = metricsServerImage();
  const archive = join(cacheDir, 'images', `metrics-server-${pinnedVersions().metricsServer}.tar`);
  if (existsSync(archive)) return archive;
  mkdirSync(join(cacheDir, 'images'), { recursive: true });
  const ctx = mkdtempSync(join(cacheDir, 'images', '.metrics-server-'));
  try {
    copyFileSync(locateBinaries(cacheDir)['metrics-server'], join(ctx, 'metrics-server'));
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        `LABEL org.opencontainers.image.vendor="kubelab" org.opencontainers.image.description="built by kubelab from the Go module sigs.k8s.io/metrics-server@${pinnedVersions().metricsServer}"`,
        'COPY metrics-server /metrics-server',
        'USER 65534:65534',
        'ENTRYPOINT ["/metrics-server"]',
        '',
      ].join('\n'),
    );
    const built = await run(engine, ['build', '-q', '-t', image, ctx], { timeoutMs: 5 * 60_000 });
    if (built.code !== 0) throw new SandboxError(`building the metrics-server image failed: ${(built.stderr || built.stdout).trim().split('\n').pop()}`);
    const saved = await run(engine, ['save', '-o', `${archive}.tmp`, image], { timeoutMs: 5 * 60_000 });
    if (saved.code !== 0) throw new SandboxError(`saving the metrics-server image failed: ${(saved.stderr || saved.stdout).trim().split('\n').pop()}`);
    renameSync(`${archive}.tmp`, archive);
    return archive;
  } finally {
    rmSync(ctx, { recursive: true, force: true });
    rmSync(`${archive}.tmp`, { force: true });
  }
}

/** Deploys metrics-server in a lab whose nodes hold its image, and waits until the metrics API answers. */
export async function deployMetricsServer(adminKubeconfig: string): Promise<void> {
  const manifests = [
    readFileSync(join(metricsServerManifests, 'rbac.yaml'), 'utf8'),
    readFileSync(join(metricsServerManifests, 'apiservice.yaml'), 'utf8'),
    readFileSync(join(packageRoot, 'sandbox', 'kind', 'metrics-server.yaml'), 'utf8').replace('METRICS_SERVER_IMAGE', metricsServerImage()),
  ].join('\n---\n');
  await kubectl(adminKubeconfig, ['apply', '-f', '-'], { input: manifests });
  try {
    await kubectl(adminKubeconfig, ['wait', '--for=condition=Available', 'apiservice/v1beta1.metrics.k8s.io', '--timeout=180s'], { timeoutMs: 190_000 });
  } catch (err) {
    throw new SandboxError(`the metrics API of the lab did not become available: ${(err as Error).message.trim().split('\n').pop()}`);
  }
}
