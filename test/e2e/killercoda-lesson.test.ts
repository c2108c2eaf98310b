/**
 * An imported Killercoda scenario in real Chromium against a real server and a real kwok lab:
 * "Prepare my lab" runs the scenario's setup (its assets land in the learner's own jailed home) and
 * types its foreground into the terminal; Run blocks run; the scenario's verify script turns the
 * check green with its own ✅ line, reading a file the learner wrote in their terminal.
 * Screenshots: docs/importing.png, and each step's in .scratch/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../sandbox/index.js';
import { importKillercoda } from '../../server/course/import/killercoda/index.js';
import { launchChromium, waitForTerminal } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubelab-kc-e2e-'));
const lessonsDir = join(tmp, 'lessons');
const shots = join(packageRoot, '.scratch', 'screenshots');
let srv: TestServer;
let browser: Browser;
let page: Page;

const prompt = /learner@lab-[0-9a-f]+:~\$ $/m;
const panel = (n: number) => page.locator(`section.exercise[data-exercise="pod-basics-step-${n}"]`);

async function typeInTerminal(text: string): Promise<void> {
  await page.locator('#terminal-host .xterm-helper-textarea').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function shot(name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `killercoda-${name}.png`) });
}

beforeAll(async () => {
  importKillercoda(join(packageRoot, 'test', 'fixtures', 'killercoda', 'pod-basics'), { out: lessonsDir });
  srv = await startTestServer({ lessonsDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${srv.url}/lessons/pod-basics`);
  await page.waitForFunction(() => document.getElementById('lab-status')?.dataset.state === 'ready', null, { timeout: 180_000 });
  await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: 30_000 });
  await waitForTerminal(page, prompt);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('an imported scenario in the browser', () => {
  it("shows the author's text with the lab's node names", async () => {
    await expect(page.locator('.lesson h1').textContent()).resolves.toBe('Pods on a two-node cluster');
    await expect(page.locator('.lesson').textContent()).resolves.toContain('The setup creates the namespace shop for you.');
    const names = await page.locator('.lab-var[data-var="worker1"]').allTextContents();
    expect(names.length).toBeGreaterThan(2);
    expect(names.every((n) => n === 'kwok-worker-1')).toBe(true);
  });

  it('Prepare my lab runs the setup (assets into the learner\'s home) and types the foreground into the terminal', async () => {
    await panel(1).scrollIntoViewIfNeeded();
    await panel(1).locator('button[data-action="setup"]').click();
    await page
      .waitForFunction(() => /first commands are running/.test(document.querySelector('section[data-exercise="pod-basics-step-1"] .check-status')?.textContent ?? ''), null, { timeout: 120_000 })
      .catch(async (err: Error) => {
        throw new Error(`${err.message}; the panel says: ${await panel(1).locator('.check-status').textContent()}`);
      });
    // The foreground, typed: its wait for the background is gone, its echo ran.
    await waitForTerminal(page, /^ready$/m);
    await typeInTerminal('ls ~ ~/bin; kubectl get ns shop -o name');
    const text = await waitForTerminal(page, /namespace\/shop/);
    expect(text).toMatch(/web-pod\.yaml/);
    expect(text).toMatch(/check-ns\.sh/);
    await shot('1-prepared');
  });

  it('Run blocks run in the terminal, and the verify turns green with its own message', async () => {
    const apply = page.locator('.code-block.runnable', { hasText: 'kubectl apply -f web-pod.yaml' });
    await apply.scrollIntoViewIfNeeded();
    await apply.locator('button[data-action="run"]').click();
    await waitForTerminal(page, /pod\/web created/);

    await panel(1).locator('button[data-action="check"]').click();
    await page.waitForFunction(() => document.querySelector('section[data-exercise="pod-basics-step-1"] .check-results li.check.pass') !== null, null, { timeout: 60_000 });
    await expect(panel(1).locator('.check-message').textContent()).resolves.toBe('✅ Pod web exists in shop');
    await panel(1).scrollIntoViewIfNeeded();
    await shot('2-verified');
  });

  it("a verify reads what the learner wrote in their own shell: red before, green after the solution's Run block", async () => {
    await panel(3).locator('button[data-action="check"]').scrollIntoViewIfNeeded();
    await panel(3).locator('button[data-action="check"]').click();
    await page.waitForFunction(() => document.querySelector('section[data-exercise="pod-basics-step-3"] .check-results li.check.fail') !== null, null, { timeout: 60_000 });
    await expect(panel(3).locator('.check-message').textContent()).resolves.toMatch(/^❌ \/root\/node\.txt should name the node of web \(kwok-worker-\d\), it holds ''$/);

    // The solution is collapsed; open it and Run its block: it writes /root/node.txt in the jail.
    const solution = page.locator('details', { has: page.locator('code', { hasText: '> /root/node.txt' }) });
    await solution.locator('summary').click();
    await solution.locator('button[data-action="run"]').click();
    await waitForTerminal(page, /^kwok-worker-\d.*\$ $/m);
    await panel(3).locator('button[data-action="check"]').click();
    await page.waitForFunction(() => document.querySelector('section[data-exercise="pod-basics-step-3"] .check-results li.check.pass') !== null, null, { timeout: 60_000 });
    await expect(panel(3).locator('.check-message').textContent()).resolves.toMatch(/^✅ \/root\/node\.txt names kwok-worker-\d$/);
    await expect(panel(3).locator('.exercise-state').textContent()).resolves.toBe('Passed');
    // One check: said in the singular.
    await expect(panel(3).locator('.check-status').textContent()).resolves.toBe('The check passes. Exercise complete.');
    await panel(3).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(packageRoot, 'docs', 'importing.png') });
  });
});
