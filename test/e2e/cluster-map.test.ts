/**
 * The Cluster panel in real Chromium against a real server and a real kwok lab: a Deployment
 * scaled from 1 to 5 shows five chips on the nodes the scheduler chose; a Service has a line to
 * each ready endpoint; with the scheduler stopped a new pod waits in the Pending lane with its
 * reason; cordon and drain empties a node column; the table says the same in text; contrast holds
 * in both themes; reduced motion stops the animation; the choice of view is remembered; a lab whose
 * API server is down shows "lab unreachable" and comes back by itself. Saves docs/cluster-map.png;
 * the other screenshots go to .scratch/screenshots/cluster-map-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { getJson } from '../helpers/lab.js';
import { kubectl, packageRoot, type ControlPlaneComponent, type Lab } from '../../sandbox/index.js';
import { setComponentRunning } from '../../sandbox/kwok/components.js';

const lessonsDir = join(packageRoot, 'lessons');
const shots = join(packageRoot, '.scratch', 'screenshots');
mkdirSync(shots, { recursive: true });

let srv: TestServer;
let browser: Browser;
let page: Page;
let lab: Lab;

const admin = (args: string[]) => kubectl(lab.kubeconfigs.admin, args);
const shot = (name: string) => page.screenshot({ path: join(shots, `cluster-map-${name}.png`) });

/** Each chip in the node columns: pod name → the node column it is drawn in, and its state. */
const chipsOnNodes = (prefix: string) =>
  page.evaluate(
    (p) =>
      [...document.querySelectorAll<HTMLElement>('.cm-nodes .cm-node .cm-pod')]
        .filter((c) => c.dataset.name!.startsWith(p))
        .map((c) => ({ name: c.dataset.name!, node: c.closest<HTMLElement>('.cm-node')!.dataset.node!, state: c.dataset.state!, text: c.textContent ?? '' })),
    prefix,
  );

async function podsOf(selector: string): Promise<{ name: string; node?: string }[]> {
  const list = await getJson<{ items: { metadata: { name: string }; spec: { nodeName?: string } }[] }>(lab.kubeconfigs.admin, ['get', 'pods', '-l', selector]);
  return list.items.map((p) => ({ name: p.metadata.name, node: p.spec.nodeName }));
}

beforeAll(async () => {
  srv = await startTestServer({ lessonsDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${srv.url}/lessons/scheduler`);
  await page.waitForFunction(() => document.getElementById('lab-status')?.dataset.state === 'ready', null, { timeout: 180_000 });
  const user = srv.server.ctx.store.users.byUsername('local')!;
  const status = srv.server.ctx.labs.statusOf(user.id);
  if (status.state !== 'ready') throw new Error(`the lab is ${status.state}`);
  lab = status.lab;
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('the Cluster panel', () => {
  it('opens beside the terminal from the top bar, and shows both nodes as columns, live', async () => {
    expect(await page.locator('#cluster').isHidden()).toBe(true);
    await page.locator('.side-switch button[data-side="both"]').click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#cluster')?.dataset.watch === 'live', null, { timeout: 30_000 });
    await expect.poll(() => page.locator('.cm-node').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.node))).toEqual(lab.workers);
    expect(await page.locator('.cm-live').textContent()).toBe('Live');
    // Both panes share the column: the terminal is still there above.
    expect(await page.locator('#terminal').isVisible()).toBe(true);
  });

  it('a Deployment scaled from 1 to 5 shows five chips, each on the node the scheduler chose', async () => {
    await admin(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=1']);
    await expect.poll(async () => (await chipsOnNodes('web-')).filter((c) => c.state === 'ready').length, { timeout: 30_000 }).toBe(1);
    await admin(['scale', 'deployment', 'web', '--replicas=5']);
    await expect.poll(async () => (await chipsOnNodes('web-')).filter((c) => c.state === 'ready').length, { timeout: 30_000 }).toBe(5);
    const chips = await chipsOnNodes('web-');
    const pods = await podsOf('app=web');
    expect(chips.map((c) => `${c.name}@${c.node}`).sort()).toEqual(pods.map((p) => `${p.name}@${p.node}`).sort());
    // State in words on every chip, and the owner chain above them.
    for (const c of chips) expect(c.text).toContain('Running · ready 1/1');
    const titles = await page.locator('.cm-group[data-owner*="/rs/web/"] .cm-group-title').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t).toMatch(/^default · Deployment web › ReplicaSet web-[a-z0-9]+$/);
    await shot('scaled');
  });

  it('a Service shows a line to each of its ready endpoints', async () => {
    await admin(['expose', 'deployment', 'web', '--port=80']);
    const svc = page.locator('.cm-svc[data-name="web"]');
    await expect.poll(() => svc.locator('.cm-svc-eps').textContent(), { timeout: 30_000 }).toBe('5 of 5 endpoints ready');
    const id = await svc.getAttribute('data-service');
    await expect.poll(() => page.locator(`svg.cm-lines path[data-service="${id}"]`).count()).toBe(5);
    // Each line ends at a chip of a pod behind the Service.
    const ends = await page.locator(`svg.cm-lines path[data-service="${id}"]`).evaluateAll((ps) => ps.map((p) => p.getAttribute('data-pod')));
    const chipIds = await page.locator('.cm-nodes .cm-pod[data-name^="web-"]').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.pod));
    expect(ends.sort()).toEqual(chipIds.sort());
    await shot('service');
    await page.screenshot({ path: join(packageRoot, 'docs', 'cluster-map.png') });
  });

  it('with the scheduler stopped, a new pod waits in the Pending lane with the reason', async () => {
    await srv.server.ctx.labs.provider.setComponent(lab, 'kube-scheduler', false);
    try {
      await admin(['run', 'lonely', '--image=nginx:1.27']);
      const chip = page.locator('.cm-pending .cm-pod[data-name="lonely"]');
      await chip.waitFor({ timeout: 30_000 });
      expect(await chip.getAttribute('data-state')).toBe('pending');
      expect(await chip.locator('.cm-pod-reason').textContent()).toMatch(/^Waiting for a scheduler: default-scheduler has not placed it yet/);
      expect(await page.locator('.cm-pending h3').textContent()).toBe('Pending — not scheduled (1)');
      await shot('pending');
    } finally {
      await srv.server.ctx.labs.provider.setComponent(lab, 'kube-scheduler', true);
    }
    // Once the scheduler is back, the pod leaves the lane for a node.
    await page.locator('.cm-nodes .cm-pod[data-name="lonely"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('.cm-pending .cm-pod').count()).toBe(0);
  });

  it('cordon and drain empties a node column; the node says it is cordoned', async () => {
    const [first, second] = lab.workers as [string, string];
    await admin(['cordon', first]);
    await expect.poll(() => page.locator(`.cm-node[data-node="${first}"] .cm-badge.cm-warn`).textContent(), { timeout: 15_000 }).toBe('Cordoned · SchedulingDisabled');
    await admin(['drain', first, '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=60s']);
    await expect.poll(() => page.locator(`.cm-node[data-node="${first}"] .cm-pod`).count(), { timeout: 60_000 }).toBe(0);
    expect(await page.locator(`.cm-node[data-node="${first}"] .cm-empty`).textContent()).toBe('No pods');
    // The Deployment's five replicas all run on the other node now.
    await expect.poll(async () => (await chipsOnNodes('web-')).filter((c) => c.node === second && c.state === 'ready').length, { timeout: 60_000 }).toBe(5);
    await shot('drained');
    await admin(['uncordon', first]);
  });

  it('the table view says the same in text', async () => {
    await page.locator('.cm-modes button[data-mode="table"]').click();
    try {
      await tableSaysTheSame();
    } finally {
      await page.locator('.cm-modes button[data-mode="picture"]').click();
    }
  });

  async function tableSaysTheSame(): Promise<void> {
    const pods = page.locator('.cm-tables table:has(caption:text-matches("^Pods")) tbody tr:has(th:text-matches("^web-"))');
    await expect.poll(() => pods.count()).toBe(5);
    const rows = await pods.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    for (const r of rows) {
      expect(r[0]).toMatch(/^web-/);
      expect(r[2]).toBe(lab.workers[1]);
      expect(r[3]).toBe('Running · ready 1/1');
      expect(r[4]).toMatch(/^Deployment web › ReplicaSet web-/);
    }
    // The previous step uncordoned the first node; the panel shows it once the watch event arrives.
    const nodes = () => page.locator('.cm-tables table:has(caption:text-matches("^Nodes")) tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(0, 3).map((c) => c.textContent)));
    await expect.poll(nodes, { timeout: 15_000 }).toEqual([
      [lab.workers[0], 'Ready', 'Schedulable'],
      [lab.workers[1], 'Ready', 'Schedulable'],
    ]);
    const svc = await page.locator('.cm-tables table:has(caption:text-matches("^Services")) tbody tr:has(th:text-is("web"))').evaluate((tr) => [...tr.children].map((c) => c.textContent));
    expect(svc[0]).toBe('web');
    expect(svc[4]!.split(', ')).toHaveLength(5);
    await shot('table');
  }

  it('kube-system is hidden until asked for; a namespace can be chosen', async () => {
    await admin(['create', 'namespace', 'team-a']);
    await admin(['-n', 'team-a', 'run', 'solo', '--image=nginx:1.27']);
    await admin(['-n', 'kube-system', 'run', 'sys-pod', '--image=nginx:1.27']);
    await page.locator('.cm-nodes .cm-pod[data-name="solo"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.cm-pod[data-name="sys-pod"]').count()).toBe(0);
    await page.locator('.cm-system').check();
    await page.locator('.cm-pod[data-name="sys-pod"]').waitFor({ timeout: 10_000 });
    await page.locator('.cm-system').uncheck();
    await page.locator('.cm-ns').selectOption('team-a');
    await expect.poll(() => page.locator('.cm-nodes .cm-pod').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.name))).toEqual(['solo']);
    await page.locator('.cm-ns').selectOption('');
    await expect.poll(() => page.locator('.cm-pod[data-name^="web-"]').count()).toBe(5);
  });

  it('a ticker shows the lab\'s recent events', async () => {
    const items = await page.locator('.cm-ticker-list li').allTextContents();
    expect(items.length).toBeGreaterThan(0);
    expect(items.some((t) => /Pod\/\S+ (Scheduled|Killing|Started|Created)/.test(t) || /ReplicaSet\/web-\S+ SuccessfulCreate/.test(t))).toBe(true);
  });

  it('text on every chip meets WCAG AA contrast in both themes', async () => {
    const ratios = () =>
      page.evaluate(() => {
        const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = ([r, g, b]: number[]) => {
          const f = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
        };
        const out: { what: string; ratio: number }[] = [];
        const check = (el: Element, bgEl: Element, what: string) => {
          const a = lum(rgb(getComputedStyle(el).color));
          const b = lum(rgb(getComputedStyle(bgEl).backgroundColor));
          out.push({ what, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
        };
        for (const c of document.querySelectorAll('.cm-pod')) {
          check(c.querySelector('.cm-pod-status')!, c, `pod ${(c as HTMLElement).dataset.state}`);
          check(c.querySelector('.cm-pod-name')!, c, `pod name ${(c as HTMLElement).dataset.state}`);
        }
        for (const b of document.querySelectorAll('.cm-badge')) check(b, b, `badge ${b.textContent}`);
        for (const t of document.querySelectorAll('.cm-tags li')) check(t, t, `label or taint ${t.textContent}`);
        for (const e of document.querySelectorAll('.cm-ticker-list li > *')) check(e, document.querySelector('.cm-ticker')!, `ticker ${e.className || e.tagName}`);
        for (const s of document.querySelectorAll('.cm-svc')) check(s.querySelector('.cm-svc-eps')!, s, 'service');
        return out;
      });
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 2; i++) {
      seen.add(await theme());
      const r = await ratios();
      expect(r.length).toBeGreaterThan(5);
      for (const x of r) expect(x.ratio, `${x.what} in the ${await theme()} theme`).toBeGreaterThanOrEqual(4.5);
      if (i === 0) {
        await page.locator('[data-theme-toggle]').click();
        await shot('dark');
      }
    }
    expect(seen.size).toBe(2);
    await page.locator('[data-theme-toggle]').click();
  });

  it('respects prefers-reduced-motion: new chips do not animate', async () => {
    // A chip is "fresh" for one redraw only: the page notes each fresh chip's animation as it is drawn.
    await page.evaluate(() => {
      const w = window as unknown as { animations: string[] };
      w.animations = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll<HTMLElement>('.cm-pod.cm-fresh:not([data-noted])')) {
          el.dataset.noted = '';
          w.animations.push(getComputedStyle(el).animationName);
        }
      }).observe(document.getElementById('cluster')!, { childList: true, subtree: true });
    });
    const animations = () => page.evaluate(() => (window as unknown as { animations: string[] }).animations.splice(0));
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await admin(['scale', 'deployment', 'web', '--replicas=6']);
    await expect.poll(() => page.locator('.cm-pod[data-name^="web-"]').count(), { timeout: 30_000 }).toBe(6);
    const reduced = await animations();
    expect(reduced.length).toBeGreaterThan(0);
    expect(new Set(reduced)).toEqual(new Set(['none']));
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await admin(['scale', 'deployment', 'web', '--replicas=7']);
    await expect.poll(() => page.locator('.cm-pod[data-name^="web-"]').count(), { timeout: 30_000 }).toBe(7);
    expect(await animations()).toContain('cm-in');
  });

  it('remembers the view after a reload, and is reachable from the keyboard', async () => {
    await page.reload();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#cluster')?.dataset.watch === 'live', null, { timeout: 30_000 });
    expect(await page.locator('.side-switch button[aria-pressed="true"]').getAttribute('data-side')).toBe('both');
    // Alt+Shift+C cycles terminal → cluster → both.
    await page.locator('#lesson').focus();
    await page.keyboard.press('Alt+Shift+C');
    expect(await page.locator('.side-switch button[aria-pressed="true"]').getAttribute('data-side')).toBe('terminal');
    expect(await page.locator('#cluster').isHidden()).toBe(true);
    await page.keyboard.press('Alt+Shift+C');
    expect(await page.locator('#terminal').isHidden()).toBe(true);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#cluster')?.dataset.watch === 'live', null, { timeout: 30_000 });
    await shot('instead');
    await page.keyboard.press('Alt+Shift+C');
    const both = page.locator('.side-switch button[data-side="both"]');
    await both.focus();
    expect(await both.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
  });

  it('a lesson link to #cluster-view opens the panel', async () => {
    await page.locator('.side-switch button[data-side="terminal"]').click();
    await page.goto(`${srv.url}/lessons/scheduler`);
    const link = page.locator('.lesson a[href="#cluster-view"]');
    expect(await link.count()).toBe(1);
    await link.scrollIntoViewIfNeeded();
    await link.click();
    expect(await page.locator('.side-switch button[aria-pressed="true"]').getAttribute('data-side')).toBe('both');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#cluster')?.dataset.watch === 'live', null, { timeout: 30_000 });
  });

  it('a lab whose API server is down shows "lab unreachable", and comes back by itself', async () => {
    const dir = srv.server.ctx.labs.provider.clusterDir(lab.name);
    // kube-apiserver is a component of the lab like the scheduler; the provider's interface only lets lessons stop those two.
    const apiserver = 'kube-apiserver' as ControlPlaneComponent;
    await setComponentRunning(dir, apiserver, false);
    try {
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#cluster')?.dataset.watch === 'unreachable', null, { timeout: 30_000 });
      expect(await page.locator('.cm-live').textContent()).toBe('Lab unreachable');
      expect(await page.locator('.cm-banner').textContent()).toMatch(/^Lab unreachable: the lab's API server is not answering \(.+\)\. The picture shows what was last seen; it comes back by itself\.$/);
      await shot('unreachable');
    } finally {
      await setComponentRunning(dir, apiserver, true);
    }
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#cluster')?.dataset.watch === 'live', null, { timeout: 90_000 });
    expect(await page.locator('.cm-banner').isHidden()).toBe(true);
    // And it is live, not a stale picture: a change after the outage shows. (A pod written directly: the
    // controller manager and scheduler may have exited when they lost their leases during the outage.)
    await admin(['run', 'after-outage', '--image=nginx:1.27']);
    await page.locator('.cm-pod[data-name="after-outage"]').waitFor({ timeout: 30_000 });
    for (const c of ['kube-controller-manager', 'kube-scheduler'] as const) await srv.server.ctx.labs.provider.setComponent(lab, c, true);
  });
});
