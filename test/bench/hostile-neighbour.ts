/**
 * Hostile-neighbour benchmark: learner A runs a fork bomb, a memory hog and a disk fill in their
 * jailed shell, one at a time and then all at once, while learner B types; B's keystroke echo
 * (typed character → echoed byte over the real WebSocket) is measured in each phase beside a quiet
 * baseline. Writes test/bench/results/hostile-neighbour.md.
 *
 *   npx tsx test/bench/hostile-neighbour.ts     (as root, needs `npm run build` and the cluster binaries)
 *
 * A real server (accounts mode, jailed shells, two real kwok labs), in this process.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../helpers/server.js';
import { terminalClient, type TerminalClient } from '../helpers/terminal-client.js';
import { sessionCookie } from '../../server/http/session.js';
import { terminalsFor } from '../../server/terminal.js';
import { defaultJailLimits, packageRoot } from '../../sandbox/index.js';

const samplesPerPhase = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Sends `key` and resolves with the ms until output containing `expect` arrives (read per frame, not polled). */
function roundTrip(c: TerminalClient, key: string, expect: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const timer = setTimeout(() => {
      c.ws.off('message', on);
      reject(new Error(`no echo of ${JSON.stringify(key)} within 30 s`));
    }, 30_000);
    const on = (raw: Buffer, isBinary: boolean) => {
      if (!isBinary || !raw.toString('latin1').includes(expect)) return;
      clearTimeout(timer);
      c.ws.off('message', on);
      resolve(performance.now() - t0);
    };
    c.ws.on('message', on);
    c.type(key);
  });
}

/** Keystroke echoes: a letter typed at B's prompt until it comes back, then erased (its echo waited for too). */
async function echoes(c: TerminalClient, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const letter = String.fromCharCode(97 + (i % 26));
    out.push(await roundTrip(c, letter, letter));
    await roundTrip(c, '\x7f', '\b');
    await sleep(10);
  }
  return out;
}

const attacks = {
  'fork bomb': "bash -c 'bomb(){ bomb | bomb & }; bomb' 2>/dev/null &",
  'memory hog (3 × 600 MiB)': 'for i in 1 2 3; do python3 -c "b=bytearray(600<<20); import time; time.sleep(600)" 2>/dev/null & done',
  'disk fill (home, /tmp, /dev/shm, again and again)': "( while :; do for d in ~ /tmp /dev/shm; do dd if=/dev/zero of=$d/fill bs=1M count=200 2>/dev/null; rm -f $d/fill; done; done ) &",
};

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root: jails get their own uid and control group only then');
  const srv = await startTestServer({ auth: 'accounts', jail: true, lessonsDir: join(packageRoot, 'test', 'fixtures', 'lessons-render') });
  const open = async (name: string) => {
    const user = srv.server.ctx.store.users.create({ username: name, displayName: name, role: 'learner' });
    const cookie = `${sessionCookie}=${srv.server.ctx.sessions.create(user).token}`;
    const c = terminalClient(srv.socket('/ws/terminal', { cookie }), { cols: 120, rows: 30 });
    await c.waitForFrame('hello', 180_000);
    await c.waitFor(/learner@lab-[0-9a-f]+:~\$ $/m, { timeoutMs: 60_000 });
    return { c, id: user.id };
  };
  const rows: { phase: string; p50: number; p99: number; max: number; aProcs: number; aMemMiB: number }[] = [];
  try {
    let a = await open('attacker');
    const b = await open('typist');
    const groupOf = () => terminalsFor(srv.server.ctx).shellOf(a.id)?.shell.cgroup;
    const restartA = async () => {
      a.c.send({ type: 'restart' });
      await a.c.waitForClose(30_000);
      a = { ...a, c: terminalClient(srv.socket('/ws/terminal', { cookie: `${sessionCookie}=${srv.server.ctx.sessions.create(srv.server.ctx.store.users.byId(a.id)!).token}` }), { cols: 120, rows: 30 }) };
      await a.c.waitForFrame('hello', 60_000);
      await a.c.waitFor(/learner@lab-[0-9a-f]+:~\$ $/m, { timeoutMs: 60_000 });
    };
    const phase = async (name: string, commands: string[]) => {
      for (const cmd of commands) a.c.type(`${cmd}\r`);
      await sleep(commands.length ? 4000 : 0);
      const xs = await echoes(b.c, samplesPerPhase);
      const g = groupOf();
      rows.push({ phase: name, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs), aProcs: g?.pids().length ?? 0, aMemMiB: Math.round((g?.memoryBytes() ?? 0) / 1024 / 1024) });
      console.log(`${name}: p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms`);
      if (commands.length) await restartA();
    };
    await echoes(b.c, 20); // warm up
    await phase('quiet (baseline)', []);
    for (const [name, cmd] of Object.entries(attacks)) await phase(name, [cmd]);
    await phase('all three at once', Object.values(attacks));
  } finally {
    await srv.stop();
  }

  const base = rows[0]!;
  const lines = [
    '# Hostile neighbour: one learner attacks, another types',
    '',
    `Recorded ${new Date().toISOString().slice(0, 10)} by \`npx tsx test/bench/hostile-neighbour.ts\` on ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg()[0]!.toFixed(1)} at the end, shared with other work.`,
    '',
    `Learner A's jailed shell runs each attack in turn (A's shell is restarted between them, which kills whatever is left in its control group); learner B, on another lab, types one letter at a time: ${samplesPerPhase} keystroke echoes per phase through the real WebSocket, server and jailed pty. A's jail: ${defaultJailLimits.memoryBytes / 2 ** 30} GiB of memory, ${defaultJailLimits.processes} processes, CPU weight ${defaultJailLimits.cpuWeight} (of 100) and at most ${defaultJailLimits.cpuCores} core, /dev/shm ${defaultJailLimits.shmBytes / 2 ** 20} MiB.`,
    '',
    "| phase | B's echo p50 | p99 | max | p99 vs quiet | A's processes | A's memory |",
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.phase} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.max.toFixed(1)} ms | ${(r.p99 / base.p99).toFixed(1)}× | ${r.aProcs} | ${r.aMemMiB} MiB |`),
    '',
    "A's processes and memory are read from A's control group while B types.",
    '',
  ];
  writeFileSync(join(packageRoot, 'test', 'bench', 'results', 'hostile-neighbour.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
