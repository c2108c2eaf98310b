/**
 * The key pages in real Chromium against a real server (accounts mode), each at 1280x720 and
 * 800x900: the course index, a lesson with the longest title, the workshop dashboard, the exam page
 * (before the start, and a running sitting) and the admin page. On each, axe-core finds no serious or critical violation,
 * nothing is wider than the window (the document does not scroll sideways and no element reaches
 * past the right edge unless an ancestor clips or scrolls it), and below 900 px the navigation
 * sits behind a menu button that opens it by mouse or keyboard. No lab is needed (the lesson page
 * is checked as it is while its lab starts, or fails to). Screenshots:
 * .scratch/screenshots/pages-<page>-<width>.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, signInPage } from '../helpers/browser.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';

const shots = join(packageRoot, '.scratch', 'screenshots');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const password = 'a good long passphrase';

let srv: TestServer;
let browser: Browser;
let admin: BrowserContext;
let candidate: BrowserContext;
let runner: BrowserContext;
let workshopId = 0;
let examId = 0;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's serious and critical violations on the page, as lines a person can read. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`));
}

/** Elements that reach past the window's right edge without an ancestor that clips or scrolls them. */
function overflowing(page: Page): Promise<{ scrollWidth: number; innerWidth: number; elements: string[] }> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const out: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= width + 0.5) continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= width + 0.5) {
          clipped = true;
          break;
        }
      }
      if (!clipped) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} right=${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, elements: out };
  });
}

const pages: { name: string; context: () => BrowserContext; path: () => string; ready: string }[] = [
  { name: 'index', context: () => admin, path: () => '/', ready: '.lesson-list' },
  // Lesson 13 has the course's longest title.
  { name: 'lesson', context: () => admin, path: () => '/lessons/security', ready: '#terminal' },
  { name: 'dashboard', context: () => admin, path: () => `/workshops/${workshopId}`, ready: '#grid td' },
  { name: 'exam', context: () => candidate, path: () => `/exams/${examId}`, ready: 'form[action$="/start"]' },
  // A running sitting: the questions beside the candidate's terminal.
  { name: 'exam-running', context: () => runner, path: () => `/exams/${examId}`, ready: '#exam .question' },
  { name: 'admin', context: () => admin, path: () => '/admin/users', ready: 'h1:has-text("Users")' },
];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ auth: 'accounts', maxLabs: 2 });
  const { users, workshops, exams } = srv.server.ctx.store;
  const root = users.create({ username: 'root', displayName: 'The Admin', role: 'admin', passwordHash: await hashPassword(password) });
  users.create({ username: 'ann', displayName: 'Ann', role: 'learner', passwordHash: await hashPassword(password) });
  const opens = new Date(Date.now() - 60_000).toISOString();
  const closes = new Date(Date.now() + 3_600_000).toISOString();
  workshopId = workshops.create({ title: 'Kubernetes for the operations team of the northern region, first cohort', lessons: ['cluster-at-a-glance', 'security'], capacity: 20, opensAt: opens, closesAt: closes, joinCode: 'QUALITY1', createdBy: root.id }).id;
  // One learner, so that the dashboard shows its grid (lesson and exercise titles as columns).
  workshops.addMemberIfRoom(workshopId, () => users.create({ username: 'w-learner', displayName: 'Wendelin Maximilian Learner-With-A-Long-Name', role: 'learner', passwordHash: null }).id);
  const exam = exams.create({ title: 'Certified cluster operator, practice round', timeLimitMinutes: 30, items: [
    { kind: 'exercise', exerciseId: 'first-pod', points: 6, key: 'ex:first-pod' },
    { kind: 'quiz', lessonId: 'cluster-at-a-glance', questionId: 'only-etcd-client', points: 2, key: 'q:cluster-at-a-glance/only-etcd-client' },
  ], createdBy: root.id });
  exams.setState(exam.id, 'open');
  examId = exam.id;
  users.create({ username: 'bea', displayName: 'Bea', role: 'learner', passwordHash: await hashPassword(password) });
  browser = await launchChromium();
  // bypassCSP: the page's policy forbids inline scripts, and axe is injected as one.
  admin = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
  candidate = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
  runner = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
  for (const [c, name] of [[admin, 'root'], [candidate, 'ann'], [runner, 'bea']] as const) {
    const p = await signInPage(c, srv.url, name, password);
    await p.waitForURL(`${srv.url}/`);
    await p.close();
  }
  // Bea is in the middle of the exam (its clock running).
  exams.startSitting(examId, users.byUsername('bea')!.id, new Date(Date.now() + 30 * 60_000).toISOString());
});

afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await candidate?.close().catch(() => undefined);
  await runner?.close().catch(() => undefined);
  await browser?.close();
  await srv?.stop();
});

describe.each([
  { width: 1280, height: 720 },
  { width: 800, height: 900 },
])('the key pages at $width x $height', (viewport) => {
  for (const p of pages) {
    it(`${p.name}: no serious accessibility violation, nothing wider than the window`, async () => {
      const page = await p.context().newPage();
      page.on('pageerror', (e) => console.error(`${p.name} page error:`, e.message));
      await page.setViewportSize(viewport);
      const r = await page.goto(`${srv.url}${p.path()}`);
      expect(r?.status()).toBe(200);
      await page.waitForSelector(p.ready);
      await page.waitForLoadState('networkidle').catch(() => undefined);
      expect(await seriousViolations(page)).toEqual([]);
      const o = await overflowing(page);
      expect(o.elements).toEqual([]);
      expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth);
      await page.screenshot({ path: join(shots, `pages-${p.name}-${viewport.width}.png`) });
      await page.close();
    });
  }
});

describe('long words', () => {
  it("a check's long message without spaces (a probe's JSON) wraps inside its card at 1280 px", async () => {
    const page = await admin.newPage();
    await page.goto(`${srv.url}/lessons/node-and-probes`);
    // The row as the page draws a failed check (client/ui/exercise.ts), with a message of 600 characters and no space.
    await page.evaluate(() => {
      const list = document.querySelector('section.exercise .check-results')!;
      const long = JSON.stringify({ probe: { httpGet: { path: '/'.repeat(1) + 'x'.repeat(300), port: 8080 }, initialDelaySeconds: 2 }, observed: 'y'.repeat(250) });
      list.innerHTML = `<li class="check fail"><span class="check-icon" aria-hidden="true">✗</span><div class="check-body"><p class="check-title">web has an HTTP liveness probe</p><p class="check-message"></p></div><span class="check-points">0/2</span></li>`;
      list.querySelector('.check-message')!.textContent = long;
      list.closest('section.exercise')!.scrollIntoView();
    });
    const { card, row } = await page.evaluate(() => {
      const r = (el: Element) => el.getBoundingClientRect().right;
      const li = document.querySelector('section.exercise .check-results li')!;
      return { card: r(li.closest('section.exercise')!), row: Math.max(r(li), r(li.querySelector('.check-message')!)) };
    });
    expect(row).toBeLessThanOrEqual(card);
    const o = await overflowing(page);
    expect(o.elements).toEqual([]);
    await page.screenshot({ path: join(shots, 'pages-long-check-message-1280.png') });
    await page.close();
  });
});

describe('the navigation below 900 px', () => {
  it('is behind a menu button that opens and closes it by mouse and by keyboard', async () => {
    const page = await admin.newPage();
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`${srv.url}/progress`);
    const button = page.locator('header.topbar .nav-toggle');
    const progress = page.locator('header.topbar a[href="/progress"]');
    expect(await button.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await progress.isVisible()).toBe(false);
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await progress.isVisible()).toBe(true);
    expect(await page.locator('header.topbar a[href="/admin/users"]').isVisible()).toBe(true);
    expect(await page.locator('header.topbar button:has-text("Sign out")').isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'pages-menu-open-800.png') });
    // Escape closes it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    expect(await progress.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('nav-toggle'))).toBe(true);
    // The keyboard alone: Enter opens it, Tab reaches its first link.
    await page.keyboard.press('Enter');
    expect(await progress.isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.closest('.topnav') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    expect(await progress.isVisible()).toBe(false);
    // At 1280 there is no menu button: the links are in the bar.
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(await button.isVisible()).toBe(false);
    expect(await progress.isVisible()).toBe(true);
    // On a lesson page too; a click elsewhere closes it.
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`${srv.url}/lessons/security`);
    expect(await progress.isVisible()).toBe(false);
    await button.click();
    expect(await progress.isVisible()).toBe(true);
    await page.click('#lesson h1');
    expect(await progress.isVisible()).toBe(false);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await page.close();
  });

  it('the lesson and its terminal stack on a narrow screen', async () => {
    const page = await admin.newPage();
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`${srv.url}/lessons/security`);
    const lesson = (await page.locator('#lesson').boundingBox())!;
    const terminal = (await page.locator('#terminal').boundingBox())!;
    expect(terminal.y).toBeGreaterThanOrEqual(lesson.y + lesson.height - 1);
    expect(Math.round(lesson.width)).toBe(800);
    expect(Math.round(terminal.width)).toBe(800);
    await page.close();
  });
});
