/**
 * Security of accounts, workshops, quizzes and exams against a real server (accounts mode, port 0):
 * who may read what, who may reach instructor endpoints, CSRF on every state-changing endpoint,
 * sign-in errors, and throttled password guessing. No lab is created: workshop members and a
 * quiz-only exam are enough.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HttpSession, socketOutcome } from '../helpers/http-session.js';
import { hashPassword } from '../../server/accounts.js';
import { scrubSecrets } from '../../server/accounts/secrets.js';
import { packageRoot } from '../../sandbox/index.js';
import type { Role } from '../../server/store/users.js';

const lessonsDir = join(packageRoot, 'test', 'fixtures', 'lessons-mixed');
const password = 'correct horse battery';

let srv: TestServer;
const as: Record<string, HttpSession> = {};
const ids: Record<string, number> = {};
let workshopId = 0;
let otherWorkshopId = 0;
let examId = 0;
let sittingId = 0;

async function account(name: string, role: Role): Promise<HttpSession> {
  const user = srv.server.ctx.store.users.create({ username: name, displayName: name, role, passwordHash: await hashPassword(password) });
  ids[name] = user.id;
  const s = new HttpSession(srv.url);
  const r = await s.signIn(name, password);
  expect(r.status, `${name} signs in`).toBe(200);
  return s;
}

/** A workshop learner made through the store (joining through HTTP would start a real lab). */
function member(name: string, wid: number): HttpSession {
  const ctx = srv.server.ctx;
  const userId = ctx.store.workshops.addMemberIfRoom(wid, () => ctx.store.users.create({ username: `w-${name}`, displayName: name, role: 'learner' }).id)!;
  ids[name] = userId;
  const { token, session } = ctx.sessions.create(ctx.store.users.byId(userId)!);
  const s = new HttpSession(srv.url);
  s.cookies.set('kubelab_session', token);
  s.csrf = session.csrfToken;
  return s;
}

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', lessonsDir });
  as.admin = await account('admin', 'admin');
  as.teacher = await account('teacher', 'instructor');
  as.otherTeacher = await account('other-teacher', 'instructor');
  as.alice = await account('alice', 'learner');
  as.bob = await account('bob', 'learner');

  const w = await as.teacher.post('/api/workshops', { title: 'Tuesday', lessons: ['good'], capacity: 10, durationMinutes: 120 });
  expect(w.status).toBe(201);
  workshopId = w.json.id;
  const w2 = await as.otherTeacher.post('/api/workshops', { title: 'Other', lessons: ['good'], capacity: 10, durationMinutes: 120 });
  otherWorkshopId = w2.json.id;
  as.carol = member('carol', workshopId);
  as.dave = member('dave', workshopId);

  const e = await as.teacher.post('/api/exams', {
    title: 'Quiz exam',
    timeLimitMinutes: 30,
    items: [
      { kind: 'quiz', lessonId: 'good', questionId: 'pick-one', points: 2 },
      { kind: 'quiz', lessonId: 'good', questionId: 'type-it', points: 3 },
    ],
  });
  expect(e.status).toBe(201);
  examId = e.json.id;
  expect((await as.teacher.post(`/api/exams/${examId}/open`)).status).toBe(200);
  expect((await as.alice.post(`/api/exams/${examId}/start`)).status).toBe(201);
  expect((await as.alice.post(`/api/exams/${examId}/answers`, { itemKey: 'q:good/pick-one', answer: 1 })).status).toBe(200);
  const submitted = await as.alice.post(`/api/exams/${examId}/submit`);
  expect(submitted.status).toBe(200);
  sittingId = srv.server.ctx.store.exams.sittingOf(examId, ids.alice!)!.id;
  // Alice has progress of her own that Bob must not see.
  expect((await as.alice.post('/api/quiz/good/pick-one', { answer: 1 })).status).toBe(200);
});

afterAll(async () => {
  await srv?.stop();
});

describe('a learner cannot read what belongs to someone else', () => {
  it.each([
    ["another learner's progress", () => `/api/users/${ids.alice}/progress`, 'bob'],
    ["a workshop classmate's progress", () => `/api/users/${ids.dave}/progress`, 'carol'],
    ["another candidate's graded sitting", () => `/exams/${examId}/sittings/${sittingId}`, 'bob'],
    ['the gradebook', () => `/api/exams/${examId}/gradebook`, 'bob'],
    ['the exam results CSV', () => `/api/exams/${examId}/results.csv`, 'carol'],
    ["the workshop's grid of every learner", () => `/api/workshops/${workshopId}`, 'carol'],
    ["the workshop's results CSV", () => `/api/workshops/${workshopId}/results.csv`, 'carol'],
  ])('%s → refused', async (_what, path, who) => {
    const r = await as[who]!.get(path());
    expect([403, 404]).toContain(r.status);
    expect(r.text).not.toMatch(/alice|dave/i);
  });

  it("a learner's own progress and sitting are theirs alone", async () => {
    const own = await as.bob.get('/api/progress');
    expect(own.status).toBe(200);
    expect(own.json.userId).toBe(ids.bob);
    expect(own.json.lessons.find((l: any) => l.id === 'good').quiz.answered).toBe(0); // not Alice's answer
    const me = await as.bob.get(`/api/exams/${examId}/me`);
    expect(me.json.sitting).toBeUndefined();
    expect(me.json.results).toBeNull();
  });

  it.each([
    ['a workshop classmate', 'carol', () => ids.dave],
    ['a learner in no workshop of theirs', 'bob', () => ids.alice],
  ])("watching %s's terminal → closed with 1008", async (_what, who, target) => {
    const out = await socketOutcome(as[who]!.socket(`/ws/terminal-watch?user=${target()}`));
    expect(out.code).toBe(1008);
    expect(out.first).toBeUndefined();
  });

  it("another instructor's workshop is not theirs to watch, grid or export", async () => {
    expect((await socketOutcome(as.otherTeacher.socket(`/ws/terminal-watch?user=${ids.carol}`))).code).toBe(1008);
    expect((await socketOutcome(as.otherTeacher.socket(`/ws/workshop?id=${workshopId}`))).code).toBe(1008);
    expect((await as.otherTeacher.get(`/api/workshops/${workshopId}/results.csv`)).status).toBe(404);
    expect((await as.teacher.get(`/api/workshops/${otherWorkshopId}`)).status).toBe(404);
    // Progress: an instructor sees their own workshop's learners, not another instructor's.
    expect((await as.teacher.get(`/api/users/${ids.carol}/progress`)).status).toBe(200);
    expect((await as.otherTeacher.get(`/api/users/${ids.carol}/progress`)).status).toBe(404);
    expect((await as.admin.get(`/api/users/${ids.carol}/progress`)).status).toBe(200);
  });

  it('the live grid socket refuses learners, and without a session the upgrade is refused', async () => {
    expect((await socketOutcome(as.carol.socket(`/ws/workshop?id=${workshopId}`))).code).toBe(1008);
    const anon = new HttpSession(srv.url);
    expect((await socketOutcome(anon.socket(`/ws/workshop?id=${workshopId}`))).status).toBe(401);
    expect((await socketOutcome(anon.socket(`/ws/terminal-watch?user=${ids.carol}`))).status).toBe(401);
  });

  it('the instructor of the workshop does get the live grid', async () => {
    const out = await socketOutcome(as.teacher.socket(`/ws/workshop?id=${workshopId}`), 1000);
    expect(out.opened).toBe(true);
    const frame = JSON.parse(out.first!);
    expect(frame.type).toBe('snapshot');
    expect(frame.snapshot.learners.map((l: any) => l.displayName).sort()).toEqual(['carol', 'dave']);
  });
});

describe('a learner cannot reach instructor endpoints', () => {
  const cases: [string, string, () => string, unknown?][] = [
    ['GET', 'the workshop list page', () => '/workshops'],
    ['GET', 'the workshop list API', () => '/api/workshops'],
    ['GET', 'a dashboard', () => `/workshops/${workshopId}`],
    ['POST', 'create a workshop', () => '/api/workshops', { title: 'x', lessons: ['good'], capacity: 1 }],
    ['POST', 'extend a workshop', () => `/api/workshops/${workshopId}/extend`, { minutes: 30 }],
    ['POST', 'close a workshop', () => `/api/workshops/${workshopId}/close`, {}],
    ['POST', 'message everyone', () => `/api/workshops/${workshopId}/messages`, { body: 'hi' }],
    ['POST', "reset a classmate's lab", () => `/api/workshops/${workshopId}/learners/${ids.dave}/reset`, {}],
    ['GET', 'a gradebook page', () => `/exams/${examId}/gradebook`],
    ['POST', 'create an exam', () => '/api/exams', { title: 'x', timeLimitMinutes: 5, items: [{ kind: 'quiz', lessonId: 'good', questionId: 'pick-one', points: 1 }] }],
    ['POST', 'open an exam', () => `/api/exams/${examId}/open`, {}],
    ['POST', 'release results', () => `/api/exams/${examId}/release`, {}],
  ];
  it.each(cases)('%s %s → 403 (or 404), nothing changes', async (method, _what, path, body) => {
    const before = { workshops: srv.server.ctx.store.workshops.list().length, exams: srv.server.ctx.store.exams.list().length, w: srv.server.ctx.store.workshops.get(workshopId) };
    for (const who of ['alice', 'carol']) {
      const r = method === 'GET' ? await as[who]!.get(path()) : await as[who]!.post(path(), body);
      expect([403, 404], `${who}: ${r.text.slice(0, 200)}`).toContain(r.status);
    }
    expect(srv.server.ctx.store.workshops.list().length).toBe(before.workshops);
    expect(srv.server.ctx.store.exams.list().length).toBe(before.exams);
    expect(srv.server.ctx.store.workshops.get(workshopId)).toEqual(before.w);
    expect(srv.server.ctx.store.exams.get(examId)!.resultsReleased).toBe(false);
  });

  it('without a session, pages redirect to sign-in and APIs answer 401', async () => {
    const anon = new HttpSession(srv.url);
    const page = await anon.request('GET', '/progress', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fprogress');
    expect((await anon.get('/api/progress')).status).toBe(401);
  });
});

describe('every state-changing endpoint is CSRF-safe', () => {
  // [who, path, body]: each would succeed with the right token (the last block proves it for a few).
  const endpoints: [string, string, () => string, unknown][] = [
    ['teacher', '/api/workshops', () => '/api/workshops', { title: 'csrf', lessons: ['good'], capacity: 3 }],
    ['teacher', '/workshops', () => '/workshops', { title: 'csrf', lessons: ['good'], capacity: 3 }],
    ['teacher', '/api/workshops/:x/extend', () => `/api/workshops/${workshopId}/extend`, { minutes: 5 }],
    ['teacher', '/workshops/:x/extend', () => `/workshops/${workshopId}/extend`, { minutes: 5 }],
    ['teacher', '/api/workshops/:x/messages', () => `/api/workshops/${workshopId}/messages`, { body: 'hello' }],
    ['teacher', '/api/workshops/:x/close', () => `/api/workshops/${workshopId}/close`, {}],
    ['teacher', '/api/workshops/:x/learners/:x/reset', () => `/api/workshops/${workshopId}/learners/${ids.carol}/reset`, {}],
    ['teacher', '/api/exams', () => '/api/exams', { title: 'csrf', timeLimitMinutes: 5, items: [{ kind: 'quiz', lessonId: 'good', questionId: 'pick-one', points: 1 }] }],
    ['teacher', '/api/exams/:x/release', () => `/api/exams/${examId}/release`, {}],
    ['teacher', '/exams/:x/close', () => `/exams/${examId}/close`, {}],
    ['bob', '/api/exams/:x/start', () => `/api/exams/${examId}/start`, {}],
    ['bob', '/api/quiz/good/pick-one', () => '/api/quiz/good/pick-one', { answer: 1 }],
    ['bob', '/api/progress/visit', () => '/api/progress/visit', { lessonId: 'good', read: true }],
    ['bob', '/api/logout', () => '/api/logout', {}],
    ['bob', '/logout', () => '/logout', {}],
    ['anon', '/api/login', () => '/api/login', { username: 'bob', password }],
    ['anon', '/login', () => '/login', { username: 'bob', password }],
    ['anon', '/api/join/:code', () => `/api/join/${srv.server.ctx.store.workshops.get(workshopId)!.joinCode}`, { displayName: 'mallory' }],
  ];

  const snapshot = () => {
    const ctx = srv.server.ctx;
    return JSON.stringify({
      workshops: ctx.store.workshops.list(),
      messages: ctx.store.workshops.messages(workshopId),
      members: ctx.store.workshops.members(workshopId).length,
      exams: ctx.store.exams.list(),
      sittings: ctx.store.exams.sittingOf(examId, ids.bob!) ?? null,
      answers: ctx.store.progress.allLatestAnswers(ids.bob!),
      read: [...ctx.store.progress.lessonsRead(ids.bob!)],
      sessions: (ctx.store.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n,
      labs: ctx.store.labs.list().length,
    });
  };

  for (const variant of ['missing', 'wrong'] as const) {
    it.each(endpoints)(`%s: POST %s with a ${variant} token → 403, nothing changes`, async (who, _label, path, body) => {
      const s = who === 'anon' ? new HttpSession(srv.url) : as[who]!;
      if (who === 'anon') await s.preSession();
      const token = variant === 'missing' ? null : 'x'.repeat(32);
      const before = snapshot();
      const json = await s.request('POST', path(), { body, csrf: token });
      expect(json.status, json.text.slice(0, 200)).toBe(403);
      expect(json.json?.error ?? json.text).toMatch(/CSRF|refused/i);
      const form = await s.request('POST', path(), { form: Object.fromEntries(Object.entries(body as object).map(([k, v]) => [k, String(v)])), csrf: token });
      expect(form.status).toBe(403);
      expect(form.headers.getSetCookie().some((c) => c.startsWith('kubelab_session=') && !/Max-Age=0/.test(c))).toBe(false);
      expect(snapshot()).toBe(before);
    });
  }

  it("another session's token is a wrong token", async () => {
    const r = await as.bob.request('POST', '/api/quiz/good/pick-one', { body: { answer: 1 }, csrf: as.alice.csrf });
    expect(r.status).toBe(403);
  });

  it('a cross-site Origin is refused even with the right token', async () => {
    const r = await fetch(`${srv.url}/api/quiz/good/pick-one`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', cookie: as.bob.cookieHeader, 'x-csrf-token': as.bob.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ answer: 1 }),
    });
    expect(r.status).toBe(403);
  });

  it('with the right token the same requests go through', async () => {
    expect((await as.bob.post('/api/quiz/good/pick-one', { answer: 0 })).status).toBe(200);
    expect((await as.teacher.post(`/api/workshops/${workshopId}/messages`, { body: 'hello' })).status).toBe(200);
    const form = await as.teacher.request('POST', `/workshops/${workshopId}/extend`, { form: { minutes: '5' } });
    expect(form.status).toBe(303);
  });
});

describe('signing in', () => {
  it('a wrong password gives a clear error and no session', async () => {
    const s = new HttpSession(srv.url);
    await s.preSession();
    const r = await s.post('/api/login', { username: 'bob', password: 'not the password' });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('The username or password is not right.');
    expect(r.headers.getSetCookie().some((c) => c.startsWith('kubelab_session='))).toBe(false);
    expect((await s.get('/api/session')).json.signedIn).toBe(false);
    expect((await s.get('/api/progress')).status).toBe(401);

    const form = await s.request('POST', '/login', { form: { username: 'bob', password: 'still wrong!' } });
    expect(form.status).toBe(401);
    expect(form.text).toContain('The username or password is not right.');
    expect(form.text).toContain('value="bob"');
    expect(form.headers.getSetCookie().some((c) => c.startsWith('kubelab_session='))).toBe(false);
  });

  it('the session cookie is HttpOnly and SameSite=Strict; sign-out ends it', async () => {
    const s = new HttpSession(srv.url);
    await s.preSession();
    const r = await s.request('POST', '/login', { form: { username: 'bob', password, next: '/progress' } });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/progress');
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('kubelab_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP here; behind TLS with --trust-proxy it is Secure
    const me = await s.get('/api/session');
    expect(me.json.user.username).toBe('bob');
    s.csrf = me.json.csrfToken;
    const token = s.cookies.get('kubelab_session')!;
    expect((await s.post('/api/logout')).status).toBe(204);
    const again = await fetch(`${srv.url}/api/progress`, { headers: { cookie: `kubelab_session=${token}` } });
    expect(again.status).toBe(401); // the old cookie is dead server-side too
  });

  it('an open redirect after sign-in is refused', async () => {
    const s = new HttpSession(srv.url);
    await s.preSession();
    const r = await s.request('POST', '/login', { form: { username: 'bob', password, next: '//evil.example/' } });
    expect(r.headers.get('location')).toBe('/');
  });

  it('behind a trusted TLS proxy the cookie is Secure', async () => {
    const tls = await startTestServer({ auth: 'accounts', lessonsDir, trustProxy: ['127.0.0.1', '::1'] });
    try {
      tls.server.ctx.store.users.create({ username: 'eve', displayName: 'eve', role: 'learner', passwordHash: await hashPassword(password) });
      const s = new HttpSession(tls.url);
      await s.preSession();
      const r = await s.request('POST', '/api/login', { body: { username: 'eve', password }, headers: { 'x-forwarded-proto': 'https' } });
      expect(r.status).toBe(200);
      expect(r.headers.getSetCookie().find((c) => c.startsWith('kubelab_session='))).toMatch(/; Secure/);
    } finally {
      await tls.stop();
    }
  });
});

describe('password guessing is slowed down', () => {
  it('after 5 failures an account is blocked, even for the right password, with Retry-After', async () => {
    const s = new HttpSession(srv.url);
    await s.preSession();
    for (let i = 0; i < 6; i++) expect((await s.post('/api/login', { username: 'alice', password: `guess ${i} guess` })).status).toBe(401);
    const blocked = await s.post('/api/login', { username: 'alice', password });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error).toMatch(/Too many failed sign-ins/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The count is in the database, so a restart does not reset it.
    expect(srv.server.ctx.store.logins.get('account:alice')!.failures).toBe(6);
    // Each further failure doubles the wait.
    await new Promise((r) => setTimeout(r, 1100));
    await s.post('/api/login', { username: 'alice', password: 'one more guess' });
    const wait = srv.server.ctx.store.logins.get('account:alice')!;
    expect(wait.blockedUntil - wait.lastFailureAt).toBe(2000);
  });

  it('many accounts guessed from one address block that address', async () => {
    const s = new HttpSession(srv.url);
    await s.preSession();
    let status = 0;
    for (let i = 0; i < 25 && status !== 429; i++) status = (await s.post('/api/login', { username: `nobody-${i}`, password: 'guess guess guess' })).status;
    expect(status).toBe(429);
    const r = await s.post('/api/login', { username: 'bob', password });
    expect(r.status).toBe(429); // the right password of another account does not get through from here either
  });
});

describe('secrets and the CLI', () => {
  it('secrets leave the environment before anything is started', () => {
    const env: NodeJS.ProcessEnv = { KUBELAB_SESSION_SECRET: 's3cret', KUBELAB_ADMIN_PASSWORD: 'pw', KUBELAB_PORT: '3000', PATH: process.env.PATH };
    expect(scrubSecrets(env).sort()).toEqual(['KUBELAB_ADMIN_PASSWORD', 'KUBELAB_SESSION_SECRET']);
    const child = spawnSync(process.execPath, ['-e', 'console.log(Object.keys(process.env).filter(k => k.startsWith("KUBELAB_")).join(","))'], { env, encoding: 'utf8' });
    expect(child.stdout.trim()).toBe('KUBELAB_PORT');
  });

  it('kubelab user add creates the first admin from stdin, who can then sign in', async () => {
    const dataDir = srv.config.dataDir;
    const r = spawnSync(process.execPath, ['bin/kubelab.js', 'user', 'add', 'root', '--role', 'admin', '--password-stdin', '--data-dir', dataDir], {
      input: 'a long admin passphrase\n',
      encoding: 'utf8',
      cwd: packageRoot,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/user root created \(admin\)/);
    const user = srv.server.ctx.store.users.byUsername('root')!;
    expect(user.role).toBe('admin');
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const short = spawnSync(process.execPath, ['bin/kubelab.js', 'user', 'add', 'weak', '--role', 'learner', '--password-stdin', '--data-dir', dataDir], { input: 'short\n', encoding: 'utf8', cwd: packageRoot });
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/at least 10 characters/);
    const bad = spawnSync(process.execPath, ['bin/kubelab.js', 'user', 'add', 'x2', '--role', 'king', '--password-stdin', '--data-dir', dataDir], { input: 'a long passphrase\n', encoding: 'utf8', cwd: packageRoot });
    expect(bad.stderr).toMatch(/--role must be one of learner, instructor, admin/);
  });
});
