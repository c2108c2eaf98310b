/**
 * Cluster map benchmark, written to test/bench/results/cluster-map.md. A real server, a real kwok
 * lab and real Chromium showing the Cluster panel:
 *  1. change → picture: a pod created (or deleted) through the API, from the API server's
 *     acknowledgement to the moment its chip appears in (or leaves) the page's DOM, median and p95
 *     over CHANGES (default 20) of each;
 *  2. a rollout of 50 pods (a Deployment scaled from 0 to 50): patches and redraws it cost, the
 *     longest frame while it ran, and the time until all 50 chips are drawn;
 *  3. 200 pods: the time one redraw takes (median, p95) and the browser's frame time (the interval
 *     between animation frames, median, p95, max) while a rolling update replaces all 200.
 * Run: npx tsx test/bench/cluster-map.ts   (the cluster binaries must be in the cache: kubelab setup)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { kubectl, packageRoot } from '../../sandbox/index.js';
import { clientFor } from '../../server/grading/kube.js';
import { startTestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';

const changes = Number(process.env.CHANGES ?? 20);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number) => sorted(xs)[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))]!;
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number) => `${x.toFixed(1)} ms`;

interface MapStats {
  renders: number;
  renderMs: number[];
  patches: number;
}
const statsOf = (page: Page) => page.evaluate(() => (window as unknown as { kubelab: { side: { map: { stats: MapStats } } } }).kubelab.side.map.stats);
const chipCount = (page: Page, prefix: string) => page.evaluate((p) => document.querySelectorAll(`.cm-pod[data-name^="${p}"]:not([data-state="terminating"])`).length, prefix);

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const srv = await startTestServer({ lessonsDir: join(packageRoot, 'lessons') });
const browser = await launchChromium();
const out: Record<string, string> = {};
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // tsx names inner functions with a helper the page does not have; give it one.
  await page.addInitScript('window.__name = (f) => f');
  await page.goto(`${srv.url}/lessons/scheduler`);
  await page.locator('.side-switch button[data-side="cluster"]').click();
  await page.waitForFunction(() => document.querySelector<HTMLElement>('#cluster')?.dataset.watch === 'live', null, { timeout: 240_000 });
  const user = srv.server.ctx.store.users.byUsername('local')!;
  const status = srv.server.ctx.labs.statusOf(user.id);
  if (status.state !== 'ready') throw new Error('no lab');
  const lab = status.lab;
  const admin = await clientFor(lab.kubeconfigs.admin);

  // The page notes when a chip appears or goes: a MutationObserver stamps the wall clock.
  await page.evaluate(() => {
    const w = window as unknown as { seenAt: Record<string, number>; goneAt: Record<string, number> };
    w.seenAt = {};
    w.goneAt = {};
    const root = document.getElementById('cluster')!;
    new MutationObserver(() => {
      const now = Date.now();
      const present = new Set([...root.querySelectorAll<HTMLElement>('.cm-pod[data-name^="probe-"]')].map((c) => c.dataset.name!));
      for (const n of present) w.seenAt[n] ??= now;
      for (const n of Object.keys(w.seenAt)) if (!present.has(n)) w.goneAt[n] ??= now;
    }).observe(root, { childList: true, subtree: true });
  });

  // 1. change → picture
  const appear: number[] = [];
  const vanish: number[] = [];
  for (let i = 0; i < changes; i++) {
    const name = `probe-${i}`;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    const created = await admin.request('POST', '/api/v1/namespaces/default/pods', pod);
    const acked = Date.now();
    if (created.status !== 201) throw new Error(`create failed: ${created.status}`);
    await until(() => page.evaluate((n) => (window as unknown as { seenAt: Record<string, number> }).seenAt[n] !== undefined, name), 10_000, `${name} drawn`);
    appear.push((await page.evaluate((n) => (window as unknown as { seenAt: Record<string, number> }).seenAt[n]!, name)) - acked);
    await new Promise((r) => setTimeout(r, 300));
    const deleted = await admin.request('DELETE', `/api/v1/namespaces/default/pods/${name}?gracePeriodSeconds=0`);
    const acked2 = Date.now();
    if (deleted.status !== 200) throw new Error(`delete failed: ${deleted.status}`);
    await until(() => page.evaluate((n) => (window as unknown as { goneAt: Record<string, number> }).goneAt[n] !== undefined, name), 20_000, `${name} gone`);
    vanish.push((await page.evaluate((n) => (window as unknown as { goneAt: Record<string, number> }).goneAt[n]!, name)) - acked2);
    await new Promise((r) => setTimeout(r, 300));
  }
  out.appearMedian = ms(median(appear));
  out.appearP95 = ms(quantile(appear, 0.95));
  out.vanishMedian = ms(median(vanish));
  out.vanishP95 = ms(quantile(vanish, 0.95));
  out.appearEach = appear.map((x) => x.toFixed(0)).join(', ');
  console.log('change → picture', out);

  // Frame times: every animation frame's interval while something runs.
  const startFrames = () =>
    page.evaluate(() => {
      const w = window as unknown as { frames: number[]; framing: boolean };
      w.frames = [];
      w.framing = true;
      let last = performance.now();
      const tick = (t: number) => {
        w.frames.push(t - last);
        last = t;
        if (w.framing) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  const stopFrames = () =>
    page.evaluate(() => {
      const w = window as unknown as { frames: number[]; framing: boolean };
      w.framing = false;
      return w.frames;
    });

  // 2. a rollout of 50 pods
  const deployment = (replicas: number, image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'roll' },
    spec: { replicas, selector: { matchLabels: { app: 'roll' } }, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, template: { metadata: { labels: { app: 'roll' } }, spec: { containers: [{ name: 'c', image }] } } },
  });
  const created = await admin.request('POST', '/apis/apps/v1/namespaces/default/deployments', deployment(0, 'nginx:1.27'));
  if (created.status !== 201) throw new Error(`deployment: ${created.status}`);
  const before = await statsOf(page);
  await startFrames();
  const t0 = Date.now();
  await kubectl(lab.kubeconfigs.admin, ['scale', 'deployment', 'roll', '--replicas=50']);
  await until(async () => (await page.evaluate(() => document.querySelectorAll('.cm-pod[data-name^="roll-"][data-state="ready"]').length)) === 50, 120_000, '50 ready chips');
  const rolloutMs = Date.now() - t0;
  const frames50 = await stopFrames();
  const after = await statsOf(page);
  out.rolloutMs = ms(rolloutMs);
  out.rolloutPatches = String(after.patches - before.patches);
  out.rolloutRenders = String(after.renders - before.renders);
  out.rolloutRenderMedian = ms(median(after.renderMs.slice(before.renderMs.length)));
  out.rolloutLongestFrame = ms(Math.max(...frames50));
  out.rolloutFrameMedian = ms(median(frames50));
  console.log('rollout of 50', out);

  // 3. 200 pods, then a rolling update that replaces all of them
  await kubectl(lab.kubeconfigs.admin, ['scale', 'deployment', 'roll', '--replicas=200']);
  await until(async () => (await page.evaluate(() => document.querySelectorAll('.cm-pod[data-name^="roll-"][data-state="ready"]').length)) === 200, 240_000, '200 ready chips');
  const mark = (await statsOf(page)).renderMs.length;
  const oldOwner = await page.evaluate(() => document.querySelector<HTMLElement>('.cm-pod[data-name^="roll-"]')?.closest<HTMLElement>('.cm-group')?.dataset.owner);
  await startFrames();
  const u0 = Date.now();
  await kubectl(lab.kubeconfigs.admin, ['set', 'image', 'deployment/roll', 'c=nginx:1.28']);
  // Done when the new ReplicaSet's 200 pods are all drawn ready and the old ones are gone.
  await until(
    async () =>
      page.evaluate((old) => {
        const chips = [...document.querySelectorAll<HTMLElement>('.cm-pod[data-name^="roll-"]')];
        const groups = new Set(chips.map((c) => c.closest<HTMLElement>('.cm-group')?.dataset.owner));
        return chips.length === 200 && groups.size === 1 && !groups.has(old) && chips.every((c) => c.dataset.state === 'ready');
      }, oldOwner),
    400_000,
    'rolling update of 200 drawn',
  );
  out.update200Ms = ms(Date.now() - u0);
  const frames200 = await stopFrames();
  const s200 = await statsOf(page);
  const renders200 = s200.renderMs.slice(mark);
  out.render200Median = ms(median(renders200));
  out.render200P95 = ms(quantile(renders200, 0.95));
  out.render200Count = String(renders200.length);
  out.frame200Median = ms(median(frames200));
  out.frame200P95 = ms(quantile(frames200, 0.95));
  out.frame200Max = ms(Math.max(...frames200));
  out.frame200Count = String(frames200.length);
  out.frame200Over50 = String(frames200.filter((f) => f > 50).length);
  console.log('200 pods', out);
  await page.screenshot({ path: join(packageRoot, '.scratch', 'bench-cluster-map-200.png') }).catch(() => undefined);
} finally {
  await browser.close();
  await srv.stop();
}

const report = `# Cluster map benchmark

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 20)} MiB RAM,
one kwok lab with 2 workers, the server, and Debian's Chromium (1440×900, no GPU) showing the Cluster panel
instead of the terminal; a shared, noisy machine (load average ${loadavg()[0]!.toFixed(1)} when the run ended).
Run with \`npx tsx test/bench/cluster-map.ts\` (CHANGES to change the count).

## Change → picture

A pod created, then deleted, through the API (admin credential); the clock runs from the API server's
acknowledgement of the write to the moment a MutationObserver in the page sees the chip appear (or leave).
The path: watch event at the server (grader credential) → ${'`'}batchMs${'`'} (100 ms) gathering → one patch frame →
the panel's redraw, at most every ${'`'}renderEveryMs${'`'} (100 ms), in an animation frame.

| figure | value |
|---|---|
| pod created → chip drawn, median of ${changes} | ${out.appearMedian} |
| pod created → chip drawn, p95 | ${out.appearP95} |
| pod deleted → chip gone, median of ${changes} | ${out.vanishMedian} |
| pod deleted → chip gone, p95 | ${out.vanishP95} |
| each creation | ${out.appearEach} ms |

## A rollout of 50 pods

A Deployment scaled from 0 to 50 replicas; every pod is created, scheduled, started and made ready
(4 or more watch events each, plus its ReplicaSet's and the events').

| figure | value |
|---|---|
| scale → all 50 chips drawn ready | ${out.rolloutMs} |
| patch frames the server sent | ${out.rolloutPatches} |
| redraws of the picture | ${out.rolloutRenders} |
| one redraw, median | ${out.rolloutRenderMedian} |
| frame interval, median | ${out.rolloutFrameMedian} |
| longest frame interval | ${out.rolloutLongestFrame} |

## 200 pods

The same Deployment at 200 replicas, then a rolling update (new image, 25% surge and unavailable) that
replaces all 200: up to 250 chips in the picture while old and new ReplicaSets overlap.

| figure | value |
|---|---|
| update → 200 new chips drawn ready, old ones gone | ${out.update200Ms} |
| one redraw with ~200 pods, median of ${out.render200Count} | ${out.render200Median} |
| one redraw, p95 | ${out.render200P95} |
| browser frame interval during the update, median of ${out.frame200Count} | ${out.frame200Median} |
| frame interval, p95 | ${out.frame200P95} |
| longest frame interval | ${out.frame200Max} |
| frames longer than 50 ms | ${out.frame200Over50} |

## Reading the figures

- Change → picture is mostly the two deliberate waits (up to 100 ms of gathering at the server, up to
  100 ms between redraws); the watch event itself reaches the server within a few milliseconds.
- A redraw rebuilds the picture's layout from the current state (chips of unchanged pods keep their
  elements); it is paid at most ten times a second, however many events arrive, so a rollout costs a
  bounded number of redraws, not one per event.
- Redraw and frame times are CPU-bound in the browser: on a machine whose load average is far above its
  core count they measure the wait for a core as much as the work. Compare runs at similar load.
`;
writeFileSync(join(packageRoot, 'test', 'bench', 'results', 'cluster-map.md'), report);
console.log(report);
