/**
 * kill -9 of the server while learners submit attempts: every attempt and quiz answer the client
 * got a 2xx for is in the database after the restart, learners' progress (and sessions) are intact,
 * and the labs of the crashed run are adopted (the learners' own) or deleted (one that was being
 * created at the moment of the kill): afterwards no process names a lab folder under the data dir
 * that the store does not know. The server runs as a child process (node bin/kubelab.js serve).
 * At most three labs exist at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { KwokProvider, packageRoot } from '../../sandbox/index.js';
import { defaultConfig } from '../../server/config.js';
import { databasePath, openStore } from '../../server/store.js';
import { hashPassword } from '../../server/accounts.js';
import { HttpSession } from '../helpers/http-session.js';
import { eventually } from '../helpers/lab.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-crash-'));
const password = 'crash test passphrase';
const clustersDir = join(dataDir, 'kwok', 'clusters');
let server: ChildProcess | undefined;

async function serve(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['bin/kubelab.js', 'serve', '--port', '0', '--data-dir', dataDir, '--auth', 'accounts'], {
    cwd: packageRoot,
    env: { ...process.env, KUBELAB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = proc;
  let err = '';
  proc.stderr!.on('data', (d) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      const m = /running at (http:\/\/\S+)/.exec(String(d));
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`the server exited (${code}): ${err}`)));
  });
  return { proc, url };
}

/** Lab names that some live process's argv mentions under this data dir. */
function labsInProcesses(): Set<string> {
  const names = new Set<string>();
  const pattern = new RegExp(`${clustersDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([a-z0-9-]+)`);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z /.test(stat)) continue;
      const m = pattern.exec(readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
      if (m) names.add(m[1]!);
    } catch {
      /* gone */
    }
  }
  return names;
}

function storeLabs(): Map<string, { owner: number | null; state: string }> {
  const db = new Database(databasePath(dataDir), { readonly: true, fileMustExist: true });
  try {
    return new Map((db.prepare('SELECT name, owner_id, state FROM labs').all() as { name: string; owner_id: number | null; state: string }[]).map((r) => [r.name, { owner: r.owner_id, state: r.state }]));
  } finally {
    db.close();
  }
}

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
  const provider = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: process.env.KUBELAB_CACHE_DIR ?? defaultConfig().cacheDir });
  for (const ref of await provider.list().catch(() => [])) await provider.delete(ref).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 in the middle of learners submitting attempts', () => {
  const committed = new Map<string, { checks: number; answers: string[] }>();
  const sessions = new Map<string, HttpSession>();
  const labBefore = new Map<string, string>();
  let ids = new Map<string, number>();

  it('runs, is killed with attempts in flight, and loses nothing it acknowledged', async () => {
    const store = openStore(databasePath(dataDir));
    for (const name of ['ann', 'ben', 'cay']) store.users.create({ username: name, displayName: name, role: 'learner', passwordHash: await hashPassword(password) });
    ids = new Map(store.users.list().map((u) => [u.username, u.id]));
    store.close();

    const first = await serve();
    for (const name of ['ann', 'ben', 'cay']) {
      const s = new HttpSession(first.url);
      expect((await s.signIn(name, password)).status).toBe(200);
      sessions.set(name, s);
      committed.set(name, { checks: 0, answers: [] });
    }
    // Progress before the crash: a lesson read, and each learner's lab (created by the first check).
    await Promise.all(
      ['ann', 'ben'].map(async (name) => {
        const s = sessions.get(name)!;
        expect((await s.post('/api/progress/visit', { lessonId: 'cluster-at-a-glance', read: true })).status).toBe(204);
        const r = await s.post('/api/exercises/first-pod/check');
        expect(r.status, r.text).toBe(200);
        committed.get(name)!.checks++;
      }),
    );
    for (const [name, lab] of storeLabs()) labBefore.set([...ids].find(([, id]) => id === lab.owner)![0], name);
    expect(labBefore.size).toBe(2);

    // Ann and Ben submit as fast as they can; Cay's lab starts being created; then kill -9.
    let stop = false;
    const submit = async (name: string) => {
      const s = sessions.get(name)!;
      const mine = committed.get(name)!;
      for (let i = 0; !stop; i++) {
        try {
          const answer = `${name}-${i}`;
          const q = await s.post('/api/quiz/cluster-at-a-glance/kubectl-run-creates', { answer });
          if (q.status >= 200 && q.status < 300) mine.answers.push(answer);
          const c = await s.post('/api/exercises/first-pod/check');
          if (c.status >= 200 && c.status < 300) mine.checks++;
        } catch {
          return; // the server is gone
        }
      }
    };
    const load = [submit('ann'), submit('ben')];
    await new Promise((r) => setTimeout(r, 2500));
    void sessions.get('cay')!.post('/api/exercises/first-pod/check').catch(() => undefined);
    await eventually(async () => [...storeLabs().values()].some((l) => l.owner === ids.get('cay') && l.state === 'creating'), { timeoutMs: 10_000, intervalMs: 100 });
    await new Promise((r) => setTimeout(r, 1500));
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    stop = true;
    await Promise.all(load);
    const acknowledged = [...committed].map(([n, c]) => `${n}: ${c.checks} checks, ${c.answers.length} answers`).join('; ');
    console.info(`acknowledged before the kill: ${acknowledged}`);
    expect(committed.get('ann')!.checks).toBeGreaterThan(3);
    expect(committed.get('ben')!.answers.length).toBeGreaterThan(3);

    // The cluster processes outlive the server: the store knows Ann's and Ben's labs, Cay's is half made.
    expect([...labsInProcesses()].filter((n) => labBefore.get('ann') === n || labBefore.get('ben') === n).sort()).toEqual([labBefore.get('ann'), labBefore.get('ben')].sort());

    // What the clients were told is committed is in the file, before any restart.
    const db = new Database(databasePath(dataDir), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const name of ['ann', 'ben']) {
        const id = ids.get(name)!;
        const checks = (db.prepare("SELECT COUNT(*) AS n FROM attempts WHERE user_id = ? AND exercise_id = 'first-pod' AND trigger = 'check'").get(id) as { n: number }).n;
        expect(checks).toBeGreaterThanOrEqual(committed.get(name)!.checks);
        expect(checks).toBeLessThanOrEqual(committed.get(name)!.checks + 1); // at most the one in flight
        const answers = new Set((db.prepare('SELECT answer FROM quiz_answers WHERE user_id = ?').all(id) as { answer: string }[]).map((r) => JSON.parse(r.answer) as string));
        for (const a of committed.get(name)!.answers) expect(answers.has(a), `answer ${a}`).toBe(true);
        // Every attempt has all its check results (one transaction per attempt).
        const partial = db.prepare('SELECT a.id FROM attempts a WHERE a.user_id = ? AND (SELECT COUNT(*) FROM check_results c WHERE c.attempt_id = a.id) != 3').all(id);
        expect(partial).toEqual([]);
      }
    } finally {
      db.close();
    }
  });

  it('after the restart progress and sessions are intact, and the labs are adopted or cleaned up', async () => {
    const second = await serve();
    for (const [name, old] of sessions) {
      const s = new HttpSession(second.url);
      for (const [k, v] of old.cookies) s.cookies.set(k, v);
      s.csrf = old.csrf;
      sessions.set(name, s);
    }

    for (const name of ['ann', 'ben']) {
      const s = sessions.get(name)!;
      const p = await s.get('/api/progress'); // the session from before the crash still works
      expect(p.status).toBe(200);
      const lesson = p.json.lessons.find((l: { id: string }) => l.id === 'cluster-at-a-glance');
      expect(lesson.read).toBe(true);
      expect(lesson.exercises[0]).toMatchObject({ id: 'first-pod', status: 'trying' });
      expect(lesson.exercises[0].attempts).toBeGreaterThanOrEqual(committed.get(name)!.checks);
      expect(lesson.quiz.answered).toBe(1);
      expect(p.json.continueLessonId).toBe('cluster-at-a-glance');
    }

    // Adoption: the learners' labs are theirs again; Cay's half-made lab is deleted; nothing else runs.
    const settled = await eventually(
      async () => {
        const known = storeLabs();
        const running = labsInProcesses();
        const unknown = [...running].filter((n) => !known.has(n));
        const cays = [...known.values()].filter((l) => l.owner === ids.get('cay'));
        return unknown.length === 0 && cays.length === 0 && known.size === 2 ? { known, running } : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    expect(settled, `store: ${JSON.stringify([...storeLabs()])}, processes: ${[...labsInProcesses()]}`).toBeTruthy();
    expect(settled!.known.get(labBefore.get('ann')!)).toEqual({ owner: ids.get('ann'), state: 'ready' });
    expect(settled!.known.get(labBefore.get('ben')!)).toEqual({ owner: ids.get('ben'), state: 'ready' });
    expect([...settled!.running].sort()).toEqual([labBefore.get('ann'), labBefore.get('ben')].sort());

    // The adopted lab answers at once: a check is graded in Ann's old lab, no new lab is made.
    const r = await sessions.get('ann')!.post('/api/exercises/first-pod/check');
    expect(r.status).toBe(200);
    expect([...storeLabs().keys()].sort()).toEqual([labBefore.get('ann'), labBefore.get('ben')].sort());
  });
});
