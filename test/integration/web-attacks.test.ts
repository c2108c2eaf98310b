/**
 * The web layer under the red-team report's attacks (docs: README "Security"): each row names its
 * row in the report. Real servers on port 0 (single-user and accounts mode), a real SQLite file,
 * real HTTP and WebSocket requests with forged headers; no lab is needed for these rows, except
 * the lab failure, which is made real by a server without cluster binaries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HttpSession } from '../helpers/http-session.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';
import { learnerRateLimits } from '../../server/http/rate-limit.js';

const lessonsDir = join(packageRoot, 'test', 'fixtures', 'lessons-mixed');
const password = 'correct horse battery';

/** A raw HTTP request with any Host header (fetch does not let a caller set Host). */
function raw(url: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string; setCookie: string[] }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, setCookie: ([] as string[]).concat(res.headers['set-cookie'] ?? []) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(url: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}

const sessionRows = (srv: TestServer) => (srv.server.ctx.store.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;

describe('single-user mode (5m: DNS rebinding; sessions for every cookieless request)', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ auth: 'single-user', lessonsDir, trustedOrigins: ['https://kubelab.classroom.example'] });
  });
  afterAll(() => srv?.stop());

  const port = () => new URL(srv.url).port;

  it.each([
    ['a rebound attacker name', 'rebind.attacker.example'],
    ['a LAN address', '192.168.1.20'],
    ['a name that ends like localhost', 'evil-localhost'],
  ])('%s in Host → 421 before any session: no API, no socket, no write', async (_what, name) => {
    const host = `${name}:${port()}`;
    const before = sessionRows(srv);
    const session = await raw(srv.url, '/api/session', { host });
    expect(session.status).toBe(421);
    expect(session.body).not.toMatch(/signedIn|csrf/i);
    expect(session.setCookie).toEqual([]);
    expect((await raw(srv.url, '/api/progress/visit', { host, origin: `http://${host}`, 'content-type': 'application/json' }, 'POST')).status).toBe(421);
    expect(await upgrade(srv.url, '/ws/terminal', { host, origin: `http://${host}` })).toBe(421);
    expect(sessionRows(srv)).toBe(before);
  });

  it.each([
    ['127.0.0.1', () => `127.0.0.1:${port()}`],
    ['localhost', () => `localhost:${port()}`],
    ['[::1]', () => `[::1]:${port()}`],
    ['a trusted origin', () => 'kubelab.classroom.example'],
  ])('%s in Host is served, with the automatic session', async (_what, host) => {
    const r = await raw(srv.url, '/api/session', { host: host() });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).signedIn).toBe(true);
  });

  it('health probes and static files create no session rows; expired sessions are pruned', async () => {
    const before = sessionRows(srv);
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${srv.url}/assets/no-such-file-${i}.js`)).status).toBe(404);
    }
    expect(sessionRows(srv)).toBe(before);
    // A page a person opens does get one.
    expect((await fetch(`${srv.url}/api/session`)).headers.get('set-cookie')).toMatch(/^kubelab_session=/);
    expect(sessionRows(srv)).toBe(before + 1);
    srv.server.ctx.store.db.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    expect(srv.server.ctx.store.sessions.prune()).toBe(before + 1);
    expect(sessionRows(srv)).toBe(0);
  });
});

describe('accounts mode', () => {
  let srv: TestServer;
  let learner: HttpSession;
  beforeAll(async () => {
    srv = await startTestServer({ auth: 'accounts', lessonsDir });
    for (const name of ['alice', 'bob', 'carol']) srv.server.ctx.store.users.create({ username: name, displayName: name, role: 'learner', passwordHash: await hashPassword(password) });
    learner = new HttpSession(srv.url);
    expect((await learner.signIn('bob', password)).status).toBe(200);
  });
  afterAll(() => srv?.stop());

  // 5 failures are free, the 6th trips a 1 s block, the next one a 2 s block, and so on. Every guess
  // is counted as it arrives, so only a guess that arrives after a block has run out is checked:
  // 6 when the 60 arrive within a second (as they do on an idle machine), one more per doubling after.
  it('5j: 60 guesses at once reach the password check 6 times (was 17); the right one among them is refused', async () => {
    const s = new HttpSession(srv.url);
    await s.preSession();
    const guesses = Array.from({ length: 60 }, (_, i) => (i === 54 ? password : `wrong guess ${i}`));
    const started = performance.now();
    const replies = await Promise.all(guesses.map((p) => s.post('/api/login', { username: 'alice', password: p })));
    const elapsedS = (performance.now() - started) / 1000;
    const statuses = replies.map((r) => r.status);
    const evaluated = statuses.filter((x) => x === 401 || x === 200).length;
    expect(evaluated).toBeGreaterThanOrEqual(6);
    expect(evaluated).toBeLessThanOrEqual(6 + Math.floor(Math.log2(1 + elapsedS)));
    expect(statuses.filter((x) => x === 429).length).toBe(60 - evaluated);
    expect(statuses[54]).toBe(429);
    // The database agrees: the failures it holds are the ones that were checked.
    expect(srv.server.ctx.store.logins.get('account:alice')!.failures).toBe(evaluated);
  });

  it("successful sign-ins are not counted against the client's address (they are counted while checked, then taken back)", async () => {
    const address = () => [...['address:127.0.0.1', 'address:::ffff:127.0.0.1']].map((k) => srv.server.ctx.store.logins.get(k)?.failures ?? 0).reduce((a, b) => a + b, 0);
    const before = address();
    const s = new HttpSession(srv.url);
    for (let i = 0; i < 3; i++) expect((await s.signIn('carol', password)).status).toBe(200);
    expect(address()).toBe(before);
  });

  it('5l: X-Forwarded-For from a client that is not the configured proxy is ignored', async () => {
    const proxied = await startTestServer({ auth: 'accounts', lessonsDir, trustProxy: ['10.99.99.99'] });
    try {
      const s = new HttpSession(proxied.url);
      await s.preSession();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await s.request('POST', '/api/login', { body: { username: `nobody-${i}`, password: 'guess guess guess' }, headers: { 'x-forwarded-for': `10.1.${i}.${i}` } });
        statuses.push(r.status);
      }
      // Every guess counted against the one real address: blocked after its allowance of 20.
      expect(statuses.slice(0, 20).every((x) => x === 401)).toBe(true);
      expect(statuses.slice(21)).toContain(429);
      expect(statuses.filter((x) => x === 401).length).toBeLessThanOrEqual(21);
    } finally {
      await proxied.stop();
    }
  });

  it('trustProxy refuses anything but addresses, ranges and loopback', async () => {
    await expect(startTestServer({ auth: 'accounts', lessonsDir, trustProxy: true as never })).rejects.toThrow(/addresses of the reverse proxy/);
    await expect(startTestServer({ auth: 'accounts', lessonsDir, trustProxy: ['proxy.example'] })).rejects.toThrow(/not an IP address/);
  });

  it.each([
    ['check', '/api/exercises/no-such-exercise/check', learnerRateLimits.check.burst],
    ['setup', '/api/exercises/no-such-exercise/setup', learnerRateLimits.setup.burst],
  ])('%s is rate limited per learner: %s answers 429 with Retry-After past the burst, before any work', async (_what, path, burst) => {
    const replies = [];
    for (let i = 0; i < burst + 3; i++) replies.push(await learner.post(path));
    expect(replies.slice(0, burst).map((r) => r.status)).toEqual(Array(burst).fill(404));
    const over = replies[burst]!;
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(over.json.error).toMatch(/Too many/);
    // Another learner has a bucket of their own.
    const other = new HttpSession(srv.url);
    expect((await other.signIn('carol', password)).status).toBe(200);
    expect((await other.post(path)).status).toBe(404);
    // No lab was started for any of it.
    expect(srv.server.ctx.store.labs.list()).toEqual([]);
  });
});

describe('a lab failure reaches the learner as a 503 they can act on', () => {
  let srv: TestServer;
  beforeAll(async () => {
    // No cluster binaries in this cache: creating the learner's lab fails in the provider, with an operator's hint.
    srv = await startTestServer({ auth: 'single-user', lessonsDir: join(packageRoot, 'lessons'), cacheDir: mkdtempSync(join(tmpdir(), 'kubelab-nocache-')) });
  });
  afterAll(() => srv?.stop());

  it('503, a message for the learner, no server path, command or stack', async () => {
    const s = new HttpSession(srv.url);
    await s.preSession();
    const r = await s.post('/api/exercises/first-pod/check');
    expect(r.status).toBe(503);
    expect(r.json.error).toBe('Your lab is not available right now.');
    expect(r.json.hint).toMatch(/Reset lab/);
    expect(r.text).not.toContain(srv.config.cacheDir);
    expect(r.text).not.toMatch(/\/(root|tmp|home)\/|kubelab setup|at .*\.ts:\d+/);
    // A browser that navigated gets the same as a page.
    const page = await s.request('POST', '/api/exercises/first-pod/check', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
  });
});
