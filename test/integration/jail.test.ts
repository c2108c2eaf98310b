/**
 * The learner jail and the terminal socket under attack. Two learners, each with a real kwok lab
 * and a real jailed shell; every row is a real attempt from inside learner A's shell, or over a
 * real socket. Each must be refused or contained, and after each row learner B's terminal still
 * echoes (the server keeps serving everyone else).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runInTerminal, terminalClient, type TerminalClient } from '../helpers/terminal-client.js';
import { listeningAddresses } from '../helpers/listeners.js';
import { databasePath } from '../../server/store.js';
import { defaultJailLimits, jailHostUid, kubectl, packageRoot, pinnedVersions, type KwokProvider, type Lab } from '../../sandbox/index.js';
import { sessionCookie } from '../../server/http/session.js';

const fakeSecret = `fake-cloud-secret-${Math.random().toString(36).slice(2)}`;
let srv: TestServer;
let a: TerminalClient;
let b: TerminalClient;
let labA: Lab;
let labB: Lab;
const ids = { a: 0, b: 0, c: 0 };
const cookies = { a: '', b: '', c: '' };

let marks = 0;
const sh = runInTerminal;

async function expectEchoes(c: TerminalClient, who: string): Promise<void> {
  const word = `alive-${who}-${++marks}`;
  expect(await sh(c, `echo ${word.slice(0, 5)}${word.slice(5)}`, 30_000)).toContain(word);
}

function session(name: 'a' | 'b' | 'c'): void {
  const user = srv.server.ctx.store.users.create({ username: `learner-${name}`, displayName: `Learner ${name}`, role: 'learner' });
  ids[name] = user.id;
  cookies[name] = `${sessionCookie}=${srv.server.ctx.sessions.create(user).token}`;
}

async function openTerminal(name: 'a' | 'b', hello: { terminal?: string; seq?: number } = {}, path = '/ws/terminal'): Promise<TerminalClient> {
  const c = terminalClient(srv.socket(path, { cookie: cookies[name] }), { ...hello, cols: 100, rows: 30 });
  await c.waitForFrame('hello', 180_000);
  await c.waitFor(/learner@lab-[0-9a-f]+:~\$ $/m, { timeoutMs: 30_000 });
  return c;
}

/** The status of an upgrade: 101 when it opened, else the HTTP status it was refused with. */
function upgradeOutcome(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  });
}

const portsOf = (lab: Lab) => {
  const provider = srv.server.ctx.labs.provider as KwokProvider;
  return [...new Set(listeningAddresses(provider.processes(lab)).map((a) => Number(a.split(':').pop())))];
};

beforeAll(async () => {
  // A secret in the server's own environment (not one the server scrubs by name): no shell may see it.
  process.env.FAKE_CLOUD_SECRET = fakeSecret;
  srv = await startTestServer({ auth: 'accounts', lessonsDir: join(packageRoot, 'test', 'fixtures', 'lessons-render'), jail: true });
  session('a');
  session('b');
  session('c');
  a = await openTerminal('a');
  b = await openTerminal('b');
  const statusOf = (id: number) => srv.server.ctx.labs.statusOf(id);
  const sa = statusOf(ids.a);
  const sb = statusOf(ids.b);
  if (sa.state !== 'ready' || sb.state !== 'ready') throw new Error('both labs should be ready');
  labA = sa.lab;
  labB = sb.lab;
  expect(labA.name).not.toBe(labB.name);
  await kubectl(labB.kubeconfigs.admin, ['create', 'configmap', 'only-in-lab-b', '--from-literal=k=v']);
});

afterEach(async () => {
  await expectEchoes(b, 'b');
});

afterAll(async () => {
  delete process.env.FAKE_CLOUD_SECRET;
  a?.close();
  b?.close();
  await srv?.stop();
});

describe('the jail holds', () => {
  it('gives the learner a working shell on their own lab: kubectl, vim, nano, less, jq, curl', async () => {
    const out = await sh(a, 'kubectl get nodes -o name; for t in bash kubectl vim nano less jq curl socat; do command -v $t >/dev/null && echo "has $t"; done; id -un');
    expect(out).toContain('node/kwok-worker-1');
    expect(out).toContain('node/kwok-worker-2');
    for (const t of ['bash', 'kubectl', 'vim', 'nano', 'less', 'jq', 'curl']) expect(out).toContain(`has ${t}`);
    expect(out).toMatch(/^learner$/m);
  });

  it("runs the labs' own kubectl (shared into the jail), not whatever the host may have", async () => {
    const out = await sh(a, 'command -v kubectl; kubectl version --client 2>/dev/null | head -1');
    expect(out).toContain('/opt/kubelab/bin/kubectl');
    expect(out).toContain(`Client Version: ${pinnedVersions().kubernetes}`);
  });

  it('refuses to read the server database file', async () => {
    const db = databasePath(srv.config.dataDir);
    const out = await sh(a, `cat ${db} | head -c 16; ls ${srv.config.dataDir}; ls /root`);
    expect(out).not.toContain('SQLite format');
    expect(out).toContain(`cat: ${db}: No such file or directory`);
    expect(out).toContain(`No such file or directory`);
  });

  it("refuses to read another learner's kubeconfig", async () => {
    const liveB = srv.server.ctx.labs.kubeconfigs.pathOf(ids.b)!;
    expect(liveB).toBeTruthy();
    const out = await sh(a, `cat ${labB.kubeconfigs.learner}; cat ${liveB}; ls /run/kubelab; kubectl get configmap only-in-lab-b`);
    expect(out).toContain(`${labB.kubeconfigs.learner}: No such file or directory`);
    expect(out).toContain(`${liveB}: No such file or directory`);
    expect(out).not.toContain('client-key-data');
    // Through its one door, the shell reaches its own lab only.
    expect(out).toContain('configmaps "only-in-lab-b" not found');
  });

  it("edits only its own copy of the kubeconfig; the lab's original, which the server uses, stays untouched", async () => {
    const original = readFileSync(labA.kubeconfigs.learner, 'utf8');
    const out = await sh(a, 'kubectl config set-context --current --namespace=team-a && kubectl config view --minify -o jsonpath="ns={.contexts[0].context.namespace}"; echo; kubectl get pods 2>&1 | head -1');
    expect(out).toContain('ns=team-a');
    expect(readFileSync(labA.kubeconfigs.learner, 'utf8')).toBe(original);
    const live = srv.server.ctx.labs.kubeconfigs.of(ids.a, labA);
    expect(live).not.toBe(labA.kubeconfigs.learner);
    expect(readFileSync(live, 'utf8')).toContain('namespace: team-a');
    await sh(a, 'kubectl config set-context --current --namespace=default');
  });

  it('cannot see server processes in /proc', async () => {
    const out = await sh(a, `ls /proc | grep -cE '^[0-9]+$'; cat /proc/${process.pid}/cmdline; ps -e -o comm=`);
    const count = Number(out.trim().split('\n')[0]);
    expect(count).toBeLessThan(20);
    expect(out).toContain(`/proc/${process.pid}/cmdline: No such file or directory`);
    for (const server of ['node', 'etcd', 'kube-apiserver', 'kwok']) expect(out.split('\n').map((l) => l.trim())).not.toContain(server);
  });

  it("shows no server secret in the shell's environment", async () => {
    const out = await sh(a, 'env; tr "\\0" "\\n" < /proc/1/environ');
    expect(out).not.toContain(fakeSecret);
    expect(out).not.toContain('FAKE_CLOUD_SECRET');
    const names = out.split('\n').map((l) => /^([A-Z_][A-Z0-9_]*)=/.exec(l)?.[1]).filter(Boolean);
    const allowed = new Set(['HOME', 'USER', 'SHELL', 'PATH', 'TERM', 'COLORTERM', 'LANG', 'KUBECONFIG', 'PWD', 'OLDPWD', 'SHLVL', '_', 'EDITOR', 'KUBE_EDITOR']);
    expect(names.filter((n) => !allowed.has(n!))).toEqual([]);
  });

  it("cannot reach another lab's API server or etcd, its own lab's etcd, or the kubelab server", async () => {
    const otherLab = portsOf(labB);
    const ownLab = portsOf(labA);
    expect(otherLab.length).toBeGreaterThanOrEqual(3); // etcd (client and peer), kube-apiserver, and more
    const ports = [...otherLab, ...ownLab, srv.server.port];
    const out = await sh(a, `for p in ${ports.join(' ')}; do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && echo "open $p" || echo "closed $p"; done; curl -sk -m 3 https://127.0.0.1:6443/version >/dev/null; echo "own api via the door: $?"`);
    for (const p of ports) expect(out).toContain(`closed ${p}`);
    expect(out).not.toMatch(/^open /m);
    expect(out).toContain('own api via the door: 0');
  });

  it('contains a fork bomb within the learner\'s process limit', async () => {
    const hostUid = jailHostUid(ids.a);
    const countHostProcs = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return new RegExp(`^Uid:\\s+${hostUid}\\s`, 'm').test(readFileSync(`/proc/${p}/status`, 'utf8'));
          } catch {
            return false;
          }
        }).length;
    const since = a.plain.length;
    a.type("nice -n 19 timeout -s KILL 12 bash -c 'bomb(){ bomb | bomb & }; bomb' 2>/dev/null; echo bomb-over-$((40+2))\r");
    await new Promise((r) => setTimeout(r, 6000));
    // While it runs: the other learner is served, the server answers, and the bomb is capped.
    await expectEchoes(b, 'b-during-bomb');
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    if (hostUid !== undefined) expect(countHostProcs()).toBeLessThanOrEqual(defaultJailLimits.processes + 5);
    await a.waitFor('bomb-over-42', { since, timeoutMs: 60_000 });
    // Bombs that were mid-fork when killed may live on; restarting the shell ends its whole jail.
    const before = a.hello!.terminal;
    a.send({ type: 'restart' });
    expect((await a.waitForClose()).code).toBe(4410);
    a = await openTerminal('a');
    expect(a.hello!.terminal).not.toBe(before);
    if (hostUid !== undefined) {
      for (let i = 0; i < 50 && countHostProcs() > 10; i++) await new Promise((r) => setTimeout(r, 200));
      expect(countHostProcs()).toBeLessThanOrEqual(10);
    }
    await expectEchoes(a, 'a-after-bomb');
  });

  it('contains filling the disk: file size limit, capped home and /tmp, read-only system', async () => {
    const out = await sh(
      a,
      [
        'dd if=/dev/zero of=~/big bs=1M count=300 2>/dev/null; echo "dd exit $?"; du -m ~/big | cut -f1',
        'for i in 1 2; do dd if=/dev/zero of=~/fill$i bs=1M count=90 2>&1 | grep -o "No space left on device"; done',
        'for i in 1 2; do dd if=/dev/zero of=/tmp/fill$i bs=1M count=90 2>&1 | grep -o "No space left on device"; done',
        'df -m ~ /tmp | tail -2',
        'touch /usr/x /etc/x /x /var/x 2>&1 | grep -c "Read-only file system\\|No such file"',
        'rm -f ~/big ~/fill* /tmp/fill*',
      ].join('; '),
      120_000,
    );
    expect(out).toMatch(/dd exit (153|1)/); // SIGXFSZ (128+25) when the file size limit is hit
    expect(Number(/^(\d+)$/m.exec(out.split('dd exit')[1]!)?.[1])).toBeLessThanOrEqual(100);
    expect(out.match(/No space left on device/g)?.length).toBeGreaterThanOrEqual(2);
    const sizes = [...out.matchAll(/^tmpfs\s+(\d+)/gm)].map((m) => Number(m[1]));
    expect(sizes).toEqual([128, 128]);
    expect(out).toMatch(/^4$/m);
  });

  it("cannot attach to someone else's terminal, whatever it names", async () => {
    const bTerminal = b.hello!.terminal;
    const c = terminalClient(srv.socket(`/ws/terminal?user=${ids.b}&terminal=${bTerminal}`, { cookie: cookies.a }), { terminal: bTerminal, seq: 0, cols: 100, rows: 30 });
    const hello = await c.waitForFrame('hello');
    expect(hello.terminal).not.toBe(bTerminal);
    expect(hello.terminal).toBe(a.hello!.terminal);
    await c.waitFor('alive-a-after-bomb'); // A's own scrollback
    expect(c.plain).not.toContain('alive-b');
    // The socket it replaced (A's first tab) was told so.
    expect((await a.waitForClose()).code).toBe(4409);
    a = c;
    // A learner cannot watch another's terminal either.
    const watch = srv.socket(`/ws/terminal-watch?user=${ids.b}`, { cookie: cookies.a });
    expect((await closeOf(watch)).code).toBe(1008);
  });

  it('refuses a WebSocket from a foreign Origin', async () => {
    expect(await upgradeOutcome(srv.socket('/ws/terminal', { cookie: cookies.a, origin: 'https://evil.example' }))).toBe(403);
    expect(await upgradeOutcome(srv.socket('/ws/terminal', { cookie: cookies.a, origin: null }))).toBe(403);
  });

  it('refuses a WebSocket without a session', async () => {
    expect(await upgradeOutcome(srv.socket('/ws/terminal'))).toBe(401);
    expect(await upgradeOutcome(srv.socket('/ws/terminal', { cookie: `${sessionCookie}=forged-token` }))).toBe(401);
  });

  it('closes a socket that sends a 10 MB frame, and only that socket', async () => {
    const ws = srv.socket('/ws/terminal', { cookie: cookies.c });
    const closed = closeOf(ws);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'data', data: 'x'.repeat(10 * 1024 * 1024) }));
    expect((await closed).code).toBe(1009);
    await expectEchoes(a, 'a');
  });

  it('closes a socket that sends malformed frames, with the reason', async () => {
    for (const [frame, reason] of [
      ['not json at all', 'frame is not JSON'],
      [JSON.stringify({ type: 'data', data: 'id\r' }), 'the first frame must be hello'],
      [JSON.stringify({ type: 'exec', command: 'id' }), 'bad frame'],
      [Buffer.from([1, 2, 3]), 'binary frames are not accepted'],
    ] as const) {
      const ws = srv.socket('/ws/terminal', { cookie: cookies.c });
      const closed = closeOf(ws);
      await new Promise((r) => ws.once('open', r));
      ws.send(frame);
      const { code, reason: why } = await closed;
      expect(code).toBe(4400);
      expect(why).toContain(reason);
    }
  });

  it('clamps a resize to 100000x100000 to 500x200', async () => {
    a.send({ type: 'resize', cols: 100000, rows: 100000 });
    const out = await sh(a, 'echo "size $(tput cols)x$(tput lines)"');
    expect(out).toContain('size 500x200');
    a.send({ type: 'resize', cols: 100, rows: 30 });
    expect(await sh(a, 'echo "size $(tput cols)x$(tput lines)"')).toContain('size 100x30');
  });
});
