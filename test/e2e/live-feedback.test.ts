/**
 * Live feedback in real Chromium against a real server, the real course and real kwok labs, the
 * way a learner meets it: a wrong first attempt turns the card red without pressing Check; the
 * lab is reset with the lesson open and the work done again, and the card turns green without a
 * reload (never showing a server path); the server restarts and the card keeps following; and on
 * a first visit the card judges the kubeconfig the shell edits. Screenshots go to
 * test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, typeInTerminal, waitForLab } from '../helpers/browser.js';
import { loadCourse } from '../../server/course.js';
import { packageRoot } from '../../sandbox/index.js';
import { createLogger } from '../../server/logger.js';
import { startServer, type RunningServer } from '../../server/server.js';

const lessonsDir = join(packageRoot, 'lessons');
const course = loadCourse(lessonsDir);
const firstPod = course.exercises.get('first-pod')!;
const lessonOf = (id: string) => course.lessons.find((l) => l.exerciseIds.includes(id))!;
const shots = join(packageRoot, 'test-results', 'screenshots');

let srv: TestServer;
let restarted: RunningServer | undefined;
let browser: Browser;
let page: Page;
const prompt = /learner@lab-[0-9a-f]+:~(\/[^$]*)?\$ $/m;

const type = (text: string) => typeInTerminal(page, text);
const labReady = () => waitForLab(page, prompt, { socketMs: 60_000 });

const card = (id: string) => page.locator(`section.exercise[data-exercise="${id}"]`);

/** Records every text the card ever shows, so a path shown for a moment is caught too. */
async function recordCard(id: string): Promise<void> {
  await page.evaluate((exercise) => {
    const el = document.querySelector(`section.exercise[data-exercise="${exercise}"]`)!;
    const w = window as unknown as { cardTexts: string[] };
    w.cardTexts = [el.textContent ?? ''];
    new MutationObserver(() => w.cardTexts.push(el.textContent ?? '')).observe(el, { subtree: true, childList: true, characterData: true });
  }, id);
}
const cardTexts = () => page.evaluate(() => (window as unknown as { cardTexts: string[] }).cardTexts);
const serverPath = /(\/[\w.@-]+){2,}\.(kubeconfig|json|yaml|ts|js)|ENOENT|kwok\/clusters|\/tmp\/|\/root\/|\s+at\s+\S+\s\(/;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ lessonsDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${srv.url}/lessons/${lessonOf('first-pod').id}`);
  await labReady();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (!restarted) return srv?.stop();
  // The restarted server owns the labs now: stop it, then delete what it holds, as srv.stop() would.
  const labs = restarted.ctx.store.labs.list();
  await restarted.stop();
  for (const l of labs) await restarted.ctx.labs.provider.delete({ name: l.name, provider: restarted.ctx.labs.provider.name }).catch(() => undefined);
  rmSync(srv.config.dataDir, { recursive: true, force: true });
}, 120_000);

describe('live feedback on the lesson page', () => {
  it('shows a wrong first attempt in red, live, without pressing Check', async () => {
    await card('first-pod').scrollIntoViewIfNeeded();
    await recordCard('first-pod');
    await type('kubectl run hello --image=nginx:1.26 --labels=app=hello');
    await expect.poll(() => card('first-pod').locator('.check-results li.fail .check-message').allTextContents(), { timeout: 60_000 }).toContainEqual(expect.stringContaining('nginx:1.26'));
    expect(await card('first-pod').locator('.check-status').textContent()).toContain('(updated live)');
    await card('first-pod').screenshot({ path: join(shots, 'live-wrong-first-attempt.png') });
  });

  it('follows a lab reset with the lesson open: the work done again turns the card green without a reload, never showing a path', async () => {
    await page.locator('#reset-lab').click();
    await page.locator('#reset-dialog button[value="reset"]').click();
    // The lab is restored in place (the same lab, the same shell): its work is gone, and the card says so live.
    await page.waitForFunction(() => document.getElementById('lab-status')?.dataset.restoring === 'true', null, { timeout: 30_000 });
    await page.waitForFunction(() => { const s = document.getElementById('lab-status'); return s?.dataset.state === 'ready' && !s.dataset.restoring; }, null, { timeout: 180_000 });
    await expect.poll(() => card('first-pod').evaluate((el) => el.classList.contains('passed')), { timeout: 90_000 }).toBe(false);
    await labReady();
    await type('kubectl run hello --image=nginx:1.27 --labels=app=hello');
    await expect.poll(() => card('first-pod').evaluate((el) => el.classList.contains('passed')), { timeout: 90_000 }).toBe(true);
    expect(await card('first-pod').locator('.check-results li.pass').count()).toBe(firstPod.checks.length);
    await card('first-pod').screenshot({ path: join(shots, 'live-green-after-reset.png') });
    const seen = await cardTexts();
    expect(seen.filter((t) => serverPath.test(t))).toEqual([]);
  });

  it('keeps following after the server restarts', async () => {
    const { config } = srv;
    const port = Number(new URL(srv.url).port);
    await srv.server.stop();
    // The same data and port: the session, the lab (adopted) and the page survive.
    restarted = await startServer({ ...config, port }, createLogger({ level: 'warn' }));
    await labReady();
    await type('kubectl label pod hello app=other --overwrite');
    await expect.poll(() => card('first-pod').locator('.check-results li.fail .check-message').allTextContents(), { timeout: 90_000 }).toContainEqual(expect.stringContaining('app=other'));
    await card('first-pod').screenshot({ path: join(shots, 'live-after-restart.png') });
    const seen = await cardTexts();
    expect(seen.filter((t) => serverPath.test(t))).toEqual([]);
  });

  it('on a first visit, judges the kubeconfig the shell edits', async () => {
    await page.goto(`${srv.url}/lessons/${lessonOf('namespace-and-context').id}`);
    await labReady();
    await card('namespace-and-context').scrollIntoViewIfNeeded();
    await type('kubectl create namespace team-a && kubectl config set-context --current --namespace=team-a');
    await expect.poll(() => card('namespace-and-context').evaluate((el) => el.classList.contains('passed')), { timeout: 60_000 }).toBe(true);
    await card('namespace-and-context').screenshot({ path: join(shots, 'live-kubeconfig-first-visit.png') });
  });
});
