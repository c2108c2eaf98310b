/**
 * Terminal benchmark: keystroke-to-echo round trip and output throughput through
 * browser-protocol WebSocket → server → pty (and back), each beside the same figure for node-pty
 * alone (no WebSocket, no server), with server memory. Writes test/bench/results/terminal.md.
 *
 *   npx tsx test/bench/terminal.ts          (needs `npm run build` and the cluster binaries)
 *
 * 1 terminal: the real server (`kubelab serve`, a child process) with a jailed shell on a real kwok lab.
 * 50 terminals: plain shells (no jail, no lab) behind the same ShellProcess, in a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pty from 'node-pty';
import { WebSocket, type RawData } from 'ws';
import { flowControl } from '../../shared/terminal-protocol.js';
import { KwokProvider, packageRoot } from '../../sandbox/index.js';
import { defaultConfig } from '../../server/config.js';

const rttSamples = 300;
const concurrent = 50;
const concurrentSamples = 60;
const floodBytes = 100_000_000;
const floodCommand = `yes 0123456789012345678901234567890123456789 | head -c ${floodBytes}; echo BENCH-""DONE`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const mib = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`;

/** Something that takes keystrokes and hands output back: a WebSocket terminal or a bare pty. */
interface Endpoint {
  /** The last few KiB of output so far (output can arrive before anyone listens). */
  recent(): string;
  write(data: string): void;
  onOutput(fn: (chunk: Buffer) => void): void;
  close(): void;
}

function wsEndpoint(url: string, headers: Record<string, string> = {}): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    let tail = '';
    const listeners: ((b: Buffer) => void)[] = [(b) => (tail = (tail + b.toString('latin1')).slice(-4096))];
    let received = 0;
    let acked = 0;
    let ready = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', cols: 120, rows: 40 })));
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      const buf = raw as Buffer;
      if (!isBinary) {
        const f = JSON.parse(buf.toString()) as { type: string; from?: number };
        if (f.type === 'hello') {
          received = acked = f.from ?? 0;
          if (!ready) {
            ready = true;
            resolve({
              recent: () => tail,
              write: (d) => ws.send(JSON.stringify({ type: 'data', data: d })),
              onOutput: (fn) => listeners.push(fn),
              close: () => ws.close(),
            });
          }
        }
        return;
      }
      received += buf.length;
      // Acknowledge as the browser does (here: as soon as it arrives, since nothing renders).
      if (received - acked >= flowControl.ackEveryBytes) {
        acked = received;
        ws.send(JSON.stringify({ type: 'ack', seq: received }));
      }
      for (const l of listeners) l(buf);
    });
    ws.on('error', reject);
  });
}

function ptyEndpoint(): Endpoint {
  const p = pty.spawn('/bin/bash', ['--noprofile', '--norc'], { cols: 120, rows: 40, cwd: '/tmp', env: { PATH: '/usr/bin:/bin', TERM: 'xterm-256color', HOME: '/tmp', PS1: 'bench$ ' }, encoding: null });
  let tail = '';
  const listeners: ((b: Buffer) => void)[] = [(b) => (tail = (tail + b.toString('latin1')).slice(-4096))];
  p.onData((d: string | Buffer) => listeners.forEach((l) => l(typeof d === 'string' ? Buffer.from(d) : d)));
  return { recent: () => tail, write: (d) => p.write(d), onOutput: (fn) => listeners.push(fn), close: () => p.kill() };
}

/** Waits until the endpoint's output contains `text` (from now on, or in what it already printed when `already`). */
function waitFor(e: Endpoint, text: string, timeoutMs = 120_000, already = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (already && e.recent().includes(text)) return resolve();
    let seen = '';
    let done = false;
    const timer = setTimeout(() => !done && reject(new Error(`no "${text}" within ${timeoutMs} ms`)), timeoutMs);
    e.onOutput((b) => {
      if (done) return;
      seen = (seen + b.toString('latin1')).slice(-4096);
      if (seen.includes(text)) {
        done = true;
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Keystroke → echo round trips at a bash prompt (readline echoes each character). */
async function roundTrips(e: Endpoint, samples: number): Promise<number[]> {
  let waiting: (() => void) | undefined;
  e.onOutput((b) => {
    if (waiting && b.includes(0x78 /* x */)) {
      const w = waiting;
      waiting = undefined;
      w();
    }
  });
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i % 60 === 59) {
      e.write('\x15'); // Ctrl+U: keep the line short
      await sleep(20);
    }
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      waiting = resolve;
      e.write('x');
    });
    out.push(performance.now() - t0);
    await sleep(2 + Math.random() * 3); // a fast typist, not a flood
  }
  e.write('\x15');
  return out;
}

/** Bytes per second of a flood of output, and the peak memory of the given process meanwhile. */
async function throughput(e: Endpoint, pid: number): Promise<{ mbps: number; bytes: number; rssBefore: number; rssPeak: number; rssAfter: number }> {
  let bytes = 0;
  e.onOutput((b) => (bytes += b.length));
  await sleep(500);
  const rssBefore = rssOf(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 50);
  const done = waitFor(e, 'BENCH-DONE', 600_000);
  const start = bytes;
  const t0 = performance.now();
  e.write(floodCommand + '\r');
  await done;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const moved = bytes - start;
  await sleep(1500);
  return { mbps: moved / 1e6 / seconds, bytes: moved, rssBefore, rssPeak, rssAfter: rssOf(pid) };
}

function startChild(cmd: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, match: m });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${cmd} exited with ${code}: ${out.slice(-500)}`)));
  });
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const load0 = loadavg()[0]!.toFixed(2);

  // --- node-pty alone: the floor everything else is compared with.
  const bare = ptyEndpoint();
  await waitFor(bare, 'bench$ ', 120_000, true);
  const bareRtt = await roundTrips(bare, rttSamples);
  const bareFlood = await throughput(bare, process.pid);
  bare.close();

  // --- 1 terminal through the real server, jailed, on a real lab.
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
  const server = await startChild(
    process.execPath,
    [join(packageRoot, 'bin', 'kubelab.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--cache-dir', defaultConfig().cacheDir],
    { PATH: process.env.PATH, HOME: process.env.HOME, KUBELAB_LOG_LEVEL: 'warn' },
    /kubelab is running at (http:\/\/[\d.:]+)/,
  );
  const url = server.match[1]!;
  let jailedRtt: number[] = [];
  let jailedFlood: Awaited<ReturnType<typeof throughput>> | undefined;
  try {
    const res = await fetch(`${url}/api/session`);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const t = await wsEndpoint(`${url.replace('http', 'ws')}/ws/terminal`, { cookie, origin: url });
    await waitFor(t, 'm$ ', 180_000, true); // the end of the coloured prompt
    jailedRtt = await roundTrips(t, rttSamples);
    jailedFlood = await throughput(t, server.child.pid!);
    t.close();
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    // A stopped server keeps its labs for the next start to adopt; the bench's lab goes with its data dir.
    const labs = new KwokProvider({ workDir: join(dataDir, 'kwok'), cacheDir: defaultConfig().cacheDir });
    for (const lab of await labs.list()) await labs.delete(lab);
    rmSync(dataDir, { recursive: true, force: true });
  }

  // --- 50 active terminals at once: plain shells behind ShellProcess (child process) vs 50 bare ptys.
  const host = await startChild(process.execPath, [join(packageRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(packageRoot, 'test', 'bench', 'support', 'terminal-host.ts')], { PATH: process.env.PATH, HOME: process.env.HOME }, /port (\d+)/);
  let manyWs: number[] = [];
  let oneWs: number[] = [];
  let plainFlood: Awaited<ReturnType<typeof throughput>> | undefined;
  let hostRss = { before: 0, after: 0 };
  try {
    const port = host.match[1]!;
    const one = await wsEndpoint(`ws://127.0.0.1:${port}`);
    await waitFor(one, 'bench$ ', 120_000, true);
    oneWs = await roundTrips(one, rttSamples);
    plainFlood = await throughput(one, host.child.pid!);
    one.close();
    hostRss.before = rssOf(host.child.pid!);
    const many = await Promise.all(Array.from({ length: concurrent }, async () => {
      const e = await wsEndpoint(`ws://127.0.0.1:${port}`);
      await waitFor(e, 'bench$ ', 120_000, true);
      return e;
    }));
    manyWs = (await Promise.all(many.map((e) => roundTrips(e, concurrentSamples)))).flat();
    hostRss.after = rssOf(host.child.pid!);
    many.forEach((e) => e.close());
  } finally {
    host.child.kill('SIGTERM');
  }
  const manyBare = Array.from({ length: concurrent }, () => ptyEndpoint());
  await Promise.all(manyBare.map((e) => waitFor(e, 'bench$ ', 120_000, true)));
  const manyBareRtt = (await Promise.all(manyBare.map((e) => roundTrips(e, concurrentSamples)))).flat();
  manyBare.forEach((e) => e.close());

  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const line = (what: string, xs: number[], base: number[]) =>
    `| ${what} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 99))} | ${ms(pct(base, 50))} / ${ms(pct(base, 99))} | ${ratio(pct(xs, 50), pct(base, 50))} / ${ratio(pct(xs, 99), pct(base, 99))} |`;
  rows.push(
    '| path | median | p99 | node-pty alone (median / p99) | ratio (median / p99) |',
    '|---|---|---|---|---|',
    line('1 terminal: real server, jailed shell on a kwok lab', jailedRtt, bareRtt),
    line('1 terminal: plain shell behind ShellProcess (no jail)', oneWs, bareRtt),
    line(`${concurrent} active terminals at once: plain shells (no jail)`, manyWs, manyBareRtt),
  );
  const flood = (what: string, f: Awaited<ReturnType<typeof throughput>>, pidNote: string) =>
    `| ${what} | ${f.mbps.toFixed(1)} MB/s | ${ratio(f.mbps, bareFlood.mbps)} | ${mib(f.rssBefore)} → peak ${mib(f.rssPeak)} → ${mib(f.rssAfter)} (${pidNote}) |`;

  const report = `# Terminal benchmark

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${mib(totalmem())} RAM;
a shared, noisy machine (load average ${load0} at the start; teammates' builds and tests run alongside).
Run with \`npm run build && npx tsx test/bench/terminal.ts\`. No test asserts on these times.

## Keystroke to echo

One character typed at a bash prompt, timed from the WebSocket send (or pty write) until the echoed
character arrives back: browser protocol → server → pty → readline echo → pty → server → browser
protocol. ${rttSamples} samples for one terminal; for ${concurrent} terminals, all ${concurrent} type at
once, ${concurrentSamples} samples each (${concurrent * concurrentSamples} in all). The baseline writes to a
node-pty directly and waits for its output, in the same way (for ${concurrent}: ${concurrent} bare ptys at once).

${rows.join('\n')}

## Output throughput

\`${floodCommand.replace('""', '')}\`: about ${floodBytes / 1e6} MB of output (plus the \\r the
pty adds), received by a client that acknowledges as a browser would (every
${flowControl.ackEveryBytes / 1024} KiB) but renders nothing. Memory is the resident size of the process that holds the pty.

| path | throughput | vs node-pty alone | memory of the server process |
|---|---|---|---|
| node-pty alone, no WebSocket | ${bareFlood.mbps.toFixed(1)} MB/s | 1.00× | ${mib(bareFlood.rssBefore)} → peak ${mib(bareFlood.rssPeak)} → ${mib(bareFlood.rssAfter)} (the benchmark process) |
${jailedFlood ? flood('real server, jailed shell', jailedFlood, 'kubelab serve') : ''}
${plainFlood ? flood('plain shell behind ShellProcess', plainFlood, 'terminal host') : ''}

Resident memory of the terminal host: ${mib(hostRss.before)} after one terminal's flood, ${mib(hostRss.after)} with ${concurrent} terminals open and typing.

## Reading the figures

- Flow control (shared/terminal-protocol.ts) caps what the server holds per terminal at about
  ${flowControl.highWaterBytes / 1024 / 1024} MiB unacknowledged plus a ${1} MiB replay buffer, so the peak memory above does
  not grow with the size of the output; a flood pauses the shell instead.
- The first output after a quiet moment (an echo) is sent at once; continuous output is batched
  for ${flowControl.batchMs} ms into frames of up to ${flowControl.batchMaxBytes / 1024} KiB.
- The jailed path adds bubblewrap (namespaces are set up once, at shell start, not per keystroke)
  and nothing per byte: the pty is the jail's terminal directly.
- On 2 shared cores the ${concurrent}-terminal figures mostly measure CPU contention among
  ${concurrent * 2} bash processes and the benchmark itself.
`;
  writeFileSync(new URL('./results/terminal.md', import.meta.url), report);
  console.log(report);
  process.exit(0);
}

await main();
