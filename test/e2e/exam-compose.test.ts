/**
 * The exam composer in real Chromium against a real server (accounts mode; no lab is started): the
 * filter narrows the course's exercises and questions by title, lesson or id (items given points
 * stay in view), the
 * running total counts items and points as they are typed, and the exam created holds exactly
 * those items. Screenshot at 1280x720: .scratch/screenshots/exam-compose-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, postFromPage, signInPage } from '../helpers/browser.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';
import { gradeSitting } from '../../server/teaching/exams/grade.js';
import { courseOf } from '../../server/course/cache.js';

const shots = join(packageRoot, '.scratch', 'screenshots');
const password = 'a good long passphrase';

let srv: TestServer;
let browser: Browser;
let teacher: Page;

const visible = (p: Page) => p.$$eval('#compose label.points', (ls) => ls.filter((l) => (l as HTMLElement).offsetParent !== null).map((l) => l.querySelector('input')!.name));

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ auth: 'accounts' });
  srv.server.ctx.store.users.create({ username: 'teacher', displayName: 'Ms Teacher', role: 'instructor', passwordHash: await hashPassword(password) });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  teacher = await signInPage(context, srv.url, 'teacher', password);
  await teacher.waitForURL(`${srv.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('the exam composer', () => {
  it('the running total follows the points typed', async () => {
    await teacher.goto(`${srv.url}/exams`);
    expect(await teacher.textContent('#compose-total')).toBe('0 items · 0 points');
    await teacher.fill('input[name="item:ex:first-pod"]', '6');
    expect(await teacher.textContent('#compose-total')).toBe('1 item · 6 points');
    await teacher.fill('input[name="item:q:cluster-at-a-glance/only-etcd-client"]', '2.5');
    expect(await teacher.textContent('#compose-total')).toBe('2 items · 8.5 points');
    await teacher.fill('input[name="item:q:cluster-at-a-glance/only-etcd-client"]', '');
    expect(await teacher.textContent('#compose-total')).toBe('1 item · 6 points');
    await teacher.fill('input[name="item:q:cluster-at-a-glance/only-etcd-client"]', '2');
  });

  it('the filter narrows the list; items with points stay in view', async () => {
    const all = (await visible(teacher)).length;
    expect(all).toBeGreaterThan(100);
    await teacher.fill('#compose-filter', 'taint');
    const shown = await visible(teacher);
    expect(shown.length).toBeLessThan(all);
    expect(shown).toContain('item:ex:taint-node');
    // Kept although they do not match: they have points.
    expect(shown).toContain('item:ex:first-pod');
    expect(shown).toContain('item:q:cluster-at-a-glance/only-etcd-client');
    for (const label of await teacher.$$eval('#compose label.points', (ls) => ls.filter((l) => (l as HTMLElement).offsetParent !== null).map((l) => [`${l.textContent ?? ''} ${l.querySelector('input')!.name}`, l.closest('fieldset')!.querySelector('legend')!.textContent ?? '', l.querySelector('input')!.value]))) {
      expect(`${label[0]} ${label[1]}`.toLowerCase().includes('taint') || Number(label[2]) > 0).toBe(true);
    }
    await teacher.fill('input[name="item:ex:taint-node"]', '10');
    expect(await teacher.textContent('#compose-total')).toBe('3 items · 18 points');
    await teacher.screenshot({ path: join(shots, 'exam-compose-filtered.png') });
    await teacher.fill('#compose-filter', '');
    expect((await visible(teacher)).length).toBe(all);
  });

  it('the exam created holds exactly the items given points', async () => {
    await teacher.fill('#compose input[name=title]', 'Composed');
    await teacher.click('#compose button[type=submit]');
    await teacher.waitForURL(/\/exams\/\d+\/gradebook$/);
    const exam = srv.server.ctx.store.exams.list().find((e) => e.title === 'Composed')!;
    expect(exam.items.map((i) => [i.key, i.points])).toEqual([
      ['ex:first-pod', 6],
      ['q:cluster-at-a-glance/only-etcd-client', 2],
      ['ex:taint-node', 10],
    ]);
  });

  it("the exam's own questions count in the total and are stored with the exam, never in a practice quiz", async () => {
    await teacher.goto(`${srv.url}/exams`);
    await teacher.fill('#compose input[name=title]', 'Own questions');
    await teacher.fill('textarea[name="own:1:prompt"]', 'Which port does the exam-only API server listen on?');
    await teacher.fill('textarea[name="own:1:options"]', '443\n* 6443\n8080');
    await teacher.fill('input[name="own:1:explanation"]', 'kube-apiserver serves on 6443 by default.');
    await teacher.fill('input[name="own:1:points"]', '3');
    await teacher.fill('textarea[name="own:2:prompt"]', 'Which two are control-plane components (exam only)?');
    await teacher.fill('textarea[name="own:2:options"]', '* etcd\n* kube-scheduler\nkubelet');
    await teacher.fill('input[name="own:2:points"]', '2');
    expect(await teacher.textContent('#compose-total')).toBe('2 items · 5 points');
    // The filter leaves the exam's own questions alone.
    await teacher.fill('#compose-filter', 'taint');
    expect(await teacher.locator('textarea[name="own:1:prompt"]').isVisible()).toBe(true);
    await teacher.fill('#compose-filter', '');
    await teacher.locator('fieldset[data-own]').scrollIntoViewIfNeeded();
    await teacher.screenshot({ path: join(shots, 'exam-compose-own-questions.png') });
    await teacher.click('#compose button[type=submit]');
    await teacher.waitForURL(/\/exams\/\d+\/gradebook$/);
    const exam = srv.server.ctx.store.exams.list().find((e) => e.title === 'Own questions')!;
    expect(exam.items.map((i) => [i.key, i.kind, i.points])).toEqual([
      ['own:1', 'quiz', 3],
      ['own:2', 'quiz', 2],
    ]);
    expect(exam.items[0]).toMatchObject({ lessonId: 'exam', own: { kind: 'single', options: ['443', '6443', '8080'], answer: 1, explanation: 'kube-apiserver serves on 6443 by default.' } });
    expect(exam.items[1]).toMatchObject({ own: { kind: 'multiple', answer: [0, 1] } });

    // No practice quiz has them: not one lesson's quiz API or page mentions them.
    for (const l of courseOf(srv.server.ctx).lessons) {
      const api = await teacher.request.get(`${srv.url}/api/quiz/${l.id}`);
      expect(await api.text()).not.toContain('exam-only');
    }
    expect((await teacher.request.get(`${srv.url}/api/quiz/exam`)).status()).toBe(404);

    // A candidate's answers are graded against the exam's own key.
    const { users, exams } = srv.server.ctx.store;
    const cand = users.create({ username: 'cand', displayName: 'Cand', role: 'learner', passwordHash: null });
    exams.setState(exam.id, 'open');
    const { sitting } = exams.startSitting(exam.id, cand.id, new Date(Date.now() + 600_000).toISOString());
    exams.saveAnswer(sitting.id, 'own:1', '6443');
    exams.saveAnswer(sitting.id, 'own:2', ['etcd', 'kubelet']);
    expect(exams.beginGrading(sitting.id, 'submit')).toBe(true);
    await gradeSitting(srv.server.ctx, exams.sitting(sitting.id)!);
    expect(exams.itemResults(sitting.id).map((r) => [r.itemKey, r.points])).toEqual([
      ['own:1', 3],
      ['own:2', 0],
    ]);
    // The gradebook names them by their prompt.
    await teacher.goto(`${srv.url}/exams/${exam.id}/gradebook`);
    expect(await teacher.textContent('main')).toContain('Which port does the exam-only API server listen on?');
    // The instructor's view of the sitting shows what the candidate answered.
    await teacher.goto(`${srv.url}/exams/${exam.id}/sittings/${sitting.id}`);
    const detail = (await teacher.textContent('main')) ?? '';
    expect(detail).toContain('6443');
    expect(detail).toMatch(/etcd.*kubelet/s);
  });

  it('an own question without a right option, or without points, is refused with a clear message', async () => {
    await teacher.goto(`${srv.url}/exams`);
    await teacher.fill('#compose input[name=title]', 'Broken');
    await teacher.fill('textarea[name="own:1:prompt"]', 'Which one?');
    await teacher.fill('textarea[name="own:1:options"]', 'a\nb');
    await teacher.fill('input[name="own:1:points"]', '1');
    await teacher.click('#compose button[type=submit]');
    // The refusal is shown beside the button, on the same page, with everything typed still there.
    await teacher.locator('#compose p.error[role=alert]').waitFor({ state: 'visible' });
    expect(await teacher.textContent('#compose p.error')).toContain('Own question 1: start the right option (or options) with *.');
    expect(teacher.url()).toBe(`${srv.url}/exams`);
    expect(await teacher.inputValue('#compose input[name=title]')).toBe('Broken');
    expect(await teacher.inputValue('textarea[name="own:1:prompt"]')).toBe('Which one?');
    expect(await teacher.inputValue('textarea[name="own:1:options"]')).toBe('a\nb');
    await teacher.locator('#compose p.error').screenshot({ path: join(shots, 'exam-compose-refused.png') });
    const status = await postFromPage(teacher, '/api/exams', { title: 'No points', timeLimitMinutes: 10, 'own:1:prompt': 'Which?', 'own:1:options': '* a\nb' });
    expect(status).toMatchObject({ status: 400, error: 'Own question 1 needs points.' });
    expect(srv.server.ctx.store.exams.list().map((e) => e.title)).not.toContain('Broken');
    // Corrected in place, the same form is accepted.
    await teacher.fill('textarea[name="own:1:options"]', '* a\nb');
    await teacher.click('#compose button[type=submit]');
    await teacher.waitForURL(/\/exams\/\d+\/gradebook$/);
    expect(srv.server.ctx.store.exams.list().find((e) => e.title === 'Broken')?.items.map((i) => i.key)).toEqual(['own:1']);
  });

  it("a candidate sees the exam's own question in the exam, answers it, submits, and it is graded by the exam's key", async () => {
    const { users, exams } = srv.server.ctx.store;
    const exam = exams.list().find((e) => e.title === 'Own questions')!;
    const ownOnly = exams.create({ title: 'Own only', timeLimitMinutes: 15, items: exam.items.filter((i) => i.key === 'own:1'), createdBy: exam.createdBy! });
    exams.setState(ownOnly.id, 'open');
    users.create({ username: 'carla', displayName: 'Carla', role: 'learner', passwordHash: await hashPassword(password) });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const carla = await signInPage(context, srv.url, 'carla', password);
    await carla.waitForURL(`${srv.url}/`);
    await carla.goto(`${srv.url}/exams/${ownOnly.id}`);
    await carla.click('form[action$="/start"] button');
    await carla.waitForSelector('#exam');
    const question = carla.locator('.question[data-item-key="own:1"]');
    expect(await question.textContent()).toContain('Which port does the exam-only API server listen on?');
    expect(await question.locator('input[type=radio]').count()).toBe(3);
    // The explanation (the key) is not on the page while the exam runs.
    expect(await carla.content()).not.toContain('kube-apiserver serves on 6443 by default.');
    await question.locator('input[value="6443"]').click();
    await carla.waitForSelector('#exam-saved:has-text("answers saved")');
    await carla.screenshot({ path: join(shots, 'exam-compose-own-question-candidate.png') });
    carla.once('dialog', (d) => void d.accept());
    await carla.click('#exam-submit button');
    await carla.waitForSelector('text=has not released the results', { timeout: 120_000 });
    const sitting = exams.sittingOf(ownOnly.id, users.byUsername('carla')!.id)!;
    expect(sitting).toMatchObject({ state: 'graded', score: 3, maxScore: 3 });
    // Released while the exam is still open: her score and verdicts, but not the explanation (the
    // key), neither on the page nor from the API, since others may still sit it.
    exams.setReleased(ownOnly.id, true);
    await carla.reload();
    await carla.waitForSelector('#explanations-withheld');
    expect(await carla.textContent('main')).toContain('Score: 3 of 3');
    expect(await carla.textContent('main')).toContain('Right.');
    expect(await carla.content()).not.toContain('kube-apiserver serves on 6443 by default.');
    expect(JSON.stringify(await (await carla.request.get(`${srv.url}/api/exams/${ownOnly.id}/me`)).json())).not.toContain('kube-apiserver serves on 6443 by default.');
    // Once it is closed, the explanation is there.
    exams.setState(ownOnly.id, 'closed');
    await carla.reload();
    expect(await carla.textContent('main')).toContain('kube-apiserver serves on 6443 by default.');
    expect(await carla.locator('#explanations-withheld').count()).toBe(0);
    await context.close();
  });
});
