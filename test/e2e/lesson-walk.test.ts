/**
 * One learner walks a whole lesson in real Chromium, against a real server with the real course
 * and a real kwok lab: opens the lesson and reads it (diagrams load, the end is reached), runs a
 * block with its Run button and sees the output in the terminal, checks the exercise (red), types
 * the lesson's own solution in the terminal and watches the checks turn green without pressing
 * Check again, answers the quiz (a wrong answer first, which shows the explanation), and reloads:
 * the exercise, the quiz and the lesson's completion are remembered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, waitForTerminal } from '../helpers/browser.js';
import { loadCourse, type QuizQuestion } from '../../server/course.js';
import { packageRoot } from '../../sandbox/index.js';
import { runBlocks } from '../helpers/lesson-blocks.js';

const lessonsDir = join(packageRoot, 'lessons');
const course = loadCourse(lessonsDir);
const lesson = course.lessons.find((l) => l.id === 'cluster-at-a-glance')!;
const exercise = lesson.exercises[0]!;

let srv: TestServer;
let browser: Browser;
let page: Page;

const prompt = /learner@lab-[0-9a-f]+:~\$ $/m;

async function typeInTerminal(text: string): Promise<void> {
  await page.locator('#terminal-host .xterm-helper-textarea').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

const question = (id: string) => page.locator(`section.quiz li.question[data-question="${id}"]`);

/** Puts the learner's answer to one question into its form and submits it. */
async function answer(q: QuizQuestion, right: boolean): Promise<Locator> {
  const li = question(q.id);
  await li.scrollIntoViewIfNeeded();
  switch (q.kind) {
    case 'single': {
      // Options are shown shuffled per learner and carry their text as value.
      const choice = right ? q.answer : (q.answer + 1) % q.options.length;
      await li.locator(`input[type=radio][value=${JSON.stringify(q.options[choice])}]`).check();
      break;
    }
    case 'multiple': {
      const chosen = new Set(right ? q.answer : [q.options.findIndex((_, i) => !q.answer.includes(i))]);
      for (let i = 0; i < q.options.length; i++) await li.locator(`input[type=checkbox][value=${JSON.stringify(q.options[i])}]`).setChecked(chosen.has(i));
      break;
    }
    case 'order': {
      // The page shows the options shuffled; move each into its place with its ↑ button.
      const order = () => li.locator('ol.order > li').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.option ?? ''));
      const wanted = right ? q.options : [...q.options].reverse();
      for (let k = 0; k < wanted.length; k++) {
        for (let guard = 0; (await order()).indexOf(wanted[k]!) > k && guard < wanted.length; guard++) {
          await li.locator('ol.order > li', { hasText: wanted[k]! }).locator('button.up').click();
        }
      }
      expect(await order()).toEqual(wanted);
      break;
    }
    case 'short':
      await li.locator('input[type=text]').fill(right ? q.accept[0]! : 'no idea');
      break;
  }
  await li.getByRole('button', { name: 'Check answer' }).click();
  await expect.poll(() => li.getAttribute('class')).toMatch(right ? /\bcorrect\b/ : /\bwrong\b/);
  return li;
}

beforeAll(async () => {
  srv = await startTestServer({ lessonsDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe(`a learner walks lesson ${lesson.id}`, () => {
  it('opens the lesson: title, goal, diagrams that load with their alt text, and a terminal into their own lab', async () => {
    await page.goto(`${srv.url}/lessons/${lesson.id}`);
    await expect(page.locator('.lesson h1').textContent()).resolves.toBe(lesson.title);
    expect(await page.locator('.lesson .goal').textContent()).toContain('kubectl');
    const diagrams = page.locator('.lesson img.diagram');
    expect(await diagrams.count()).toBeGreaterThanOrEqual(1);
    for (const img of await diagrams.all()) {
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)).toBe(true);
      expect((await img.getAttribute('alt'))?.length).toBeGreaterThan(20);
    }
    await page.waitForFunction(() => document.getElementById('lab-status')?.dataset.state === 'ready', null, { timeout: 180_000 });
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
    await waitForTerminal(page, prompt, 60_000);
  });

  it('runs the first block with its Run button and sees the nodes in the terminal', async () => {
    const first = runBlocks(lesson)[0]!;
    expect(first.source).toContain('kubectl get nodes');
    const block = page.locator('.code-block.runnable').first();
    await block.scrollIntoViewIfNeeded();
    expect((await block.locator('code').textContent())?.trim()).toBe(first.source.trim());
    await block.locator('button[data-action="run"]').click();
    // Both simulated workers, with their kubelab.io/worker label in the extra column.
    const text = await waitForTerminal(page, /kwok-worker-1\s+Ready\s+\S+\s+\S+\s+\S+\s+1\s*\n[\s\S]*kwok-worker-2\s+Ready\s+\S+\s+\S+\s+\S+\s+2/);
    expect(text).toMatch(/\$ kubectl get nodes -L kubelab\.io\/worker/);
  });

  it(`does the exercise ${exercise.id}: red before, then green live once the solution is typed in the terminal`, async () => {
    const panel = page.locator(`section.exercise[data-exercise="${exercise.id}"]`);
    await panel.scrollIntoViewIfNeeded();
    await expect(panel.locator('.exercise-state').textContent()).resolves.not.toBe('Passed');
    if (await panel.locator('button[data-action="setup"]').count()) {
      await panel.locator('button[data-action="setup"]').click();
      await expect.poll(() => panel.locator('.check-status').textContent(), { timeout: 120_000 }).toContain('ready');
    }
    await panel.locator('button[data-action="check"]').click();
    await expect.poll(() => panel.locator('.check-results li').count(), { timeout: 60_000 }).toBe(exercise.checks.length);
    expect(await panel.locator('.check-results li.fail').count()).toBeGreaterThan(0);
    expect((await panel.locator('.check-results li.fail .check-message').first().textContent())?.length).toBeGreaterThan(0);

    // The learner opens the lesson's solution and types its command.
    const solution = page.locator('details.solution').first();
    await solution.locator('summary').click();
    const command = (await solution.locator('pre code').first().textContent())!.trim();
    expect(command).toMatch(/^kubectl run hello /);
    await typeInTerminal(command);
    await waitForTerminal(page, /pod\/hello created/);

    // No second press of Check: live feedback turns every check green.
    await expect.poll(() => panel.locator('.check-results li.pass').count(), { timeout: 90_000 }).toBe(exercise.checks.length);
    expect(await panel.locator('.check-results li.fail').count()).toBe(0);
    await expect.poll(() => panel.locator('.exercise-state').textContent()).toBe('Passed');
  });

  it('answers the quiz: a wrong answer shows the explanation, then every answer right', async () => {
    // Reading to the end of the lesson marks it read: the end may come into view while the quiz
    // (the lesson's last section) is answered, so the request is listened for from the start.
    const reported = page.waitForRequest((r) => r.url().endsWith('/api/progress/visit') && (r.postData() ?? '').includes('"read":true'), { timeout: 240_000 });
    const quiz = page.locator('section.quiz');
    await quiz.scrollIntoViewIfNeeded();
    await expect.poll(() => quiz.locator('li.question').count(), { timeout: 30_000 }).toBe(lesson.quiz.length);

    const first = lesson.quiz.find((q) => q.kind === 'single')!;
    const li = await answer(first, false);
    const wrong = (await li.locator('.verdict').textContent()) ?? '';
    expect(wrong).toContain('Not quite.');
    expect(wrong.replace(/\s+/g, ' ')).toContain(first.explanation.replace(/\s+/g, ' ').trim());
    expect(await quiz.locator('.quiz-score').textContent()).toBe(`0 of ${lesson.quiz.length} right`);

    for (const q of lesson.quiz) {
      const done = await answer(q, true);
      const verdict = (await done.locator('.verdict').textContent()) ?? '';
      expect(verdict, q.id).toContain('Right.');
      expect(verdict.replace(/\s+/g, ' '), q.id).toContain(q.explanation.replace(/\s+/g, ' ').trim());
    }
    expect(await quiz.locator('.quiz-score').textContent()).toBe(`${lesson.quiz.length} of ${lesson.quiz.length} right`);

    await page.locator('#lesson-end').scrollIntoViewIfNeeded();
    await reported;
  });

  it('reloads: the passed exercise and the answered quiz are remembered, and the course shows the lesson complete', async () => {
    await page.reload();
    const panel = page.locator(`section.exercise[data-exercise="${exercise.id}"]`);
    await expect(panel.locator('.exercise-state').textContent()).resolves.toBe('Passed');
    expect(await panel.getAttribute('class')).toMatch(/\bpassed\b/);
    const quiz = page.locator('section.quiz');
    await expect.poll(() => quiz.locator('li.question.correct').count(), { timeout: 30_000 }).toBe(lesson.quiz.length);
    expect(await quiz.locator('.quiz-score').textContent()).toBe(`${lesson.quiz.length} of ${lesson.quiz.length} right`);
    // The terminal comes back with the same shell's scrollback.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
    await waitForTerminal(page, /pod\/hello created/);

    await page.goto(`${srv.url}/`);
    const card = page.locator('.lesson-card').first();
    expect(await card.getAttribute('class')).toMatch(/\bcomplete\b/);
    expect(await card.textContent()).toContain(lesson.title);
    expect(await page.locator('.meter-label').textContent()).toContain(`1 of ${course.lessons.length} lessons complete`);
    // Continue leads on to the next lesson.
    const next = course.lessons[1]!;
    expect(await page.locator('.course-summary a.btn-primary').textContent()).toContain(next.title);
  });
});
