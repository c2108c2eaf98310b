/**
 * The capstone in real Chromium against a real server and a real kwok lab: its results are grouped
 * under one heading per part, each saying how many of its checks pass, so the learner sees which
 * part is done. Screenshots of the results in light and dark go to .scratch/screenshots/ (for a
 * person to look at; not committed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, waitForLab } from '../helpers/browser.js';
import { loadCourse } from '../../server/course.js';
import { solveExercise } from '../../server/grading/lifecycle.js';
import { kubectl, packageRoot } from '../../sandbox/index.js';

const lessonsDir = join(packageRoot, 'lessons');
const capstone = loadCourse(lessonsDir).exercises.get('capstone-bookstore')!;
const shots = join(packageRoot, '.scratch', 'screenshots');
const parts = ['1. Namespace and quota', '2. Configuration', '3. Web tier', '4. Data tier', '5. Network policy', '6. Autoscaling', '7. Access'];

let srv: TestServer;
let browser: Browser;
let page: Page;
const card = () => page.locator('section.exercise[data-exercise="capstone-bookstore"]');
const check = async () => {
  await card().locator('button[data-action="check"]').click();
  await expect.poll(() => card().locator('button[data-action="check"]').isDisabled(), { timeout: 60_000 }).toBe(false);
};
const headings = () => card().locator('.check-results li.check-part');

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ lessonsDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${srv.url}/lessons/capstone`);
  await waitForLab(page, /learner@lab-[0-9a-f]+:~(\/[^$]*)?\$ $/m, { socketMs: 60_000 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
}, 120_000);

describe('the capstone, graded in parts', () => {
  it('shows one heading per part, in order, over that part’s checks, on an empty lab', async () => {
    await card().scrollIntoViewIfNeeded();
    await check();
    await expect.poll(() => headings().count(), { timeout: 30_000 }).toBe(parts.length);
    expect(await headings().locator('.check-part-title').allTextContents()).toEqual(parts);
    // Every check sits under a heading: the first row of the list is a heading.
    expect(await card().locator('.check-results > li').first().getAttribute('class')).toContain('check-part');
    expect(await card().locator('.check-results li.check').count()).toBe(capstone.checks.length);
    expect(await card().locator('.check-status').textContent()).toContain(`0 of ${parts.length} parts done`);
  });

  it('says which part still fails once the others are done', async () => {
    const lab = await srv.server.ctx.labs.labFor(srv.server.ctx.store.users.ensure('local', 'You', 'admin').id);
    await solveExercise(capstone, lab);
    // One detail of part 6 wrong: the HPA allows 5 replicas, not 6.
    await kubectl(lab.kubeconfigs.learner, ['patch', 'hpa', 'web', '-n', 'bookstore', '--type=merge', '-p', '{"spec":{"maxReplicas":5}}']);
    await expect
      .poll(async () => {
        await check();
        return card().locator('li.check-part.pass').count();
      }, { timeout: 120_000, interval: 3_000 })
      .toBe(parts.length - 1);
    const failing = card().locator('li.check-part.fail');
    expect(await failing.locator('.check-part-title').allTextContents()).toEqual(['6. Autoscaling']);
    expect(await failing.locator('.check-part-count').textContent()).toBe('0 of 1 pass');
    expect(await card().locator('.check-status').textContent()).toContain(`${parts.length - 1} of ${parts.length} parts done`);
    expect(await card().locator('li.check.fail .check-message').allTextContents()).toEqual([expect.stringContaining('and 5 replicas')]);

    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const first = (await theme()) ?? 'default';
    await card().screenshot({ path: join(shots, `capstone-parts-${first}.png`) });
    await page.locator('[data-theme-toggle]').click();
    await card().screenshot({ path: join(shots, `capstone-parts-${(await theme()) ?? 'toggled'}.png`) });
  }, 240_000);
});
