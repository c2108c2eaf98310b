/**
 * The lesson page in real Chromium against a real server with the real course and a real kwok lab:
 * the learner types into their terminal and sees their own cluster, Run buttons run, a dropped
 * socket or a reload comes back with the scrollback, the terminal follows the viewport, themes,
 * keyboard use, checking an exercise, and resetting the lab. Saves docs/screenshot.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, terminalLines, typeInTerminal as typeIn, waitForLab, waitForTerminal } from '../helpers/browser.js';
import { loadCourse } from '../../server/course.js';
import { packageRoot } from '../../sandbox/index.js';
import { decodePng, inkAndBackground } from '../helpers/png.js';

const lessonsDir = join(packageRoot, 'lessons');
const course = loadCourse(lessonsDir);
const lesson = course.lessons[0]!;
const exercise = lesson.exercises[0];

let srv: TestServer;
let browser: Browser;
let page: Page;

const prompt = /learner@lab-[0-9a-f]+:~\$ $/m;

const typeInTerminal = (text: string) => typeIn(page, text);
const labReady = () => waitForLab(page, prompt);

const termCols = () => page.evaluate(() => (window as unknown as { kubelab: { terminal(): { term: { cols: number } } } }).kubelab.terminal().term.cols);

beforeAll(async () => {
  srv = await startTestServer({ lessonsDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${srv.url}/lessons/${lesson.id}`);
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('the lesson page', () => {
  it('shows the lesson beside a terminal into the learner\'s own cluster: kubectl get nodes lists both workers', async () => {
    await expect(page.locator('.lesson h1').textContent()).resolves.toBe(lesson.title);
    await labReady();
    await typeInTerminal('kubectl get nodes');
    const text = await waitForTerminal(page, /kwok-worker-1\s+Ready[\s\S]*kwok-worker-2\s+Ready/);
    expect(text).toContain('NAME');
    // Lab variables in the lesson are filled with the lab's real node names.
    const vars = await page.locator('.lab-var[data-var="worker1"]').allTextContents();
    if (vars.length) expect(vars.every((v) => v === 'kwok-worker-1')).toBe(true);
  });

  it('runs a Run block in the terminal, and leaves the focus there', async () => {
    const block = page.locator('.code-block.runnable:not(.needs-containers)').first();
    const command = ((await block.locator('code').textContent()) ?? '').split('\n')[0]!.trim();
    await block.scrollIntoViewIfNeeded();
    await block.locator('button[data-action="run"]').click();
    const escaped = command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await waitForTerminal(page, new RegExp(`\\$ ${escaped}[\\s\\S]*\\n.*learner@lab-[0-9a-f]+:~\\$ $`, 'm'));
    // The learner is left in the terminal: what they type next goes to the shell, not the button.
    expect(await page.evaluate(() => document.getElementById('terminal-host')!.contains(document.activeElement))).toBe(true);
    await page.keyboard.type('echo typed-after-run');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^typed-after-run$/m);
  });

  it('saves a screenshot of the lesson page at 1280x720', async () => {
    await page.locator('.lesson-pane').evaluate((el) => {
      const block = el.querySelector('.code-block.runnable');
      if (block) el.scrollTop = Math.max(0, (block as HTMLElement).offsetTop - 360);
    });
    await page.waitForTimeout(1700); // the Run button's "Sent" has faded
    await page.waitForFunction(() => document.getElementById('toast')?.hidden !== false, null, { timeout: 10_000 });
    await page.screenshot({ path: join(packageRoot, 'docs', 'screenshot.png') });
  });

  it('comes back after a dropped socket, with its scrollback and what it missed, once', async () => {
    await typeInTerminal('export MARK=same-shell-$((3*4)); echo before-drop-$((6*7)); (sleep 2; echo while-away-$((7*6))) &');
    await waitForTerminal(page, /^before-drop-42$/m);
    await page.evaluate(() => (window as unknown as { kubelab: { terminal(): { connection: { drop(): void } } } }).kubelab.terminal().connection.drop());
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind !== 'open', null, { timeout: 5000 }).catch(() => undefined);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
    // Printed while the socket was down (after the prompt, so not at a line start).
    const text = await waitForTerminal(page, /while-away-42$/m, 15_000);
    expect(text.match(/^before-drop-42$/gm)).toHaveLength(1);
    expect(text.match(/while-away-42/g)).toHaveLength(1);

    // A reload is a new page: it gets the kept scrollback, and the very same shell.
    await page.reload();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
    await waitForTerminal(page, /^before-drop-42$/m);
    await typeInTerminal('echo "mark is $MARK"');
    await waitForTerminal(page, /^mark is same-shell-12$/m);
  });

  it('follows the viewport and the divider: tput cols changes', async () => {
    await typeInTerminal('echo "cols=$(tput cols)"');
    const first = Number(/^cols=(\d+)$/m.exec(await waitForTerminal(page, /^cols=\d+$/m))![1]);
    expect(first).toBe(await termCols());

    await page.setViewportSize({ width: 1600, height: 900 });
    await page.waitForFunction((c) => (window as unknown as { kubelab: { terminal(): { term: { cols: number } } } }).kubelab.terminal().term.cols > c, first);
    await page.locator('#terminal-host .xterm-helper-textarea').focus();
    await page.keyboard.type('clear; echo "cols=$(tput cols)"');
    await page.keyboard.press('Enter');
    const wider = Number(/^cols=(\d+)$/m.exec(await waitForTerminal(page, new RegExp(`^cols=(?!${first}$)\\d+$`, 'm')))![1]);
    expect(wider).toBeGreaterThan(first);
    expect(wider).toBe(await termCols());

    // The divider moves with the keyboard: a narrower lesson gives the terminal more columns.
    await page.locator('#divider').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((c) => (window as unknown as { kubelab: { terminal(): { term: { cols: number } } } }).kubelab.terminal().term.cols > c, wider);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator('#divider').focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 13; i++) await page.keyboard.press('ArrowRight');
  });

  it('switches between light and dark themes, and keeps the choice', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const before = await theme();
    await page.locator('[data-theme-toggle]').click();
    const after = await theme();
    expect(after).not.toBe(before);
    const termBg = await page.evaluate(() => getComputedStyle(document.querySelector('.xterm-viewport') ?? document.body).backgroundColor);
    expect(termBg).toBeTruthy();
    await page.reload();
    expect(await theme()).toBe(after);
    await page.locator('[data-theme-toggle]').click();
    expect(await theme()).toBe(before);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
  });

  it('draws diagrams readable in both themes: the page never inverts them a second time', async () => {
    // The diagrams switch their own ink with prefers-color-scheme, which inside an <img> follows the
    // page's color-scheme. Measure the ink in a screenshot of one: light on dark, dark on light.
    const img = page.locator('.lesson img.diagram').first();
    const setTheme = async (t: string) => {
      await page.evaluate((t) => localStorage.setItem('kubelab-theme', t), t);
      await page.reload();
      await img.scrollIntoViewIfNeeded();
      await img.evaluate((i: HTMLImageElement) => i.decode()); // diagrams load lazily
    };
    const ink = async (name: string) => {
      const png = await img.screenshot({ path: join(packageRoot, '.scratch', 'screenshots', `diagram-${name}.png`) });
      return inkAndBackground(decodePng(png));
    };
    await setTheme('dark');
    expect(await img.evaluate((i) => getComputedStyle(i).filter)).toBe('none');
    const dark = await ink('dark');
    expect(dark.background).toBeLessThan(0.3);
    expect(dark.inkPixels).toBeGreaterThan(200);
    expect(dark.ink).toBeGreaterThan(0.6);
    await setTheme('light');
    const light = await ink('light');
    expect(light.background).toBeGreaterThan(0.7);
    expect(light.inkPixels).toBeGreaterThan(200);
    expect(light.ink).toBeLessThan(0.4);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
  });

  it("shows a scenario question's command output verbatim, in a block that reads in both themes", async () => {
    const scenario = lesson.quiz.find((q) => q.output !== undefined)!;
    const question = page.locator(`.question[data-question="${scenario.id}"]`);
    const block = question.locator('code.quiz-output');
    for (const theme of ['dark', 'light']) {
      await page.evaluate((t) => localStorage.setItem('kubelab-theme', t), theme);
      await page.reload();
      await question.evaluate((e) => e.scrollIntoView({ block: 'center' }));
      // Long lines scroll inside the block; the question keeps the lesson's width.
      const widths = await question.evaluate((q) => ({ question: q.getBoundingClientRect().width, pane: q.closest('section')!.getBoundingClientRect().width, block: q.querySelector('code.quiz-output')!.getBoundingClientRect().width }));
      expect(widths.block).toBeLessThanOrEqual(widths.question);
      expect(widths.question).toBeLessThanOrEqual(widths.pane);
      await question.screenshot({ path: join(packageRoot, '.scratch', 'screenshots', `quiz-question-${theme}.png`) });
      // Line breaks and column alignment survive: the text is the output, and it is not wrapped.
      expect(await block.evaluate((e) => (e as HTMLElement).innerText)).toBe(scenario.output!.replace(/\s+$/, ''));
      const style = await block.evaluate((e) => ({ whiteSpace: getComputedStyle(e).whiteSpace, display: getComputedStyle(e).display, font: getComputedStyle(e).fontFamily }));
      expect(style.whiteSpace).toBe('pre');
      expect(style.display).toBe('block');
      expect(style.font).toMatch(/mono|consol|menlo|courier/i);
      const shot = inkAndBackground(decodePng(await block.screenshot({ path: join(packageRoot, '.scratch', 'screenshots', `quiz-output-${theme}.png`) })));
      if (theme === 'dark') expect(shot.background).toBeLessThan(0.3);
      else expect(shot.background).toBeGreaterThan(0.7);
      expect(shot.inkPixels).toBeGreaterThan(200);
    }
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
  });

  it('is usable from the keyboard, with a visible focus', async () => {
    await page.reload();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('skip-link');
    await page.locator('#divider').focus();
    const outline = await page.locator('#divider').evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    const run = page.locator('.code-block.runnable button[data-action="run"]').first();
    await run.focus();
    expect(await run.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
    // Tab completes in the shell; F6 leaves the terminal for the lesson and comes back.
    await page.locator('#terminal-host .xterm-helper-textarea').focus();
    await page.keyboard.press('F6');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lesson');
    await page.keyboard.press('F6');
    expect(await page.evaluate(() => document.getElementById('terminal-host')!.contains(document.activeElement))).toBe(true);
  });

  it.skipIf(!exercise)('checks an exercise: red with messages before, green after the work is done', async () => {
    const panel = page.locator(`section.exercise[data-exercise="${exercise!.id}"]`);
    await panel.scrollIntoViewIfNeeded();
    if (await panel.locator('button[data-action="setup"]').count()) {
      await panel.locator('button[data-action="setup"]').click();
      await expect.poll(() => panel.locator('.check-status').textContent(), { timeout: 120_000 }).toContain('ready for this exercise');
    }
    await panel.locator('button[data-action="check"]').click();
    await expect.poll(() => panel.locator('.check-results li').count(), { timeout: 60_000 }).toBe(exercise!.checks.length);
    expect(await panel.locator('.check-results li.fail').count()).toBeGreaterThan(0);
    const message = await panel.locator('.check-results li.fail .check-message').first().textContent();
    expect(message?.length).toBeGreaterThan(0);
    // A failed check's command is the last step of help: hidden until the learner asks for it.
    const withHint = exercise!.checks.filter((c) => c.hint).length;
    if (withHint) {
      const hint = panel.locator('.check-results li.fail details.check-hint').first();
      expect(await hint.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      expect(await hint.locator('code').isVisible()).toBe(false);
      await hint.locator('summary').click();
      expect(await hint.locator('code').isVisible()).toBe(true);
      expect(await hint.locator('code').textContent()).toMatch(/^kubectl /);
      await panel.locator('.check-results').screenshot({ path: join(packageRoot, '.scratch', 'screenshots', 'check-hint-opened.png') });
    }

    // Do the work in the terminal with the exercise's own reference solution, line by line.
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(exercise!.solution, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#') && !/^set\s/.test(l));
    for (const l of lines) await typeInTerminal(l);
    await waitForTerminal(page, prompt);
    await expect
      .poll(
        async () => {
          await panel.locator('button[data-action="check"]').click();
          await page.waitForTimeout(1500);
          return panel.locator('.check-results li.pass').count();
        },
        { timeout: 90_000, intervals: [2000] },
      )
      .toBe(exercise!.checks.length);
    await expect.poll(() => panel.locator('.exercise-state').textContent()).toBe('Passed');
  });

  it('resets the lab after a confirmation: the same lab back at its start, the same shell', async () => {
    const before = await page.locator('#lab-status .lab-text').textContent();
    await page.locator('#reset-lab').click();
    await expect.poll(() => page.locator('#reset-dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await page.locator('#reset-dialog button[value="cancel"]').click();
    expect(await page.locator('#lab-status .lab-text').textContent()).toBe(before);

    await typeInTerminal('kubectl run made-before-reset --image=nginx:1.27 && echo MADE');
    await waitForTerminal(page, /^MADE$/m);
    await typeInTerminal('echo kept > ~/notes.txt');
    await page.locator('#reset-lab').click();
    await page.locator('#reset-dialog button[value="reset"]').click();
    // Restored in place: the pill says so, the terminal says so and stays.
    await page.waitForFunction(() => document.getElementById('lab-status')?.dataset.restoring === 'true', null, { timeout: 30_000 });
    expect(await page.locator('#lab-status .lab-text').textContent()).toMatch(/^Resetting your lab · lab-[0-9a-f]+…$/);
    await page.locator('#lab-status').screenshot({ path: join(packageRoot, '.scratch', 'screenshots', 'lab-resetting.png') });
    await page.waitForFunction(() => { const s = document.getElementById('lab-status'); return s?.dataset.state === 'ready' && !s.dataset.restoring; }, null, { timeout: 120_000 });
    expect(await page.locator('#lab-status .lab-text').textContent()).toBe(before);
    await waitForTerminal(page, /\[kubelab\] Your lab is back at its starting state/);
    await typeInTerminal('kubectl get pods -o name | wc -l; cat ~/notes.txt');
    await waitForTerminal(page, /^0\nkept$/m);
  });
});
