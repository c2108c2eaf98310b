/**
 * A workshop in real Chromium against a real server (accounts mode) and real kwok labs: an
 * instructor creates a workshop; two learners join in two browser contexts; one solves first-pod in
 * their terminal and the instructor's grid turns green for them without a reload; the instructor
 * watches that learner's terminal read-only and sees the same screen; a message reaches the
 * learners live; the results export as CSV; closing the workshop frees both labs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, parseCsv } from '../helpers/chromium.js';
import { hashPassword } from '../../server/accounts.js';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let teacher: Page;
let ann: Page;
let ben: Page;
let joinUrl = '';
let workshopId = 0;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return page;
}

/** The learner's terminal screen as xterm.js shows it: non-empty lines, trailing blanks dropped. */
const learnerScreen = (p: Page) =>
  p.evaluate(() => {
    const t = (window as any).kubelab.terminal().term;
    const b = t.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.map((l) => l.trimEnd()).filter(Boolean).join('\n');
  });
const watcherScreen = (p: Page) => p.evaluate(() => ((window as any).kubelabWatcher.screenText() as string).split('\n').map((l) => l.trimEnd()).filter(Boolean).join('\n'));

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', maxLabs: 3 });
  srv.server.ctx.store.users.create({ username: 'teacher', displayName: 'Ms Teacher', role: 'instructor', passwordHash: await hashPassword('teach me kubernetes') });
  browser = await launchChromium();
  teacher = await newPage();
  ann = await newPage();
  ben = await newPage();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await srv?.stop();
});

describe('an instructor-led workshop', () => {
  it('the instructor signs in and creates a workshop', async () => {
    await teacher.goto(`${srv.url}/workshops`);
    expect(new URL(teacher.url()).pathname).toBe('/login');
    await teacher.fill('input[name=username]', 'teacher');
    await teacher.fill('input[name=password]', 'teach me kubernetes');
    await teacher.click('button[type=submit]');
    await teacher.waitForURL(/\/workshops$/);
    await teacher.fill('#new-workshop input[name=title]', 'Kubernetes on Tuesday');
    await teacher.check('#new-workshop input[name=lessons][value=cluster-at-a-glance]');
    await teacher.fill('#new-workshop input[name=capacity]', '2');
    await teacher.click('#new-workshop button[type=submit]');
    await teacher.waitForURL(/\/workshops\/\d+$/);
    workshopId = Number(new URL(teacher.url()).pathname.split('/').pop());
    joinUrl = (await teacher.textContent('#join-link'))!.trim();
    expect(joinUrl).toMatch(/\/join\/[A-Z2-9]{8}$/);
    await teacher.waitForSelector('#live-state.on');
    // Everything from here on must arrive without a reload of the dashboard.
    await teacher.evaluate(() => ((window as any).__sameDashboard = true));
  });

  it('two learners join with the link and a display name; each gets a lab', async () => {
    for (const [page, name] of [
      [ann, 'Ann'],
      [ben, 'Ben'],
    ] as const) {
      await page.goto(joinUrl);
      await page.fill('input[name=displayName]', name);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/workshop$/);
      expect(await page.textContent('h1')).toBe('Kubernetes on Tuesday');
    }
    await teacher.waitForFunction(() => document.querySelectorAll('#grid tr[data-user]').length === 2, undefined, { timeout: 15_000 });
    const names = await teacher.$$eval('#grid tr[data-user] th', (ths) => ths.map((t) => t.textContent));
    expect(names).toEqual(['Ann', 'Ben']);
    // A third learner finds the workshop full.
    const extra = await newPage();
    await extra.goto(joinUrl);
    expect(await extra.textContent('.error')).toMatch(/full/);
    // Both labs come up (created at join), and the grid says so live.
    await teacher.waitForFunction(() => [...document.querySelectorAll('#grid td[data-lab]')].every((td) => td.textContent === 'ready'), undefined, { timeout: 180_000 });
  });

  it("Ann solves first-pod in her terminal; the instructor's grid turns green without a reload", async () => {
    const annId = srv.server.ctx.store.workshops.members(workshopId).find((m) => m.displayName === 'Ann')!.userId;
    const cell = `#grid tr[data-user="${annId}"] td[data-exercise="first-pod"]`;
    expect(await teacher.getAttribute(cell, 'data-status')).toBe('not-started');

    await ann.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    await ann.waitForSelector('.conn-state[data-kind=open]', { timeout: 120_000 });
    await ann.waitForFunction(() => (window as any).kubelab.terminal().run('kubectl run hello --image=nginx:1.27 --labels=app=hello'), undefined, { timeout: 30_000 });
    await expect.poll(() => learnerScreen(ann), { timeout: 30_000 }).toMatch(/pod\/hello created/);

    const panel = ann.locator('section.exercise[data-exercise="first-pod"]');
    const deadline = Date.now() + 90_000;
    while ((await panel.locator('.exercise-state').getAttribute('data-state')) !== 'passed' && Date.now() < deadline) {
      await panel.locator('button[data-action=check]').click();
      await ann.waitForTimeout(3000);
    }
    expect(await panel.locator('.exercise-state').getAttribute('data-state')).toBe('passed');

    await teacher.waitForSelector(`${cell}[data-status="passed"]`, { timeout: 15_000 });
    expect(await teacher.evaluate(() => (window as any).__sameDashboard)).toBe(true);
    const benId = srv.server.ctx.store.workshops.members(workshopId).find((m) => m.displayName === 'Ben')!.userId;
    expect(await teacher.getAttribute(`#grid tr[data-user="${benId}"] td[data-exercise="first-pod"]`, 'data-status')).toBe('not-started');
  });

  it("the instructor opens Ann's terminal read-only and sees the same screen", async () => {
    const annId = srv.server.ctx.store.workshops.members(workshopId).find((m) => m.displayName === 'Ann')!.userId;
    await teacher.click(`button[data-watch="${annId}"]`);
    await teacher.waitForFunction(() => /pod\/hello created/.test((window as any).kubelabWatcher.screenText()), undefined, { timeout: 15_000 });
    expect(await watcherScreen(teacher)).toBe(await learnerScreen(ann));

    // New output follows live.
    await ann.evaluate(() => (window as any).kubelab.terminal().run('echo watched-$((6*7))'));
    await teacher.waitForFunction(() => /watched-42/.test((window as any).kubelabWatcher.screenText()), undefined, { timeout: 15_000 });
    await ann.waitForTimeout(300);
    expect(await watcherScreen(teacher)).toBe(await learnerScreen(ann));

    // Read-only: keys typed in the watcher, and frames sent on the watch socket, never reach Ann's shell.
    await teacher.click('#watch-term');
    await teacher.keyboard.type('echo typed-by-instructor\n');
    await teacher.evaluate(async (id) => {
      const ws = new WebSocket(`ws://${location.host}/ws/terminal-watch?user=${id}`);
      await new Promise((r) => ws.addEventListener('open', r));
      ws.send(JSON.stringify({ type: 'data', data: 'echo sent-by-instructor\r' }));
      ws.send('echo raw-by-instructor\r');
      await new Promise((r) => setTimeout(r, 500));
      ws.close();
    }, annId);
    await ann.waitForTimeout(1000);
    const screen = await learnerScreen(ann);
    expect(screen).not.toMatch(/typed-by-instructor|sent-by-instructor|raw-by-instructor/);
  });

  it("a message from the instructor appears on the learners' pages live", async () => {
    await ben.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    await ben.waitForSelector('#notices .workshop-title');
    await teacher.fill('#message-form input[name=body]', 'Break until 10:45, then lesson 2');
    await teacher.click('#message-form button[type=submit]');
    await ben.waitForSelector('#notices .message:has-text("Break until 10:45")', { timeout: 10_000 });
    await ann.waitForSelector('#notices .message:has-text("Break until 10:45")', { timeout: 10_000 });
    expect(await teacher.evaluate(() => (window as any).__sameDashboard)).toBe(true);
  });

  it('the instructor exports the results as CSV', async () => {
    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.click('#export-csv')]);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    // One row per learner and exercise: lesson and exercise by title, each with its id beside it.
    expect(rows[0]).toEqual(['Learner', 'Joined', 'Lesson', 'Lesson id', 'Exercise', 'Exercise id', 'State', 'Attempts']);
    const ann = rows.find((r) => r[0] === 'Ann')!;
    const ben = rows.find((r) => r[0] === 'Ben')!;
    expect(ann.slice(2, 7)).toEqual(['The cluster at a glance', 'cluster-at-a-glance', 'Run your first Pod', 'first-pod', 'passed']);
    expect(Number(ann[7])).toBeGreaterThanOrEqual(1);
    expect(ben.slice(6)).toEqual(['not started', '0']);
  });

  it('closing the workshop signs the learners out and frees their labs', async () => {
    teacher.once('dialog', (d) => void d.accept());
    await teacher.click('form[action$="/close"] button');
    await teacher.waitForSelector('#ws-state.ended', { timeout: 60_000 });
    const members = srv.server.ctx.store.workshops.members(workshopId).map((m) => m.userId);
    // The page says "ended" as soon as the learners are signed out; their labs are deleted one by one after.
    await expect.poll(() => srv.server.ctx.store.labs.list().map((l) => ({ lab: l.name, owner: l.ownerId, members })), { timeout: 60_000, interval: 500 }).toEqual([]);
    const r = await ann.goto(`${srv.url}/progress`);
    expect(new URL(ann.url()).pathname).toBe('/login');
    expect(r?.status()).toBe(200);
    await ann.goto(joinUrl);
    expect(await ann.textContent('.error')).toMatch(/ended/);
  });
});
