/**
 * The end of a workshop as its people see it, in real Chromium against a real server (accounts
 * mode) and a real kwok lab. The instructor copies the join code and link with the copy buttons;
 * a learner joins and has two pages open (a lesson with its terminal, and the workshop's page).
 * When the instructor closes the workshop, both learner pages say what happened (lab deleted,
 * signed out, results kept by the instructor) and where to go; the dashboard, and a second tab of
 * it left open, show results and export only; acting on the ended workshop gets a clear message.
 * Screenshots at 1280x720: .scratch/screenshots/workshop-end-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { parseCsv } from '../helpers/chromium.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';

const password = 'teach me kubernetes';
const shots = join(packageRoot, '.scratch', 'screenshots');
const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `workshop-end-${name}.png`) });

let srv: TestServer;
let browser: Browser;
let teacherContext: BrowserContext;
let learnerContext: BrowserContext;
let teacher: Page;
let staleDashboard: Page;
let lesson: Page;
let home: Page;
let workshopId = 0;
let joinUrl = '';

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ auth: 'accounts', maxLabs: 2 });
  srv.server.ctx.store.users.create({ username: 'teacher', displayName: 'Ms Teacher', role: 'instructor', passwordHash: await hashPassword(password) });
  browser = await launchChromium();
  teacherContext = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  await teacherContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  learnerContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  for (const c of [teacherContext, learnerContext]) c.on('page', (p) => p.on('pageerror', (e) => console.error('page error:', e.message)));
});

afterAll(async () => {
  await teacherContext?.close().catch(() => undefined);
  await learnerContext?.close().catch(() => undefined);
  await browser?.close();
  await srv?.stop();
});

describe('a workshop that ends', () => {
  it('the instructor creates it and copies the join code and link with one click each', async () => {
    teacher = await teacherContext.newPage();
    await teacher.goto(`${srv.url}/login`);
    await teacher.fill('input[name=username]', 'teacher');
    await teacher.fill('input[name=password]', password);
    await teacher.click('button[type=submit]');
    await teacher.waitForURL(`${srv.url}/`);
    await teacher.goto(`${srv.url}/workshops`);
    await teacher.fill('#new-workshop input[name=title]', 'Kubernetes on Tuesday');
    await teacher.check('#new-workshop input[name=lessons][value=cluster-at-a-glance]');
    await teacher.click('#new-workshop button[type=submit]');
    await teacher.waitForURL(/\/workshops\/\d+$/);
    workshopId = Number(new URL(teacher.url()).pathname.split('/').pop());
    joinUrl = (await teacher.textContent('#join-link'))!.trim();
    const code = (await teacher.textContent('#join-code'))!.trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    await teacher.click('button[data-copy-of="join-code"]');
    await expect.poll(() => teacher.evaluate(() => navigator.clipboard.readText())).toBe(code);
    expect(await teacher.textContent('button[data-copy-of="join-code"]')).toBe('Copied');
    await teacher.click('button[data-copy-of="join-link"]');
    await expect.poll(() => teacher.evaluate(() => navigator.clipboard.readText())).toBe(joinUrl);
    await shot(teacher, 'dashboard-copied-link');
  });

  it('a learner joins; their lesson page and workshop page are open', async () => {
    home = await learnerContext.newPage();
    await home.goto(joinUrl);
    await home.fill('input[name=displayName]', 'Ann');
    await home.click('button[type=submit]');
    await home.waitForURL(/\/workshop$/);
    await home.waitForSelector('#notices .workshop-title');
    lesson = await learnerContext.newPage();
    await lesson.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    await lesson.waitForSelector('.conn-state[data-kind=open]', { timeout: 180_000 });
    await lesson.waitForSelector('#notices .time-left');
    // A second tab of the dashboard stays open through the end.
    staleDashboard = await teacherContext.newPage();
    await staleDashboard.goto(`${srv.url}/workshops/${workshopId}`);
    await staleDashboard.waitForSelector('#live-state.on');
    await staleDashboard.waitForSelector('#grid td[data-lab]:has-text("ready")', { timeout: 60_000 });
    expect(await staleDashboard.locator('#grid button[data-reset]').count()).toBe(1);
    // The grid names exercises by title; the tooltip of a cell says the same as the cell.
    expect(await staleDashboard.textContent('#grid th.ex[data-exercise="first-pod"]')).toBe('Run your first Pod');
    expect(await staleDashboard.getAttribute('#grid td[data-exercise="first-pod"]', 'title')).toBe('Ann: Run your first Pod — not started');
    await shot(staleDashboard, 'grid-titles');
  });

  it('closing it: every open learner page says the lab is deleted, what happens to the results, where to go', async () => {
    teacher.once('dialog', (d) => void d.accept());
    await teacher.click('form[action$="/close"] button');
    await teacher.waitForSelector('#ended-notice', { timeout: 60_000 });

    // The lesson page: the terminal says the workshop ended, offers no new shell, points to /join.
    await lesson.waitForSelector('.terminal-overlay:not([hidden]) .overlay-title:has-text("The workshop has ended.")', { timeout: 30_000 });
    const overlay = (await lesson.textContent('.terminal-overlay'))!;
    expect(overlay).toMatch(/lab is deleted/);
    expect(overlay).toMatch(/signed out/);
    expect(overlay).toMatch(/results stay with your instructor/);
    expect(overlay).not.toMatch(/still there|new shell/i);
    expect(await lesson.getAttribute('.terminal-overlay a.btn', 'href')).toBe('/join');
    // The top bar no longer promises a lab, nor offers to reset one.
    expect(await lesson.textContent('#lab-status .lab-text')).toBe('No lab: the workshop has ended');
    expect(await lesson.locator('#reset-lab, #restart-shell').count()).toBe(0);
    // Its notices bar says the same.
    await lesson.waitForSelector('#notices.ended [role=alert]');
    expect(await lesson.textContent('#notices')).toMatch(/lab is deleted.*signed out/);
    await shot(lesson, 'learner-lesson-page');

    // The workshop's own page, open in another tab, says so too.
    await home.waitForSelector('#notices.ended [role=alert]', { timeout: 30_000 });
    expect(await home.textContent('#notices')).toMatch(/The workshop has ended\..*results stay with your instructor/);
    // The workshop page's own badge follows: it no longer says "open".
    expect(await home.textContent('#workshop-state')).toBe('ended');
    expect(await home.textContent('#workshop-ends')).toBe('ended');
    await shot(home, 'learner-workshop-page');

    // And it is true: the lab is gone, the session too.
    await expect.poll(() => srv.server.ctx.store.labs.list(), { timeout: 60_000 }).toEqual([]);
    await home.reload();
    expect(new URL(home.url()).pathname).toBe('/login');
  });

  it('the ended dashboard shows results and export only, in every open tab', async () => {
    for (const p of [teacher, staleDashboard]) {
      await p.waitForSelector('#ended-notice', { timeout: 30_000 });
      await p.waitForSelector('#grid tr[data-user]');
      expect(await p.locator('form[action$="/extend"], form[action$="/close"], #message-form, [data-copy], #grid button, #grid a.btn').count()).toBe(0);
      expect(await p.locator('#export-csv').count()).toBe(1);
      expect(await p.textContent('#grid tr[data-user] th')).toBe('Ann');
    }
    await shot(staleDashboard, 'ended-dashboard');
    // The export: lesson and exercise by title, each id in the column after it.
    const [download] = await Promise.all([staleDashboard.waitForEvent('download'), staleDashboard.click('#export-csv')]);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(rows[0]).toEqual(['Learner', 'Joined', 'Lesson', 'Lesson id', 'Exercise', 'Exercise id', 'State', 'Attempts']);
    expect(rows.slice(1).map((r) => [r[0], ...r.slice(2)])).toEqual([['Ann', 'The cluster at a glance', 'cluster-at-a-glance', 'Run your first Pod', 'first-pod', 'not started', '0']]);
  });

  it('an instructor acting on the ended workshop gets a clear message, in the page and from the API', async () => {
    // A form posted from a page drawn before the end (as a stale tab would).
    await teacher.evaluate((id) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = `/workshops/${id}/extend`;
      f.innerHTML = `<input name="_csrf" value="${document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content}"><input name="minutes" value="15">`;
      document.body.append(f);
      f.submit();
    }, workshopId);
    await teacher.waitForSelector('.error-card');
    expect(await teacher.textContent('.error-card h1')).toBe('Not possible now');
    expect(await teacher.textContent('.error-card')).toMatch(/This workshop has ended, so you cannot extend it: its learners are signed out and their labs deleted\./);
    expect(await teacher.textContent('.error-card')).toMatch(new RegExp(`/workshops/${workshopId}`));
    // The header is the signed-in instructor's as on every page.
    expect(await teacher.locator('header.topbar a[href="/exams"]').count()).toBe(1);
    expect(await teacher.locator('header.topbar form[action="/logout"]').count()).toBe(1);
    await shot(teacher, 'extend-refused');

    const api = await teacher.evaluate(async (id) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const post = async (path: string, body: unknown) => {
        const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
        return { status: r.status, error: ((await r.json()) as { error: string }).error };
      };
      return [await post(`/api/workshops/${id}/messages`, { body: 'hello?' }), await post(`/api/workshops/${id}/close`, {}), await post(`/api/workshops/${id}/extend`, { minutes: 15 })];
    }, workshopId);
    expect(api.map((a) => a.status)).toEqual([409, 409, 409]);
    expect(api.map((a) => a.error)).toEqual([
      'This workshop has ended, so you cannot message its learners: its learners are signed out and their labs deleted.',
      'This workshop has ended, so you cannot close it again: its learners are signed out and their labs deleted.',
      'This workshop has ended, so you cannot extend it: its learners are signed out and their labs deleted.',
    ]);
    // Nothing was lost: the message was not stored, the results are still there.
    expect(srv.server.ctx.store.workshops.messages(workshopId)).toEqual([]);
    expect(srv.server.ctx.store.workshops.members(workshopId).map((m) => m.displayName)).toEqual(['Ann']);
  });
});
