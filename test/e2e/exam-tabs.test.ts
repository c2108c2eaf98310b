/**
 * An exam candidate's terminal and results page, in real Chromium against a real server (accounts
 * mode) and a real kwok lab. Ann starts an exam, then opens it in a second tab: the older tab says
 * the terminal moved and offers it back; taking it back keeps what the second tab typed. After she
 * submits, her page waits for the results and shows them by itself once the instructor releases
 * them (no reload by the test). Screenshots at 1280x720: .scratch/screenshots/exam-tabs-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, signInPage, typeInTerminal, waitForTerminal } from '../helpers/browser.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';

const password = 'a good long passphrase';
const q1 = 'q:cluster-at-a-glance/only-etcd-client';
const shots = join(packageRoot, '.scratch', 'screenshots');
const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `exam-tabs-${name}.png`) });

let srv: TestServer;
let browser: Browser;
let ann: BrowserContext;
let teacherContext: BrowserContext;
let first: Page;
let second: Page;
let examId = 0;

async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await signInPage(context, srv.url, username, password);
  await page.waitForURL(`${srv.url}/`);
  return page;
}

const connState = (p: Page) => p.evaluate(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind);
const overlay = (p: Page) => p.evaluate(() => {
  const o = document.querySelector<HTMLElement>('.terminal-overlay')!;
  return o.hidden ? '' : (o.textContent ?? '');
});

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ auth: 'accounts', maxLabs: 2 });
  const { users, exams } = srv.server.ctx.store;
  const teacher = users.create({ username: 'teacher', displayName: 'Ms Teacher', role: 'instructor', passwordHash: await hashPassword(password) });
  users.create({ username: 'ann', displayName: 'Ann', role: 'learner', passwordHash: await hashPassword(password) });
  const exam = exams.create({ title: 'Two tabs', timeLimitMinutes: 20, items: [
    { kind: 'exercise', exerciseId: 'first-pod', points: 6, key: 'ex:first-pod' },
    { kind: 'quiz', lessonId: 'cluster-at-a-glance', questionId: 'only-etcd-client', points: 2, key: q1 },
  ], createdBy: teacher.id });
  exams.setState(exam.id, 'open');
  examId = exam.id;
  browser = await launchChromium();
  ann = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  teacherContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
});

afterAll(async () => {
  await ann?.close().catch(() => undefined);
  await teacherContext?.close().catch(() => undefined);
  await browser?.close();
  await srv?.stop();
});

describe('an exam sitting in two tabs', () => {
  it('the candidate starts the exam; the terminal connects once the lab is ready', async () => {
    first = await signIn(ann, 'ann');
    await first.goto(`${srv.url}/exams/${examId}`);
    await first.click('form[action$="/start"] button');
    await first.waitForSelector('#exam');
    await first.waitForFunction(() => document.getElementById('exam-lab')?.textContent === 'ready', undefined, { timeout: 180_000 });
    await expect.poll(() => connState(first), { timeout: 60_000 }).toBe('open');
    await typeInTerminal(first, 'echo typed-in-the-first-tab');
    await waitForTerminal(first, /^typed-in-the-first-tab$/m);
  });

  it('a second tab takes the terminal; the older one says it moved and offers it back', async () => {
    second = await ann.newPage();
    await second.goto(`${srv.url}/exams/${examId}`);
    await expect.poll(() => connState(second), { timeout: 30_000 }).toBe('open');
    // The second tab replays the shell's screen: nothing typed in the first is lost.
    await waitForTerminal(second, /^typed-in-the-first-tab$/m);
    await expect.poll(() => connState(first), { timeout: 10_000 }).toBe('replaced');
    expect(await overlay(first)).toMatch(/open in another tab/);
    expect(await first.locator('.terminal-overlay button').textContent()).toBe('Use it here');
    expect(await first.locator('.conn-state').textContent()).toBe('Open in another tab');
    await shot(first, 'older-tab-moved');
    await second.waitForFunction(() => /^\d+:\d\d$/.test(document.getElementById('exam-timer')!.textContent ?? ''));
    await typeInTerminal(second, 'echo typed-in-the-second-tab');
    await waitForTerminal(second, /^typed-in-the-second-tab$/m);
    await shot(second, 'second-tab');
  });

  it('taking it back in the older tab works, and the newer tab says so in turn', async () => {
    await first.click('.terminal-overlay button');
    await expect.poll(() => connState(first), { timeout: 30_000 }).toBe('open');
    expect(await overlay(first)).toBe('');
    await waitForTerminal(first, /^typed-in-the-second-tab$/m);
    await expect.poll(() => connState(second), { timeout: 10_000 }).toBe('replaced');
    expect(await overlay(second)).toMatch(/open in another tab/);
    // Keystrokes reach the shell again.
    await typeInTerminal(first, 'kubectl get nodes');
    await waitForTerminal(first, /STATUS/);
    await shot(first, 'taken-back');
    await second.close();
  });

  it('after submitting, the page shows the released results by itself', async () => {
    await first.click(`.question[data-item-key="${q1}"] input[value="kube-apiserver"]`);
    await first.waitForSelector('#exam-saved:has-text("answers saved")');
    first.once('dialog', (d) => void d.accept());
    await first.click('#exam-submit button');
    await first.waitForSelector('#exam-waiting:has-text("has not released the results")', { timeout: 120_000 });
    expect(await first.textContent('#exam-waiting')).toMatch(/updates by itself/);
    await shot(first, 'waiting-for-results');
    // Submitting again (a stale tab, a double click) says so and changes nothing.
    const again = await first.evaluate(async (id) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const r = await fetch(`/api/exams/${id}/submit`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, body: '{}' });
      return { status: r.status, error: ((await r.json()) as { error: string }).error };
    }, examId);
    expect(again).toEqual({ status: 409, error: 'You have already submitted this exam; nothing changed.' });
    const sitting = srv.server.ctx.store.exams.sittingOf(examId, srv.server.ctx.store.users.byUsername('ann')!.id)!;
    expect(sitting.endedBy).toBe('submit');
    await first.evaluate((id) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = `/exams/${id}/submit`;
      f.innerHTML = `<input name="_csrf" value="${document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content}">`;
      document.body.append(f);
      f.submit();
    }, examId);
    await first.waitForSelector('#exam-waiting:has-text("has not released the results")');
    expect(new URL(first.url()).pathname).toBe(`/exams/${examId}`);
    expect(srv.server.ctx.store.exams.sittingOf(examId, sitting.userId)!.endedAt).toBe(sitting.endedAt);
    const teacher = await signIn(teacherContext, 'teacher');
    await teacher.goto(`${srv.url}/exams/${examId}/gradebook`);
    await teacher.click('form[action$="/release"] button');
    await teacher.waitForSelector('text=results released');
    // The gradebook names the item by its title, not its id.
    expect(await teacher.textContent('table.gradebook th[data-item="ex:first-pod"]')).toMatch(/^Run your first Pod/);
    await shot(teacher, 'gradebook');
    // No reload from the test: the candidate's page notices the release.
    await first.waitForSelector('.score', { timeout: 20_000 });
    expect(await first.textContent('.score')).toMatch(/Score:\s*2\s*of\s*8/);
    expect(await first.textContent(`li.task[data-item="${q1}"] .answer`)).toBe('Answered: kube-apiserver');
    await shot(first, 'results-shown');
    // The instructor's view of the sitting shows what the candidate answered.
    await teacher.click('table.gradebook tbody th a');
    await teacher.waitForSelector(`li.task[data-item="${q1}"] .answer`);
    expect(await teacher.textContent(`li.task[data-item="${q1}"] .answer`)).toBe('Answered: kube-apiserver');
    await shot(teacher, 'sitting-detail');
  });
});
