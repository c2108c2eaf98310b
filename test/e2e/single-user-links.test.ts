/**
 * Single-user mode in real Chromium against a real server: no page links to workshops (they need
 * accounts), and a workshop address says so and how to turn accounts on, rather than offering a
 * form that cannot work. No lab is started (the lesson page is fetched, not opened). Screenshots
 * at 1280x720: .scratch/screenshots/single-user-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { packageRoot } from '../../sandbox/index.js';

const shots = join(packageRoot, '.scratch', 'screenshots');

let srv: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer();
  expect(srv.config.auth).toBe('single-user');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('single-user mode', () => {
  it('the course index, the progress page and a lesson link to no workshop page', async () => {
    for (const path of ['/', '/progress']) {
      await page.goto(`${srv.url}${path}`);
      await page.waitForSelector('header.topbar');
      expect(await page.locator('a[href^="/workshop"], a[href^="/join"]').count()).toBe(0);
      expect(await page.textContent('header.topbar')).not.toMatch(/Workshops/);
      // The learner's own links are still there.
      expect(await page.locator('header.topbar a[href="/progress"]').count()).toBe(1);
    }
    await page.goto(`${srv.url}/`);
    await page.screenshot({ path: join(shots, 'single-user-index.png') });
    const lesson = await page.request.get(`${srv.url}/lessons/cluster-at-a-glance`);
    expect(lesson.status()).toBe(200);
    const html = await lesson.text();
    expect(html).toContain('The cluster at a glance');
    expect(html).not.toMatch(/href="\/(workshops?|join)/);
  });

  it('a workshop address says workshops need accounts, and how to turn them on', async () => {
    const r = await page.goto(`${srv.url}/workshops`);
    expect(r?.status()).toBe(404);
    expect(await page.textContent('.error-card')).toMatch(/Workshops need accounts: this server runs in single-user mode\..*kubelab serve --auth accounts/s);
    expect(await page.locator('form[action="/workshops"]').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'single-user-workshops.png') });
    await page.goto(`${srv.url}/`);
    const csrf = (await page.getAttribute('meta[name="csrf-token"]', 'content'))!;
    const api = await page.request.post(`${srv.url}/api/workshops`, { data: { title: 'x', lessons: ['cluster-at-a-glance'], capacity: 2 }, headers: { origin: srv.url, 'x-csrf-token': csrf } });
    expect(api.status()).toBe(404);
    expect((await api.json()).error).toBe('Workshops need accounts: this server runs in single-user mode.');
    expect(srv.server.ctx.store.workshops.list()).toEqual([]);
    expect((await page.goto(`${srv.url}/join/ABCDEFGH`))?.status()).toBe(404);
  });
});
