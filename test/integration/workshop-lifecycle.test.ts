/**
 * A workshop's life without labs (the browser test covers labs): join refusals (unknown code,
 * not open yet, full, ended), guessing codes slowed down, messages streamed to learners, time
 * extended, and the end: learners signed out, the workshop marked freed, joining refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HttpSession } from '../helpers/http-session.js';
import { hashPassword } from '../../server/accounts.js';
import { reapWorkshops } from '../../server/teaching/workshops/lifecycle.js';
import { packageRoot } from '../../sandbox/index.js';

let srv: TestServer;
const teacher = () => sessions.teacher!;
const sessions: Record<string, HttpSession> = {};

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', lessonsDir: join(packageRoot, 'test', 'fixtures', 'lessons-mixed') });
  srv.server.ctx.store.users.create({ username: 'teacher', displayName: 'T', role: 'instructor', passwordHash: await hashPassword('teacher passphrase') });
  sessions.teacher = new HttpSession(srv.url);
  expect((await teacher().signIn('teacher', 'teacher passphrase')).status).toBe(200);
});
afterAll(async () => srv?.stop());

function member(workshopId: number, name: string): HttpSession {
  const ctx = srv.server.ctx;
  const id = ctx.store.workshops.addMemberIfRoom(workshopId, () => ctx.store.users.create({ username: `w-${name}`, displayName: name, role: 'learner' }).id)!;
  const { token, session } = ctx.sessions.create(ctx.store.users.byId(id)!);
  const s = new HttpSession(srv.url);
  s.cookies.set('kubelab_session', token);
  s.csrf = session.csrfToken;
  return s;
}

describe('joining a workshop', () => {
  it('is refused, with a clear reason, when the code is unknown, the workshop is not open yet, full, or over', async () => {
    const later = await teacher().post('/api/workshops', { title: 'Later', lessons: ['good'], capacity: 5, opensAt: new Date(Date.now() + 3600_000).toISOString(), durationMinutes: 60 });
    expect(later.status).toBe(201);
    const small = await teacher().post('/api/workshops', { title: 'Small', lessons: ['good'], capacity: 1, durationMinutes: 60 });
    member(small.json.id, 'first');
    const anon = new HttpSession(srv.url);
    const tries: [string, number, RegExp][] = [
      ['ZZZZZZZZ', 404, /No workshop has this code/],
      [later.json.joinCode, 409, /opens at/],
      [small.json.joinCode, 409, /full/],
    ];
    for (const [code, status, message] of tries) {
      const r = await anon.join(code, 'Someone');
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(message);
    }
    // A code with dashes and lower case is the same code.
    const page = await anon.request('GET', `/join?code=${small.json.joinCode.slice(0, 4).toLowerCase()}-${small.json.joinCode.slice(4)}`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('location')).toBe(`/join/${small.json.joinCode}`);
    expect(srv.server.ctx.store.labs.list()).toEqual([]);
  });

});

describe('a running workshop', () => {
  let id = 0;
  let code = '';
  let learner: HttpSession;

  it("streams the instructor's messages and time changes to its learners", async () => {
    const w = await teacher().post('/api/workshops', { title: 'Live', lessons: ['good'], capacity: 5, durationMinutes: 30 });
    id = w.json.id;
    code = w.json.joinCode;
    learner = member(id, 'Lee');
    const home = await learner.request('GET', '/workshop', { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    expect(home.text).toContain('A good lesson');

    const events: string[] = [];
    const stream = await fetch(`${srv.url}/api/notices/stream`, { headers: { cookie: learner.cookieHeader } });
    const reader = stream.body!.getReader();
    const reading = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(decoder.decode(value));
      }
    })().catch(() => undefined);
    expect((await teacher().post(`/api/workshops/${id}/messages`, { body: 'Coffee <b>break</b>' })).status).toBe(200);
    const before = srv.server.ctx.store.workshops.get(id)!.closesAt;
    const ext = await teacher().post(`/api/workshops/${id}/extend`, { minutes: 15 });
    expect(Date.parse(ext.json.closesAt) - Date.parse(before)).toBe(15 * 60_000);
    await expect.poll(() => events.join(''), { timeout: 5000 }).toMatch(/event: message\ndata: .*Coffee <b>break<\/b>/);
    await expect.poll(() => events.join(''), { timeout: 5000 }).toContain(`"closesAt":"${ext.json.closesAt}"`);
    await reader.cancel();
    await reading;

    const notices = await learner.get('/api/notices');
    expect(notices.json.messages.map((m: { body: string }) => m.body)).toEqual(['Coffee <b>break</b>']);
    // The learner's pages show it as text, never as markup.
    const page = await learner.request('GET', '/workshop', { headers: { accept: 'text/html' } });
    expect(page.text).toContain('Coffee &lt;b&gt;break&lt;/b&gt;');
  });

  it('ends when its time is up: learners signed out, labs freed, joining refused', async () => {
    srv.server.ctx.store.workshops.setClosesAt(id, new Date(Date.now() - 1000).toISOString());
    await reapWorkshops(srv.server.ctx);
    expect(srv.server.ctx.store.workshops.get(id)!.labsFreedAt).not.toBeNull();
    expect((await learner.get('/api/progress')).status).toBe(401);
    const again = await new HttpSession(srv.url).join(code, 'Late');
    expect(again.status).toBe(410);
    expect(again.json.error).toMatch(/ended/);
    expect((await teacher().post(`/api/workshops/${id}/extend`, { minutes: 15 })).status).toBe(409);
    // The instructor still has its results.
    const csv = await teacher().get(`/api/workshops/${id}/results.csv`);
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[1]).toMatch(/^Lee,/);
  });
});

// Last: it blocks joining from this address for a while.
describe('guessing join codes', () => {
  it('from one address is slowed down', async () => {
    const anon = new HttpSession(srv.url);
    let status = 0;
    for (let i = 0; i < 30 && status !== 429; i++) status = (await anon.join(`GUESS${String(i).padStart(3, '0')}`, 'x')).status;
    expect(status).toBe(429);
  });
});
