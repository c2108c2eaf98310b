/**
 * Exam points on a real server (accounts mode) with real kwok labs: a sitting of four exercises
 * (taint-node, rbac-read-only, rollout-undo, cordon-drain) submitted without typing a command
 * scores 0 of 40; wrong answers (worker 1 tainted instead of worker 2, cluster-admin for the
 * auditor) score no more than the same progress without the damage, and a right answer scores
 * full marks. docs/teaching.md says how points are computed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl } from '../../sandbox/index.js';
import { hashPassword } from '../../server/accounts.js';
import { HttpSession } from '../helpers/http-session.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const password = 'a good long passphrase';
let srv: TestServer;
let teacher: HttpSession;
let ann: HttpSession;
const uid = (name: string) => srv.server.ctx.store.users.byUsername(name)!.id;

async function examOf(items: { exerciseId: string; points: number }[]): Promise<number> {
  const r = await teacher.post('/api/exams', { title: `exam ${items.map((i) => i.exerciseId).join(' ')}`, timeLimitMinutes: 20, items: items.map((i) => ({ kind: 'exercise', ...i })) });
  expect(r.status, r.text).toBe(201);
  expect((await teacher.post(`/api/exams/${r.json.id}/open`)).status).toBe(200);
  return r.json.id as number;
}

/** Starts Ann's sitting and waits until her lab is set up and the baseline taken. */
async function sit(examId: number) {
  expect((await ann.post(`/api/exams/${examId}/start`)).status).toBeLessThan(300);
  const store = srv.server.ctx.store;
  await expect.poll(() => store.exams.sittingOf(examId, uid('ann'))?.baseline, { timeout: 240_000, interval: 1000 }).toBeTruthy();
  const status = srv.server.ctx.labs.statusOf(uid('ann'));
  if (status.state !== 'ready') throw new Error(`no lab: ${status.state}`);
  return status.lab;
}

async function submit(examId: number) {
  expect((await ann.post(`/api/exams/${examId}/submit`)).status).toBe(200);
  const store = srv.server.ctx.store;
  await expect.poll(() => store.exams.sittingOf(examId, uid('ann'))?.state, { timeout: 120_000, interval: 1000 }).toBe('graded');
  const sitting = store.exams.sittingOf(examId, uid('ann'))!;
  return { score: sitting.score, items: new Map(store.exams.itemResults(sitting.id).map((r) => [r.itemKey, r.points])) };
}

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', maxLabs: 2 });
  const users = srv.server.ctx.store.users;
  users.create({ username: 'teacher', displayName: 'Teacher', role: 'instructor', passwordHash: await hashPassword(password) });
  users.create({ username: 'ann', displayName: 'Ann', role: 'learner', passwordHash: await hashPassword(password) });
  teacher = new HttpSession(srv.url);
  ann = new HttpSession(srv.url);
  expect((await teacher.signIn('teacher', password)).status).toBe(200);
  expect((await ann.signIn('ann', password)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await srv?.stop();
}, 180_000);

describe('exam points', () => {
  it('four exercises left as the setup made them score 0 of 40', async () => {
    const id = await examOf(['taint-node', 'rbac-read-only', 'rollout-undo', 'cordon-drain'].map((exerciseId) => ({ exerciseId, points: 10 })));
    await sit(id);
    const { score, items } = await submit(id);
    expect([...items.values()]).toEqual([0, 0, 0, 0]);
    expect(score).toBe(0);
  }, 400_000);

  it('a wrong answer scores no more than the same progress without the damage; a right one scores full', async () => {
    const id = await examOf([
      { exerciseId: 'taint-node', points: 10 },
      { exerciseId: 'rbac-read-only', points: 10 },
      { exerciseId: 'first-pod', points: 9 },
    ]);
    const lab = await sit(id);
    const learner = lab.kubeconfigs.learner;
    // taint-node: worker 1 instead of worker 2 (breaks "worker 1 is not tainted", gains nothing).
    await kubectl(learner, ['taint', 'node', lab.workers[0]!, 'dedicated=infra:NoSchedule']);
    // rbac-read-only: the account, then the default admin role for it in every namespace (gains 2
    // checks, breaks every guard). cluster-admin itself is beyond what a learner may grant.
    await kubectl(learner, ['create', 'serviceaccount', 'auditor', '-n', 'team-a']);
    await kubectl(learner, ['create', 'clusterrolebinding', 'auditor-admin', '--clusterrole=admin', '--serviceaccount=team-a:auditor']);
    // first-pod: right.
    await kubectl(learner, ['run', 'hello', '--image=nginx:1.27', '--labels=app=hello']);
    await kubectl(learner, ['wait', '--for=jsonpath={.status.phase}=Running', 'pod/hello', '--timeout=60s']);
    const { items } = await submit(id);
    expect(items.get('ex:taint-node')).toBe(0);
    // The account alone would have earned half of rbac-read-only's progress (1 of 2 progress checks).
    expect(items.get('ex:rbac-read-only')).toBeLessThanOrEqual(5);
    expect(items.get('ex:rbac-read-only')).toBe(0);
    expect(items.get('ex:first-pod')).toBe(9);
  }, 400_000);
});
