/**
 * Exercises through the real server: setup, Check (recorded as an attempt), and live feedback on
 * /ws/feedback that pushes a new result within about a second of a change in the learner's lab.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HttpSession, socketOutcome } from '../helpers/http-session.js';
import { kubectl, packageRoot } from '../../sandbox/index.js';

const lessonsDir = join(packageRoot, 'test', 'fixtures', 'lessons-good');
let srv: TestServer;
let s: HttpSession;

/** Collects the messages of a socket; next() resolves with the first one that matches. */
function messages(ws: WebSocket) {
  const seen: any[] = [];
  const waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  ws.on('message', (d) => {
    const m = { at: Date.now(), ...JSON.parse(d.toString()) };
    seen.push(m);
    for (const w of [...waiters]) {
      if (!w.match(m)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  return {
    seen,
    next(match: (m: any) => boolean, timeoutMs = 30_000): Promise<any> {
      const already = seen.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; seen: ${JSON.stringify(seen).slice(0, 2000)}`)), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(t), resolve(m)) });
      });
    },
  };
}

beforeAll(async () => {
  srv = await startTestServer({ lessonsDir });
  s = new HttpSession(srv.url);
  const r = await s.get('/api/session');
  s.csrf = r.json.csrfToken;
}, 180_000);

afterAll(async () => {
  await srv?.stop();
}, 120_000);

describe('exercise endpoints', () => {
  test('setup, then Check: not passed, with per-check messages, recorded as an attempt', async () => {
    const setup = await s.post('/api/exercises/hello-pod/setup');
    expect(setup.status, setup.text).toBe(200);
    expect(setup.json).toEqual({ exerciseId: 'hello-pod', ready: true });

    const r = await s.post('/api/exercises/hello-pod/check');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      exerciseId: 'hello-pod',
      passed: false,
      points: 0,
      maxPoints: 1,
      checks: [{ title: 'Pod hello exists', passed: false, message: 'Pod hello in namespace default does not exist', points: 0, maxPoints: 1 }],
    });
    const attempts = srv.server.ctx.store.attempts.forUser(srv.server.ctx.store.users.ensure('local', 'You', 'admin').id, 'hello-pod');
    expect(attempts.map((a) => [a.trigger, a.passed])).toEqual([['check', false]]);
  });

  test('an unknown exercise is a 404 with a clear message; a missing CSRF token is refused', async () => {
    const r = await s.post('/api/exercises/no-such-thing/check');
    expect(r.status).toBe(404);
    expect(r.json.error).toBe('There is no exercise "no-such-thing".');
    const forged = await s.post('/api/exercises/hello-pod/check', {}, { csrf: null });
    expect(forged.status).toBe(403);
  });

  test('live feedback: the current result at once, then a new one within about a second of a change', async () => {
    const ws = s.socket('/ws/feedback?exercise=hello-pod');
    const inbox = messages(ws);
    const first = await inbox.next((m) => m.type === 'result');
    expect(first).toMatchObject({ type: 'result', exerciseId: 'hello-pod', passed: false, points: 0, maxPoints: 1 });

    const lab = await srv.server.ctx.labs.labFor(srv.server.ctx.store.users.ensure('local', 'You', 'admin').id);
    const changedAt = Date.now();
    await kubectl(lab.kubeconfigs.learner, ['run', 'hello', '--image=nginx:1.27', '--labels=app=hello']);
    const passed = await inbox.next((m) => m.type === 'result' && m.passed === true, 15_000);
    // The bench measures this latency; here it only has to be prompt.
    expect(passed.at - changedAt).toBeLessThan(5_000);
    expect(passed.checks).toEqual([{ title: 'Pod hello exists', passed: true, message: 'Pod hello exists', points: 1, maxPoints: 1 }]);

    // Changing pass to fail is recorded as a live attempt; unchanged results are not recorded again.
    const userId = srv.server.ctx.store.users.ensure('local', 'You', 'admin').id;
    const triggers = () => srv.server.ctx.store.attempts.forUser(userId, 'hello-pod').map((a) => `${a.trigger}:${a.passed}`);
    expect(triggers()).toEqual(['check:false', 'live:true']);

    await kubectl(lab.kubeconfigs.learner, ['delete', 'pod', 'hello', '--wait=false']);
    const failed = await inbox.next((m) => m.type === 'result' && m.passed === false && m.at > passed.at, 15_000);
    expect(failed.checks[0].message).toBe('Pod hello in namespace default does not exist');
    expect(triggers()).toEqual(['check:false', 'live:true', 'live:false']);
    ws.close();
  });

  test('a bad frame gets an error message, not a crash; an unknown exercise closes the socket with 1008', async () => {
    const ws = s.socket('/ws/feedback?exercise=hello-pod');
    const inbox = messages(ws);
    await inbox.next((m) => m.type === 'result');
    ws.send('{"type":"rm -rf"}');
    const err = await inbox.next((m) => m.type === 'error');
    expect(err.message).toMatch(/Unknown message/);
    ws.send(JSON.stringify({ type: 'recheck' }));
    await inbox.next((m) => m.type === 'result' && inbox.seen.filter((x) => x.type === 'result').length >= 2);
    ws.close();

    const bad = await socketOutcome(s.socket('/ws/feedback?exercise=../../etc'), 3000);
    expect(bad.code).toBe(1008);
    expect(JSON.parse(bad.first!)).toEqual({ type: 'error', message: 'There is no exercise "../../etc".' });
  });
});
