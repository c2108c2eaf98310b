/**
 * Per-lab limits, seen by the learner: a real kwok lab measured by the server (memory of its
 * processes, its folder on disk, etcd's database), a limit set below what the lab takes, and the
 * warning in the top bar and in the terminal of a real Chromium page; back within the limit, the
 * warning goes. Screenshot: .scratch/screenshots/lab-limit-warning.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, waitForLab, waitForTerminal } from '../helpers/browser.js';
import { packageRoot, type LabUsage } from '../../sandbox/index.js';

const shots = join(packageRoot, '.scratch', 'screenshots');
mkdirSync(shots, { recursive: true });

let srv: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Limits far above any lab: the test lowers them itself, so the 30 s job cannot race it.
  srv = await startTestServer({ lessonsDir: join(packageRoot, 'lessons'), labMemoryMiB: 1_000_000, labDiskMiB: 1_000_000 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${srv.url}/lessons/cluster-at-a-glance`);
  await waitForLab(page, /learner@lab-[0-9a-f]+:~\$ $/m);
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('a lab over a per-lab limit', () => {
  it('is measured from the host: its processes memory, its folder, and etcd against its quota', async () => {
    const user = srv.server.ctx.store.users.byUsername('local')!;
    const status = srv.server.ctx.labs.statusOf(user.id);
    if (status.state !== 'ready') throw new Error(`the lab is ${status.state}`);
    const u: LabUsage = await srv.server.ctx.labs.provider.usage!(status.lab);
    const mib = (b = 0) => b / 2 ** 20;
    // An idle kwok lab: hundreds of MiB of memory (etcd, API server, controllers, kwok, metrics-server).
    expect(mib(u.memoryBytes)).toBeGreaterThan(100);
    expect(mib(u.memoryBytes)).toBeLessThan(4096);
    // etcd preallocates its write-ahead log (64 MiB a file): the folder takes at least that.
    expect(mib(u.diskBytes)).toBeGreaterThan(60);
    expect(u.etcd!.bytes).toBeGreaterThan(0);
    expect(u.etcd!.bytes).toBeLessThan(u.etcd!.quotaBytes);
    expect(mib(u.etcd!.quotaBytes)).toBe(256);
  });

  it('shows the learner what is over, by how much, and what to do, in the top bar and the terminal; the warning goes once within it again', async () => {
    srv.config.labDiskMiB = 64;
    const over = await srv.server.ctx.labs.watchUsage();
    expect(over).toHaveLength(1);
    expect(over[0]!.warning).toMatch(/^Your lab takes \d+ MiB of disk, over this server's limit of 64 MiB a lab\. Reset the lab/);
    await page.waitForFunction(() => !!document.getElementById('lab-status')?.dataset.warning, null, { timeout: 15_000 });
    expect(await page.locator('#lab-status .lab-text').textContent()).toMatch(/^Lab ready · \S+ · over a limit$/);
    expect(await page.locator('#lab-status').getAttribute('title')).toBe(over[0]!.warning);
    // The line wraps at the terminal's width.
    await waitForTerminal(page, /\[kubelab\] Your lab takes \d+ MiB of disk, over this server's limit of 64\s+MiB a lab/);
    await page.screenshot({ path: join(shots, 'lab-limit-warning.png') });

    // The shell stays: the lab is the same lab, only told.
    expect(await page.locator('#terminal .conn-state').first().getAttribute('data-kind')).toBe('open');

    srv.config.labDiskMiB = 1_000_000;
    expect(await srv.server.ctx.labs.watchUsage()).toEqual([]);
    await page.waitForFunction(() => !document.getElementById('lab-status')?.dataset.warning, null, { timeout: 15_000 });
    expect(await page.locator('#lab-status .lab-text').textContent()).toMatch(/^Lab ready · \S+$/);
  });
});
