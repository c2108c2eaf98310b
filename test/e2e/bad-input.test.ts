/**
 * Bad input gets a clear message and loses nothing, in real Chromium against a real server
 * (accounts mode; no lab is needed): an instructor acting on an ended workshop (buttons of a stale
 * page, and the API), and a candidate submitting an exam twice, at once and again later. (The last
 * admin disabling themselves: admin.test.ts; a second tab racing the first: exam-tabs.test.ts.)
 * Screenshot at 1280x720: .scratch/screenshots/bad-input-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, postFromPage, signInPage } from '../helpers/browser.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';

const shots = join(packageRoot, '.scratch', 'screenshots');
const password = 'a good long passphrase';

let srv: TestServer;
let browser: Browser;
let teacherContext: BrowserContext;
let candidateContext: BrowserContext;
let teacher: Page;
let candidate: Page;
let workshopId = 0;
let learnerId = 0;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ auth: 'accounts' });
  const { users, workshops } = srv.server.ctx.store;
  const t = users.create({ username: 'teacher', displayName: 'Ms Teacher', role: 'instructor', passwordHash: await hashPassword(password) });
  users.create({ username: 'cand', displayName: 'Cand', role: 'learner', passwordHash: await hashPassword(password) });
  workshopId = workshops.create({ title: 'Ended on time', lessons: ['cluster-at-a-glance'], capacity: 5, opensAt: new Date(Date.now() - 3_600_000).toISOString(), closesAt: new Date(Date.now() + 3_600_000).toISOString(), joinCode: 'ENDEDWS1', createdBy: t.id }).id;
  learnerId = workshops.addMemberIfRoom(workshopId, () => users.create({ username: 'w-ann', displayName: 'Ann', role: 'learner', passwordHash: null }).id)!;
  browser = await launchChromium();
  teacherContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  candidateContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  teacher = await signInPage(teacherContext, srv.url, 'teacher', password);
  await teacher.waitForURL(`${srv.url}/`);
  candidate = await signInPage(candidateContext, srv.url, 'cand', password);
  await candidate.waitForURL(`${srv.url}/`);
});

afterAll(async () => {
  await teacherContext?.close().catch(() => undefined);
  await candidateContext?.close().catch(() => undefined);
  await browser?.close();
  await srv?.stop();
});

describe('an instructor acting on an ended workshop', () => {
  it('a button of a page opened before the end gets a page that says why, and changes nothing', async () => {
    // The dashboard was open while the workshop ran.
    await teacher.goto(`${srv.url}/workshops/${workshopId}`);
    await teacher.waitForSelector('form[action$="/extend"]');
    srv.server.ctx.store.workshops.close(workshopId);
    const closedAt = srv.server.ctx.store.workshops.get(workshopId)!.closesAt;
    const [nav] = await Promise.all([teacher.waitForNavigation(), teacher.click('form[action$="/extend"] button >> nth=0')]);
    expect(nav?.status()).toBe(409);
    expect(await teacher.textContent('.error-card h1')).toBe('Not possible now');
    expect(await teacher.textContent('.error-card')).toContain('This workshop has ended, so you cannot extend it: its learners are signed out and their labs deleted.');
    expect(await teacher.textContent('.error-card')).toContain(`Its results and the CSV export stay on its page, /workshops/${workshopId}.`);
    // The error page keeps the instructor's own links.
    expect(await teacher.locator('header.topbar a[href="/exams"]').count()).toBe(1);
    expect(await teacher.locator('header.topbar button:has-text("Sign out")').count()).toBe(1);
    await teacher.screenshot({ path: join(shots, 'bad-input-ended-workshop-extend.png') });
    expect(srv.server.ctx.store.workshops.get(workshopId)!.closesAt).toBe(closedAt);
  });

  it('the API refuses every action with the same clear message; the dashboard offers results and export only', async () => {
    const cases: [string, unknown, string][] = [
      [`/api/workshops/${workshopId}/extend`, { minutes: 15 }, 'extend it'],
      [`/api/workshops/${workshopId}/messages`, { body: 'hello' }, 'message its learners'],
      [`/api/workshops/${workshopId}/learners/${learnerId}/reset`, {}, "reset a learner's lab"],
      [`/api/workshops/${workshopId}/close`, {}, 'close it again'],
    ];
    for (const [path, body, doing] of cases) {
      expect(await postFromPage(teacher, path, body)).toEqual({
        status: 409,
        error: `This workshop has ended, so you cannot ${doing}: its learners are signed out and their labs deleted.`,
        hint: `Its results and the CSV export stay on its page, /workshops/${workshopId}.`,
      });
    }
    expect(srv.server.ctx.store.workshops.messages(workshopId)).toEqual([]);
    await teacher.goto(`${srv.url}/workshops/${workshopId}`);
    for (const action of ['extend', 'close', 'messages']) expect(await teacher.locator(`form[action$="/${action}"]`).count()).toBe(0);
    expect(await teacher.locator('a[href$="/results.csv"]').count()).toBe(1);
  });
});

describe('a candidate submitting twice', () => {
  it('two submits at once grade the sitting once; a later one says it was submitted, and nothing changed', async () => {
    const { users, exams } = srv.server.ctx.store;
    const teacherId = users.byUsername('teacher')!.id;
    const exam = exams.create({ title: 'Twice', timeLimitMinutes: 20, items: [{ kind: 'quiz', lessonId: 'cluster-at-a-glance', questionId: 'only-etcd-client', points: 2, key: 'q:cluster-at-a-glance/only-etcd-client' }], createdBy: teacherId });
    exams.setState(exam.id, 'open');
    const cand = users.byUsername('cand')!;
    // A quiz-only exam: no lab to prepare, the clock runs from now.
    const { sitting } = exams.startSitting(exam.id, cand.id, new Date(Date.now() + 20 * 60_000).toISOString());
    // The page the candidate had open (the course index, loaded before the sitting) sends the answer and the submits.
    expect(await postFromPage(candidate, `/api/exams/${exam.id}/answers`, { itemKey: 'q:cluster-at-a-glance/only-etcd-client', answer: 'kube-apiserver' })).toMatchObject({ status: 200 });
    const both = await candidate.evaluate(async (id) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const submit = () => fetch(`/api/exams/${id}/submit`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, body: '{}' }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string } }));
      return Promise.all([submit(), submit()]);
    }, exam.id);
    // Whichever came second either waited for the same grading or was told it was already submitted.
    expect(both.some((r) => r.status === 200)).toBe(true);
    for (const r of both) {
      if (r.status !== 200) expect(r).toMatchObject({ status: 409, body: { error: 'You have already submitted this exam; nothing changed.' } });
    }
    const graded = exams.sitting(sitting.id)!;
    expect(graded.state).toBe('graded');
    expect(exams.itemResults(sitting.id)).toHaveLength(1);
    const again = await postFromPage(candidate, `/api/exams/${exam.id}/submit`, {});
    expect(again).toEqual({ status: 409, error: 'You have already submitted this exam; nothing changed.', hint: 'Its results appear on the exam page once released.' });
    // Nothing changed: the same score, the same answer, one result.
    expect(exams.sitting(sitting.id)).toMatchObject({ state: 'graded', score: graded.score, endedAt: graded.endedAt });
    expect(exams.answers(sitting.id).get('q:cluster-at-a-glance/only-etcd-client')).toBe('kube-apiserver');
    expect(exams.itemResults(sitting.id)).toHaveLength(1);
    // The page's own Submit button, pressed again on a stale page, shows the submitted exam.
    const r = await candidate.goto(`${srv.url}/exams/${exam.id}`);
    expect(r?.status()).toBe(200);
    expect(await candidate.textContent('main')).toMatch(/You submitted this exam/);
    expect(await candidate.textContent('.meta')).toBe('20 minutes · 1 item · 2 points');
    await candidate.screenshot({ path: join(shots, 'bad-input-submitted-twice.png') });
  });
});
