/**
 * Challenge mode through the real server: with it on (for the whole course, or for a workshop its
 * instructor created so), the lesson page carries no hint and no solution — not in hidden markup,
 * not at all — and says that challenge mode is on; a failed check's result carries no fix hint.
 * With it off, the same page and result carry them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HttpSession } from '../helpers/http-session.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';

// The render fixture, with a fix hint on its check: every kind of hint and solution is on one page.
const lessonsDir = mkdtempSync(join(tmpdir(), 'kubelab-challenge-'));
cpSync(join(packageRoot, 'test', 'fixtures', 'lessons-render'), lessonsDir, { recursive: true });
const exerciseFile = join(lessonsDir, '01-sample', 'exercises', 'sample-pod', 'exercise.yaml');
writeFileSync(exerciseFile, readFileSync(exerciseFile, 'utf8').replace("expect: object.metadata.name == 'hello'", "expect: object.metadata.name == 'hello'\n    hint: kubectl run hello --image=nginx:1.27"));
afterAll(() => rmSync(lessonsDir, { recursive: true, force: true }));

/** What the fixture's hints and solution say: none of it may reach a learner in challenge mode. */
const secrets = ['Use <code>--image</code>', 'Which <code>flag</code>?', 'kubectl run hello --image=nginx', 'Try <code>kubectl run</code>', 'Then <code>kubectl get pods</code>'];

function expectHidden(page: string) {
  for (const s of secrets) expect(page, s).not.toContain(s);
  expect(page).not.toContain('class="reveal hint"');
  expect(page).not.toContain('class="reveal solution"');
  expect(page).toContain('id="challenge-notice"');
  expect(page).toMatch(/<strong>Challenge mode<\/strong> is on for (this course|your workshop): hints and solutions are hidden/);
  // The rest of the lesson is still there: the task, the note, the exercise panel.
  expect(page).toContain('Create a Pod <code>hello</code>');
  expect(page).toContain('A note.');
  expect(page).toContain('data-exercise="sample-pod"');
  expect(page).toContain('A solution is hidden here: challenge mode is on.');
}

function expectShown(page: string) {
  for (const s of secrets) expect(page, s).toContain(s);
  expect(page).not.toContain('id="challenge-notice"');
  expect(page).not.toContain('challenge mode is on');
}

describe('challenge mode for the whole course (config challenge: true)', () => {
  let on: TestServer;
  let off: TestServer;
  beforeAll(async () => {
    [on, off] = await Promise.all([startTestServer({ lessonsDir, challenge: true }), startTestServer({ lessonsDir })]);
  });
  afterAll(async () => {
    await on?.stop();
    await off?.stop();
  });
  const page = async (srv: TestServer, path: string) => (await fetch(`${srv.url}${path}`, { headers: { cookie: await srv.cookie() } })).text();

  it('leaves every hint and solution out of the lesson page and says challenge mode is on', async () => {
    expectHidden(await page(on, '/lessons/sample'));
  });

  it('says so on the course index too', async () => {
    expect(await page(on, '/')).toContain('<strong>Challenge mode</strong> is on for this course');
  });

  it('is off by default: the same page carries the hints and the solution', async () => {
    expectShown(await page(off, '/lessons/sample'));
    expect(await page(off, '/')).not.toContain('id="challenge-notice"');
  });
});

describe('challenge mode for a workshop (chosen when the instructor creates it)', () => {
  let srv: TestServer;
  let teacher: HttpSession;
  beforeAll(async () => {
    srv = await startTestServer({ auth: 'accounts', lessonsDir });
    srv.server.ctx.store.users.create({ username: 'teacher', displayName: 'T', role: 'instructor', passwordHash: await hashPassword('teacher passphrase') });
    teacher = new HttpSession(srv.url);
    expect((await teacher.signIn('teacher', 'teacher passphrase')).status).toBe(200);
  });
  afterAll(async () => srv?.stop());

  /** A learner who joined the workshop with its code, as a browser would. */
  async function learnerOf(joinCode: string, name: string): Promise<HttpSession> {
    const s = new HttpSession(srv.url);
    expect((await s.join(joinCode, name)).status).toBe(201);
    return s;
  }

  it('hides hints and solutions from its learners only, and both pages say so', async () => {
    const hard = await teacher.post('/api/workshops', { title: 'Hard mode', lessons: ['sample'], capacity: 5, durationMinutes: 60, challenge: true });
    const easy = await teacher.post('/api/workshops', { title: 'With hints', lessons: ['sample'], capacity: 5, durationMinutes: 60 });
    expect(hard.status).toBe(201);
    expect(hard.json.challenge).toBe(true);
    expect(easy.json.challenge).toBe(false);

    const a = await learnerOf(hard.json.joinCode, 'Ada');
    const b = await learnerOf(easy.json.joinCode, 'Bob');
    expectHidden((await a.request('GET', '/lessons/sample', { headers: { accept: 'text/html' } })).text);
    expect((await a.request('GET', '/workshop', { headers: { accept: 'text/html' } })).text).toContain('<strong>Challenge mode</strong> is on for this workshop');
    expectShown((await b.request('GET', '/lessons/sample', { headers: { accept: 'text/html' } })).text);
    expect((await b.request('GET', '/workshop', { headers: { accept: 'text/html' } })).text).not.toContain('id="challenge-notice"');

    // The instructor's dashboard says which mode the workshop is in.
    expect((await teacher.request('GET', `/workshops/${hard.json.id}`, { headers: { accept: 'text/html' } })).text).toContain('id="ws-challenge"');
    expect((await teacher.request('GET', `/workshops/${easy.json.id}`, { headers: { accept: 'text/html' } })).text).not.toContain('id="ws-challenge"');
  });

  it('is chosen with the checkbox of the new-workshop form', async () => {
    const form = (await teacher.request('GET', '/workshops', { headers: { accept: 'text/html' } })).text;
    expect(form).toContain('<input type="checkbox" name="challenge" value="on">');
    const posted = await teacher.request('POST', '/workshops', { form: { title: 'From the form', lessons: 'sample', capacity: '3', durationMinutes: '30', challenge: 'on' } });
    expect(posted.status).toBe(303);
    const id = Number(posted.headers.get('location')!.split('/').pop());
    expect(srv.server.ctx.store.workshops.get(id)?.challenge).toBe(true);
  });

  it('sends a failed check without its fix hint in challenge mode, with it otherwise (one real lab)', async () => {
    const w = await teacher.post('/api/workshops', { title: 'Checks', lessons: ['sample'], capacity: 5, durationMinutes: 60, challenge: true });
    const a = await learnerOf(w.json.joinCode, 'Cy');
    const hidden = await a.post('/api/exercises/sample-pod/check');
    expect(hidden.status).toBe(200);
    const check = hidden.json.checks[0];
    expect(check.passed).toBe(false);
    expect(check.message).toBeTruthy();
    expect(check).not.toHaveProperty('hint');
    expect(JSON.stringify(hidden.json)).not.toContain('kubectl run hello');

    // The same learner and lab once the workshop's challenge mode is off: the hint comes back.
    srv.server.ctx.store.db.prepare('UPDATE workshops SET challenge = 0 WHERE id = ?').run(w.json.id);
    const shown = await a.post('/api/exercises/sample-pod/check');
    expect(shown.json.checks[0].hint).toBe('kubectl run hello --image=nginx:1.27');
  }, 180_000);
});
