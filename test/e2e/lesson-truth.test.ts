/**
 * The lesson page tells the truth, in real Chromium against a real server (single-user mode): an exercise that starts from a prepared cluster asks for Prepare my lab, with the
 * reason, before its task describes that cluster; a reload comes back to the reading position; when
 * the lab is deleted under the learner (a real kwok lab) or the server goes away, the lab pill no
 * longer says "Lab ready"; an unknown address gets the styled 404 page. Screenshots at 1280x720:
 * .scratch/screenshots/lesson-truth-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, waitForLab } from '../helpers/browser.js';
import { packageRoot } from '../../sandbox/index.js';

const shots = join(packageRoot, '.scratch', 'screenshots');

let srv: TestServer;
let stopped = false;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

afterAll(async () => {
  await browser?.close();
  if (!stopped) await srv?.stop();
});

describe('the lesson page', () => {
  it('asks for Prepare my lab, with the reason, before the task of an exercise that starts from a prepared cluster', async () => {
    await page.goto(`${srv.url}/lessons/security`);
    const panel = page.locator('.exercise[data-exercise="rbac-read-only"]');
    const prepare = panel.locator('.exercise-prepare');
    expect(await prepare.textContent()).toMatch(/First, prepare your lab\. The task below describes your cluster as this exercise sets it up, and that is not there yet: press Prepare my lab to create it\./);
    const order = await panel.evaluate((p) => {
      const button = p.querySelector('button[data-action="setup"]')!;
      const task = p.querySelector('.exercise-task')!;
      return button.compareDocumentPosition(task) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();
    expect(await panel.locator('button[data-action="setup"]').count()).toBe(1);
    await prepare.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'lesson-truth-prepare-first.png') });
  });

  it('a reload comes back to where the learner was reading', async () => {
    await page.goto(`${srv.url}/lessons/security`);
    // The learner scrolls with the mouse wheel; the position is kept as they go.
    await page.mouse.move(320, 400);
    const top = () => page.locator('#lesson').evaluate((el) => el.scrollTop);
    for (let i = 0; i < 10 && (await top()) <= 1500; i++) await page.mouse.wheel(0, 800);
    await page.waitForFunction(() => {
      const y = Math.round(document.getElementById('lesson')!.scrollTop);
      return y > 1500 && Number(sessionStorage.getItem('kubelab:reading:security')) === y;
    }, null, { timeout: 60_000 });
    const before = await page.locator('#lesson').evaluate((el) => el.scrollTop);
    await page.reload();
    await page.waitForFunction((y) => Math.abs(document.getElementById('lesson')!.scrollTop - y) <= 2, before, { timeout: 60_000 });
    // Another lesson keeps its own position: it opens at the top.
    await page.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    expect(await page.locator('#lesson').evaluate((el) => el.scrollTop)).toBe(0);
    // A link to a place in the lesson wins over the kept position.
    await page.goto(`${srv.url}/lessons/security#main`);
    expect(await page.locator('#lesson').evaluate((el) => el.scrollTop)).toBeLessThan(before);
  });

  it('an unknown address gets the styled 404 page', async () => {
    const r = await page.goto(`${srv.url}/totally/random`);
    expect(r?.status()).toBe(404);
    expect(await page.textContent('.error-card h1')).toBe('Not found');
    expect(await page.locator('header.topbar a.brand').count()).toBe(1);
  });

  it('when the lab is deleted under the learner, the lab pill says it was lost, not "Lab ready"', async () => {
    await page.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    await waitForLab(page, /learner@lab-[0-9a-f]+:~\$ $/m);
    // Every text the pill shows from now on.
    await page.evaluate(() => {
      const pill = document.getElementById('lab-status')!;
      const seen: string[] = [];
      (window as unknown as { pillTexts: string[] }).pillTexts = seen;
      new MutationObserver(() => seen.push(`${pill.dataset.state}: ${pill.querySelector('.lab-text')!.textContent}`)).observe(pill, { attributes: true, childList: true, subtree: true, characterData: true });
    });
    const learner = srv.server.ctx.store.labs.list()[0]!;
    await srv.server.ctx.labs.provider.delete({ name: learner.name, provider: srv.server.ctx.labs.provider.name });
    // The vanished-lab job (every 15 s) notices; here it is run at once.
    expect(await srv.server.ctx.labs.noticeGone()).toEqual([learner.name]);
    await page.waitForFunction(() => (window as unknown as { pillTexts: string[] }).pillTexts.some((t) => t.startsWith('lost: ')), null, { timeout: 30_000 });
    const texts = await page.evaluate(() => (window as unknown as { pillTexts: string[] }).pillTexts);
    expect(texts).toContain('lost: Lab lost: It was deleted outside this page');
    // Nothing between the deletion and the loss said the lab was ready.
    expect(texts.slice(0, texts.findIndex((t) => t.startsWith('lost: ')))).not.toContainEqual(expect.stringMatching(/Lab ready/));
    await page.screenshot({ path: join(shots, 'lesson-truth-lab-gone.png') });
  });

  it('when the server is gone, the lab pill says the lab is unknown, not "Lab ready"', async () => {
    await page.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    await page.waitForFunction(() => !!document.getElementById('lab-status')?.dataset.state);
    await srv.stop();
    stopped = true;
    await page.waitForFunction(() => document.getElementById('lab-status')?.dataset.state === 'unreachable', null, { timeout: 60_000 });
    expect(await page.textContent('#lab-status .lab-text')).toMatch(/^Server unreachable · /);
    expect(await page.textContent('#lab-status .lab-text')).not.toMatch(/Lab ready/);
    await page.screenshot({ path: join(shots, 'lesson-truth-server-gone.png') });
  });
});
