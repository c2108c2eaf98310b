/**
 * An exam end to end in real Chromium, real server (accounts mode), real kwok labs. The instructor
 * composes an exam (first-pod for 6 points, two quiz questions for 2 each, two minutes) and opens
 * it. Ann gets first-pod partly right (wrong image) and one question right, and submits; Ben
 * answers one question and lets the time run out. While the exam runs, neither can reach hints,
 * solutions, lessons, checks or live feedback. The server grades: Ann 4 + 2 + 0 = 6, Ben 0 + 0 + 2
 * = 2; the CSV export says so; after the results are released Ann sees what was wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, parseCsv } from '../helpers/chromium.js';
import { signInPage } from '../helpers/browser.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';

const password = 'a good long passphrase';
const q1 = 'q:cluster-at-a-glance/only-etcd-client';
const q2 = 'q:cluster-at-a-glance/kubectl-run-creates';

let srv: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let teacher: Page;
let ann: Page;
let ben: Page;
let examId = 0;
const uid = (name: string) => srv.server.ctx.store.users.byUsername(name)!.id;

async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  const page = await signInPage(context, srv.url, username, password);
  await page.waitForURL(`${srv.url}/`);
  return page;
}

const screen = (p: Page) =>
  p.evaluate(() => {
    const b = (window as any).kubelab.terminal().term.buffer.active;
    return [...Array(b.length).keys()].map((i) => b.getLine(i)?.translateToString(true) ?? '').join('\n');
  });

/** What a candidate's browser can fetch while the exam runs (same-origin, with their cookie and CSRF token). */
const probe = (p: Page) =>
  p.evaluate(async () => {
    const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
    const status = async (path: string, init: RequestInit = {}) => (await fetch(path, { ...init, redirect: 'manual', headers: { accept: 'application/json', 'x-csrf-token': csrf, 'content-type': 'application/json' } })).status;
    const feedback = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/ws/feedback?exercise=first-pod`);
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('refused');
    });
    return {
      lesson: await status('/lessons/cluster-at-a-glance'),
      lessonJson: await status('/api/quiz/cluster-at-a-glance'),
      check: await status('/api/exercises/first-pod/check', { method: 'POST', body: '{}' }),
      setup: await status('/api/exercises/first-pod/setup', { method: 'POST', body: '{}' }),
      quizAnswer: await status('/api/quiz/cluster-at-a-glance/only-etcd-client', { method: 'POST', body: '{"answer":1}' }),
      labReset: await status('/api/lab/reset', { method: 'POST', body: '{}' }),
      progress: await status('/api/progress'),
      feedback,
    };
  });

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', maxLabs: 3 });
  const users = srv.server.ctx.store.users;
  users.create({ username: 'teacher', displayName: 'Ms Teacher', role: 'instructor', passwordHash: await hashPassword(password) });
  users.create({ username: 'ann', displayName: 'Ann, "the careful"', role: 'learner', passwordHash: await hashPassword(password) });
  users.create({ username: 'ben', displayName: 'Ben', role: 'learner', passwordHash: await hashPassword(password) });
  browser = await launchChromium();
  teacher = await signedIn('teacher');
  ann = await signedIn('ann');
  ben = await signedIn('ben');
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await srv?.stop();
});

describe('an exam with a time limit', () => {
  it('the instructor composes and opens it', async () => {
    await teacher.goto(`${srv.url}/exams`);
    await teacher.fill('input[name=title]', 'First steps — final');
    await teacher.fill('input[name=timeLimitMinutes]', '2');
    await teacher.fill('input[name="item:ex:first-pod"]', '6');
    await teacher.fill(`input[name="item:${q1}"]`, '2');
    await teacher.fill(`input[name="item:${q2}"]`, '2');
    await teacher.click('form[action="/exams"] button[type=submit]');
    await teacher.waitForURL(/\/exams\/\d+\/gradebook$/);
    examId = Number(teacher.url().split('/').at(-2));
    await teacher.click('form[action$="/open"] button');
    await teacher.waitForSelector('.state.open');
  });

  it('each candidate gets a fresh lab and the tasks, never hints or solutions', async () => {
    for (const p of [ann, ben]) {
      await p.goto(`${srv.url}/exams/${examId}`);
      await p.click('form[action$="/start"] button');
      await p.waitForSelector('#exam');
    }
    const html = await ann.content();
    expect(html).toContain('Create a Pod named <code>hello</code>');
    const exercise = readFileSync(join(packageRoot, 'lessons/01-cluster-at-a-glance/exercises/first-pod/exercise.yaml'), 'utf8');
    const solution = readFileSync(join(packageRoot, 'lessons/01-cluster-at-a-glance/exercises/first-pod/solution.sh'), 'utf8').trim().split('\n').at(-1)!;
    expect(exercise).toContain('--help'); // the hint the page must not show
    expect(html).not.toContain('--help');
    expect(html).not.toContain(solution);
    expect(html).not.toContain('--labels=app=hello');
    expect(html).not.toMatch(/Only kube-apiserver talks to etcd/); // a quiz explanation
    // Both labs come up; the clock starts then.
    for (const p of [ann, ben]) await p.waitForFunction(() => document.getElementById('exam-lab')?.textContent === 'ready', undefined, { timeout: 180_000 });
    await ann.waitForFunction(() => /^\d+:\d\d$/.test(document.getElementById('exam-timer')!.textContent ?? ''));
  });

  it('while it runs, lessons, checks, live feedback, quizzes and lab resets are closed to a candidate', async () => {
    const p = await probe(ann);
    expect(p).toEqual({ lesson: 403, lessonJson: 403, check: 403, setup: 403, quizAnswer: 403, labReset: 403, progress: 403, feedback: 'refused' });
    await ann.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    expect(new URL(ann.url()).pathname).toBe(`/exams/${examId}`);
    await ann.waitForSelector('#exam');
  });

  it('Ann does part of it and submits', async () => {
    await ann.waitForFunction(() => (window as any).kubelab?.terminal().run('kubectl run hello --image=nginx:1.26 --labels=app=hello'), undefined, { timeout: 60_000 });
    await expect.poll(() => screen(ann), { timeout: 30_000 }).toMatch(/pod\/hello created/);
    // Options are shown shuffled per candidate and carry their text: pick the right one by text.
    await ann.click(`.question[data-item-key="${q1}"] input[value="kube-apiserver"]`);
    await ann.waitForSelector('#exam-saved:has-text("answers saved")');
    await ann.fill(`.question[data-item-key="${q2}"] input[type=text]`, 'deployment');
    await expect.poll(() => srv.server.ctx.store.exams.answers(srv.server.ctx.store.exams.sittingOf(examId, uid('ann'))!.id).get(q2), { timeout: 5000 }).toBe('deployment');
    // kwok marks the pod Running within a few seconds; wait for it so the grade is deterministic.
    await ann.evaluate(() => (window as any).kubelab.terminal().run('kubectl wait --for=jsonpath={.status.phase}=Running pod/hello --timeout=60s'));
    await expect.poll(() => screen(ann), { timeout: 60_000 }).toMatch(/pod\/hello condition met/);
    ann.once('dialog', (d) => void d.accept());
    await ann.click('#exam-submit button');
    await ann.waitForSelector('text=has not released the results', { timeout: 120_000 });
  });

  it("Ben answers one question and runs out of time; the server grades him anyway", async () => {
    await ben.fill(`.question[data-item-key="${q2}"] input[type=text]`, 'Pod');
    await ben.click(`.question[data-item-key="${q1}"] input[value="kube-scheduler"]`);
    await ben.waitForSelector('#exam-saved:has-text("answers saved")');
    const sitting = () => srv.server.ctx.store.exams.sittingOf(examId, uid('ben'))!;
    await expect.poll(() => sitting().state, { timeout: 200_000, interval: 1000 }).toBe('graded');
    expect(sitting().endedBy).toBe('timeout');
    // His page follows by itself: from the running exam to "being graded" to "submitted".
    await ben.waitForSelector('#exam-waiting[data-state="graded"]', { timeout: 30_000 });
    expect(await ben.textContent('#exam-waiting')).toMatch(/the time ran out/);
    // After the deadline no answer changes any more.
    const late = await ben.evaluate(async (id) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      return (await fetch(`/api/exams/${id}/answers`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ itemKey: 'q:cluster-at-a-glance/only-etcd-client', answer: 1 }) })).status;
    }, examId);
    expect(late).toBe(409);
  });

  it('partial credit per check, the observed state kept, labs freed', async () => {
    const store = srv.server.ctx.store;
    const annSitting = store.exams.sittingOf(examId, uid('ann'))!;
    const results = new Map(store.exams.itemResults(annSitting.id).map((r) => [r.itemKey, r]));
    expect(results.get('ex:first-pod')!.points).toBe(4);
    expect((results.get('ex:first-pod')!.detail as any).checks.map((c: any) => c.passed)).toEqual([false, true, true]);
    expect(results.get(q1)!.points).toBe(2);
    expect(results.get(q2)!.points).toBe(0);
    expect(annSitting.score).toBe(6);
    expect(annSitting.maxScore).toBe(10);
    expect(annSitting.endedBy).toBe('submit');
    const pods = (annSitting.observed as any)['ex:first-pod'] as any[];
    expect(pods.find((o) => o.metadata.name === 'hello').spec.containers[0].image).toBe('nginx:1.26');
    const benSitting = store.exams.sittingOf(examId, uid('ben'))!;
    expect(benSitting.score).toBe(2);
    // Attempts carry the per-check results, recorded by the server with trigger 'exam'.
    expect(store.attempts.forUser(uid('ann'), 'first-pod').at(-1)!.trigger).toBe('exam');
    await expect.poll(() => store.labs.list().length, { timeout: 60_000 }).toBe(0);
  });

  it('the gradebook exports the right numbers as CSV', async () => {
    await teacher.goto(`${srv.url}/exams/${examId}/gradebook`);
    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.click('a[href$="results.csv"]')]);
    // The gradebook's columns are named by titles people read, not ids.
    expect(await teacher.textContent('table.gradebook th[data-item="ex:first-pod"]')).toMatch(/^Run your first Pod/);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    // One row per candidate and item: the item's title, then its id.
    expect(rows[0]).toEqual(['Candidate', 'Username', 'State', 'Started', 'Ended', 'Ended by', 'Item', 'Item id', 'Points', 'Item max', 'Score', 'Max']);
    const of = (user: string) => rows.slice(1).filter((r) => r[1] === user);
    const annRows = of('ann');
    expect(annRows[0]![0]).toBe('Ann, "the careful"'); // a comma and quotes survive the round trip
    expect(annRows.map((r) => [r[2], r[5], r[7], r[8], r[9], r[10], r[11]])).toEqual([
      ['graded', 'submit', 'ex:first-pod', '4', '6', '6', '10'],
      ['graded', 'submit', q1, '2', '2', '6', '10'],
      ['graded', 'submit', q2, '0', '2', '6', '10'],
    ]);
    expect(annRows[0]![6]).toBe('Run your first Pod');
    for (const r of annRows.slice(1)) expect(r[6]).toMatch(/\s/); // a question's prompt, not its id
    expect(of('ben').map((r) => [r[2], r[5], r[8], r[10]])).toEqual([
      ['graded', 'timeout', '0', '2'],
      ['graded', 'timeout', '0', '2'],
      ['graded', 'timeout', '2', '2'],
    ]);
    const raw = readFileSync((await download.path())!, 'utf8');
    expect(raw).toContain('"Ann, ""the careful"""');
  });

  it('after the instructor releases results, Ann sees her score and what was wrong', async () => {
    await ann.goto(`${srv.url}/exams/${examId}`);
    expect(await ann.textContent('main')).toMatch(/has not released the results/);
    await teacher.click('form[action$="/release"] button');
    await teacher.waitForSelector('text=results released');
    await ann.reload();
    expect(await ann.textContent('.score')).toMatch(/Score:\s*6\s*of\s*10/);
    const item = ann.locator('li.task[data-item="ex:first-pod"]');
    expect(await item.getAttribute('class')).toContain('partial');
    expect(await item.locator('li.fail').textContent()).toMatch(/nginx:1\.26.*expected.*nginx:1\.27/);
    expect(await ann.content()).not.toContain('--labels=app=hello'); // hints stay out of results too
    // The course is open to her again.
    const back = await ann.goto(`${srv.url}/lessons/cluster-at-a-glance`);
    expect(back?.status()).toBe(200);
    expect(new URL(ann.url()).pathname).toBe('/lessons/cluster-at-a-glance');
  });
});
