/**
 * What a learner does in the jailed terminal is what the grader judges: `kubectl config set-context`
 * changes the shell's own kubeconfig copy, and namespace-and-context's checks read that copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { terminalClient, type TerminalClient } from '../helpers/terminal-client.js';
import { sessionCookie } from '../../server/http/session.js';
import { packageRoot } from '../../sandbox/index.js';

let srv: TestServer;
let term: TerminalClient;
let cookie: string;
let csrf: string;

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', lessonsDir: join(packageRoot, 'lessons'), jail: true });
  const user = srv.server.ctx.store.users.create({ username: 'learner', displayName: 'Learner', role: 'learner' });
  const { token, session } = srv.server.ctx.sessions.create(user);
  cookie = `${sessionCookie}=${token}`;
  csrf = session.csrfToken;
  term = terminalClient(srv.socket('/ws/terminal', { cookie }), { cols: 120, rows: 30 });
  await term.waitForFrame('hello', 180_000);
  await term.waitFor(/learner@lab-[0-9a-f]+:~\$ $/m, { timeoutMs: 30_000 });
});

afterAll(async () => {
  term?.close();
  await srv?.stop();
});

async function check(exercise: string): Promise<{ passed: boolean; checks: { title: string; passed: boolean; message: string }[] }> {
  const res = await fetch(`${srv.url}/api/exercises/${exercise}/check`, {
    method: 'POST',
    headers: { cookie, origin: srv.url, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

describe('grading follows the learner terminal', () => {
  it('fails namespace-and-context before, and passes once the shell switched its context to team-a', async () => {
    const before = await check('namespace-and-context');
    expect(before.passed).toBe(false);

    const since = term.plain.length;
    term.type('kubectl create namespace team-a && kubectl config set-context --current --namespace=team-a && echo SWITCH""ED\r');
    await term.waitFor(/^SWITCHED$/m, { since, timeoutMs: 60_000 });

    const after = await check('namespace-and-context');
    expect(after.checks.filter((c) => !c.passed)).toEqual([]);
    expect(after.passed).toBe(true);
  });
});
