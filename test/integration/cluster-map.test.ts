/**
 * Who sees which lab on /ws/cluster, against a real server (accounts mode) and real kwok labs:
 * a learner gets their own lab and nothing else, whatever they put in the URL or send; the
 * instructor of a learner's workshop (and an admin) get that learner's lab read-only, another
 * instructor does not; the socket passes the same Origin and session checks as every other one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HttpSession, socketOutcome } from '../helpers/http-session.js';
import { hashPassword } from '../../server/accounts.js';
import type { Role } from '../../server/store/users.js';
import type { MapFrame } from '../../shared/cluster-map.js';
import { packageRoot, type Lab } from '../../sandbox/index.js';

const lessonsDir = join(packageRoot, 'lessons');
const password = 'correct horse battery';
let srv: TestServer;
const as: Record<string, HttpSession> = {};
const ids: Record<string, number> = {};
let aliceLab: Lab;
let bobLab: Lab;

async function account(name: string, role: Role): Promise<HttpSession> {
  const user = srv.server.ctx.store.users.create({ username: name, displayName: name, role, passwordHash: await hashPassword(password) });
  ids[name] = user.id;
  const s = new HttpSession(srv.url);
  expect((await s.signIn(name, password)).status).toBe(200);
  return s;
}

/** Frames a socket receives until `until` matches one (or the time is up), and how it ended. */
function frames(ws: WebSocket, until: (f: MapFrame) => boolean, ms = 60_000): Promise<{ frames: MapFrame[]; code?: number; reason?: string }> {
  return new Promise((resolve) => {
    const got: MapFrame[] = [];
    const done = (r: { code?: number; reason?: string } = {}) => {
      clearTimeout(t);
      resolve({ frames: got, ...r });
    };
    const t = setTimeout(() => done(), ms);
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as MapFrame;
      got.push(f);
      if (until(f)) done();
    });
    ws.on('close', (code, reason) => done({ code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  });
}

const live = (f: MapFrame) => f.type === 'status' && f.state === 'live';
const snapshots = (fs: MapFrame[]) => fs.filter((f): f is Extract<MapFrame, { type: 'snapshot' }> => f.type === 'snapshot');

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', lessonsDir });
  as.admin = await account('admin', 'admin');
  as.teacher = await account('teacher', 'instructor');
  as.otherTeacher = await account('other-teacher', 'instructor');
  as.alice = await account('alice', 'learner');
  as.bob = await account('bob', 'learner');
  const w = await as.teacher.post('/api/workshops', { title: 'Tuesday', lessons: ['scheduler'], capacity: 10, durationMinutes: 120 });
  expect(w.status).toBe(201);
  srv.server.ctx.store.workshops.addMemberIfRoom(w.json.id, () => ids.bob!);
  aliceLab = await srv.server.ctx.labs.labFor(ids.alice!);
  bobLab = await srv.server.ctx.labs.labFor(ids.bob!);
});

afterAll(async () => {
  await srv?.stop();
});

describe('/ws/cluster', () => {
  it('a learner gets their own lab, live, with its nodes', async () => {
    const r = await frames(as.alice!.socket('/ws/cluster'), live);
    expect(r.frames[0]).toEqual({ type: 'hello', learner: 'alice', readOnly: false });
    expect(snapshots(r.frames).map((s) => s.lab)).toEqual([aliceLab.name]);
    const nodes = snapshots(r.frames)[0]!.state.nodes.map((n) => n.name);
    const later = r.frames.flatMap((f) => (f.type === 'patch' ? (f.changes.nodes?.upsert ?? []).map((n) => n.name) : []));
    expect(new Set([...nodes, ...later])).toEqual(new Set(aliceLab.workers));
    expect(r.frames.at(-1)).toEqual({ type: 'status', state: 'live' });
  });

  it("a learner cannot subscribe to another learner's lab by naming them in the URL", async () => {
    for (const asked of [String(ids.bob), `${ids.bob}&learner=${ids.alice}`, '0', '-1', 'bob', '1e3']) {
      const r = await frames(as.alice!.socket(`/ws/cluster?learner=${asked}`), () => false, 10_000);
      expect(r.code, `learner=${asked}`).toBe(1008);
      expect(r.reason).toBe('not allowed to see this lab');
      expect(snapshots(r.frames)).toEqual([]);
    }
  });

  it('nor by sending frames that name a lab: the socket ignores them and keeps showing their own', async () => {
    const ws = as.alice!.socket('/ws/cluster');
    const first = await frames(ws, live);
    expect(snapshots(first.frames).map((s) => s.lab)).toEqual([aliceLab.name]);
    const after = frames(ws, (f) => f.type === 'error', 10_000);
    ws.send(JSON.stringify({ type: 'subscribe', lab: bobLab.name, learner: ids.bob }));
    const r = await after;
    expect(r.frames.map((f) => f.type)).toEqual(['error']);
    ws.close();
  });

  it("the instructor of the learner's workshop and an admin see it read-only; another instructor does not", async () => {
    for (const who of ['teacher', 'admin']) {
      const r = await frames(as[who]!.socket(`/ws/cluster?learner=${ids.bob}`), live);
      expect(r.frames[0], who).toEqual({ type: 'hello', learner: 'bob', readOnly: true });
      expect(snapshots(r.frames).map((s) => s.lab)).toEqual([bobLab.name]);
    }
    const other = await frames(as.otherTeacher!.socket(`/ws/cluster?learner=${ids.bob}`), () => false, 10_000);
    expect(other.code).toBe(1008);
    expect(snapshots(other.frames)).toEqual([]);
    // The page around it follows the same rule, and does not say whether the learner exists.
    expect((await as.teacher!.get(`/learners/${ids.bob}/cluster`, { headers: { accept: 'text/html' } })).status).toBe(200);
    for (const [who, learner] of [['otherTeacher', ids.bob], ['alice', ids.bob], ['teacher', 99999]] as const) {
      expect((await as[who]!.get(`/learners/${learner}/cluster`, { headers: { accept: 'text/html' } })).status, `${who} → ${learner}`).toBe(404);
    }
  });

  it('an instructor watching never creates a lab for a learner who has none', async () => {
    const carol = srv.server.ctx.store.workshops.addMemberIfRoom(srv.server.ctx.store.workshops.list(ids.teacher)[0]!.id, () => srv.server.ctx.store.users.create({ username: 'carol', displayName: 'carol', role: 'learner' }).id)!;
    const r = await frames(as.teacher!.socket(`/ws/cluster?learner=${carol}`), (f) => f.type === 'status', 10_000);
    expect(r.frames.at(-1)).toEqual({ type: 'status', state: 'waiting', detail: 'this learner has no lab right now' });
    expect(srv.server.ctx.labs.statusOf(carol).state).toBe('none');
  });

  it('passes the Origin and session checks every socket passes', async () => {
    expect((await socketOutcome(srv.socket('/ws/cluster', { cookie: as.alice!.cookieHeader, origin: 'http://evil.example' }))).status).toBe(403);
    expect((await socketOutcome(srv.socket('/ws/cluster', { cookie: as.alice!.cookieHeader, origin: null }))).status).toBe(403);
    expect((await socketOutcome(srv.socket('/ws/cluster', {}))).status).toBe(401);
  });
});
