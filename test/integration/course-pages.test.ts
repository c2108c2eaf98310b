/**
 * The course's pages over HTTP (a real server, fixture lessons, no lab): the index lists lessons in
 * order with the learner's progress, the lesson page carries everything the client needs and no
 * inline script, lesson images are served only from the lesson's own folder, and the lab API
 * answers without creating anything it should not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { packageRoot } from '../../sandbox/index.js';

let srv: TestServer;
let cookie: string;
const get = (path: string) => fetch(`${srv.url}${path}`, { headers: { cookie }, redirect: 'manual' });

beforeAll(async () => {
  srv = await startTestServer({ lessonsDir: join(packageRoot, 'test', 'fixtures', 'lessons-render') });
  cookie = await srv.cookie();
});

afterAll(async () => {
  await srv?.stop();
});

describe('course index', () => {
  it('lists the lessons in order, with progress from passed exercises and lessons read', async () => {
    let html = await (await get('/')).text();
    expect(html.indexOf('A sample lesson')).toBeGreaterThan(0);
    expect(html.indexOf('A sample lesson')).toBeLessThan(html.indexOf('The second lesson'));
    expect(html).toContain('0 of 2 lessons complete · 0 of 1 exercises passed');
    expect(html).toContain('href="/lessons/sample"');

    const user = srv.server.ctx.store.users.ensure('local', 'You', 'admin');
    srv.server.ctx.store.attempts.record({ userId: user.id, exerciseId: 'sample-pod', labName: null, trigger: 'check', checks: [{ title: 't', passed: true, points: 1, maxPoints: 1, message: 'ok' }] });
    srv.server.ctx.store.progress.markRead(user.id, 'sample');
    html = await (await get('/')).text();
    expect(html).toContain('1 of 2 lessons complete · 1 of 1 exercises passed');
    expect(html).toMatch(/<li class="lesson-card complete[^"]*">\s*<a href="\/lessons\/sample">/);
  });
});

describe('lesson page', () => {
  it('has the lesson, the terminal pane, the lab status, the CSRF token, and only external scripts', async () => {
    const res = await get('/lessons/sample');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const html = await res.text();
    expect(html).toContain('data-lesson="sample"');
    expect(html).toMatch(/<meta name="csrf-token" content="[A-Za-z0-9_-]{20,}">/);
    expect(html).toContain('id="terminal-host"');
    expect(html).toContain('id="lab-status"');
    expect(html).toContain('role="separator"');
    expect(html).toContain('<section class="quiz" data-lesson="sample"');
    expect(html).toContain('data-exercise="sample-pod"');
    expect(html).toContain('class="exercise passed"');
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/ src="\/assets\/[a-z-]+\.js"/);
    expect(html).not.toMatch(/<script[^>]*>[^<]+<\/script>/);
    // The page does not create a lab by itself: the terminal does, when it connects.
    expect(srv.server.ctx.store.labs.list()).toEqual([]);
  });

  it('answers 404 for a lesson that does not exist', async () => {
    expect((await get('/lessons/nope')).status).toBe(404);
  });

  it('answers any unknown address with the styled 404 page, not a bare "Cannot GET"', async () => {
    const res = await fetch(`${srv.url}/totally/random`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).not.toContain('Cannot GET');
    expect(html).toContain('<h1>Not found</h1>');
    expect(html).toContain('There is no page at this address.');
    expect(html).toContain('href="/assets/');
  });

  it('serves the bundled client and its stylesheet', async () => {
    for (const asset of ['/assets/lesson.js', '/assets/lesson.css', '/assets/course.js', '/assets/theme-init.js']) expect((await get(asset)).status, asset).toBe(200);
  });
});

describe('lesson images', () => {
  it('serves an image of the lesson folder, with a CSP that runs nothing', async () => {
    const res = await get('/lessons/sample/images/diagram.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(await res.text()).toContain('<title>diagram</title>');
  });

  it.each([
    ['a parent folder', '/lessons/sample/images/..%2F..%2Fsecret.svg'],
    ['an encoded dot-dot', '/lessons/sample/images/%2e%2e%2fsecret.svg'],
    ['a symlink pointing out of the folder', '/lessons/sample/images/escape.svg'],
    ['the lesson file', '/lessons/sample/images/lesson.md'],
    ['a hidden name', '/lessons/sample/images/.diagram.svg'],
    ['another lesson', '/lessons/second/images/diagram.svg'],
    ['an unknown lesson', '/lessons/nope/images/diagram.svg'],
    ['a path outside images', '/lessons/sample/exercises/sample-pod/exercise.yaml'],
  ])('refuses %s', async (_what, path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<title>secret</title>');
  });
});

describe('lab API', () => {
  it('reports no lab before the terminal asks for one', async () => {
    expect(await (await get('/api/lab')).json()).toEqual({ state: 'none' });
  });

  it('refuses a reset without the CSRF token', async () => {
    const res = await fetch(`${srv.url}/api/lab/reset`, { method: 'POST', headers: { cookie, origin: srv.url } });
    expect(res.status).toBe(403);
    expect(srv.server.ctx.store.labs.list()).toEqual([]);
  });
});
