/**
 * A lesson of the second part of the course in real Chromium against a real server: its diagram
 * loads, every exercise panel has its Check button, and the theme switch works on it; a lesson that
 * needs containers says so on the course index and on its page, on a kwok lab. Screenshots
 * of the lesson in light and dark go to .scratch/screenshots/ (for a person to look at; not
 * committed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { loadCourse } from '../../server/course.js';
import { packageRoot } from '../../sandbox/index.js';

const lessonsDir = join(packageRoot, 'lessons');
const course = loadCourse(lessonsDir);
const shots = join(packageRoot, '.scratch', 'screenshots');

let srv: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ lessonsDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
}, 120_000);

/** Whether the diagram with that alt text loaded. */
async function diagram(alt: RegExp) {
  const img = page.locator('.lesson').getByAltText(alt);
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction((el) => (el as HTMLImageElement).complete, await img.elementHandle());
  return img.evaluate((el) => ({ width: (el as HTMLImageElement).naturalWidth, src: (el as HTMLImageElement).src }));
}

describe('a new lesson in the browser', () => {
  const lesson = course.lessons.find((l) => l.id === 'network-policy-and-ingress')!;

  it('renders its diagram and its exercise panels', async () => {
    expect(lesson, 'the network policy lesson is in the course').toBeTruthy();
    await page.goto(`${srv.url}/lessons/${lesson.id}`);
    await expect(page.locator('.lesson h1').textContent()).resolves.toBe(lesson.title);
    const d = await diagram(/GatewayClass/);
    expect(d.width).toBeGreaterThan(0);
    for (const ex of lesson.exercises) {
      await expect(page.locator(`.exercise[data-exercise="${ex.id}"] button[data-action="check"]`).count()).resolves.toBe(1);
    }
  });

  it('saves the lesson in light and dark themes', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const first = await theme();
    await page.getByAltText(/GatewayClass/).scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, `${lesson.id}-${first ?? 'default'}.png`) });
    await page.locator('[data-theme-toggle]').click();
    const second = await theme();
    expect(second).not.toBe(first);
    await page.getByAltText(/GatewayClass/).scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, `${lesson.id}-${second}.png`) });
    await page.locator('.exercise[data-exercise="network-policy"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `${lesson.id}-exercise-${second}.png`) });
    await page.locator('[data-theme-toggle]').click();
    expect(await theme()).toBe(first);
  });
});

describe('a lesson that needs containers, on a kwok lab', () => {
  const lesson = course.lessons.find((l) => l.requires.includes('containers'))!;

  it('is marked on the course index', async () => {
    expect(lesson, 'the course has a lesson that needs containers').toBeTruthy();
    await page.goto(`${srv.url}/`);
    const card = page.locator('.lesson-card').filter({ hasText: lesson.title });
    await expect(card.locator('.needs').textContent()).resolves.toMatch(/kind or minikube/);
    // Only that lesson: the others run on kwok.
    await expect(page.locator('.lesson-card .needs').count()).resolves.toBe(course.lessons.filter((l) => l.requires.includes('containers')).length);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'course-index-needs-containers.png') });
  });

  it('says on its page which provider to use, and its exercises say what they need', async () => {
    await page.goto(`${srv.url}/lessons/${lesson.id}`);
    await expect(page.locator('.lesson-requires').textContent()).resolves.toMatch(/kind or minikube/);
    for (const ex of lesson.exercises) {
      await expect(page.locator(`.exercise[data-exercise="${ex.id}"] .exercise-requires`).textContent()).resolves.toMatch(/runs containers/);
    }
    await page.screenshot({ path: join(shots, `${lesson.id}.png`) });
  });
});
