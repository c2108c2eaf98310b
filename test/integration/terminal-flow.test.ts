/**
 * Flow control and replay of one shell, over a real WebSocket to a real pty (a plain bash, no lab):
 * a flood of output with a browser that does not keep up pauses the shell instead of growing memory,
 * a browser that acknowledges gets every byte, and a reconnecting browser gets only what it missed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ShellProcess } from '../../server/terminal/shell-process.js';
import { createLogger } from '../../server/logger.js';
import { flowControl, terminalLimits } from '../../shared/terminal-protocol.js';
import { terminalClient, type TerminalClient } from '../helpers/terminal-client.js';

let wss: WebSocketServer;
let port: number;
let home: string;
const shells: ShellProcess[] = [];
const log = createLogger({ level: 'error' });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'kubelab-flow-'));
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  port = (wss.address() as AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(shells.splice(0).map((s) => s.end('exited', 'test over')));
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
  rmSync(home, { recursive: true, force: true });
});

function plainShell(): ShellProcess {
  const shell = new ShellProcess(
    {
      jailed: false,
      liveKubeconfig: '',
      resetKubeconfig: async () => {},
      command: { file: '/bin/bash', args: ['--noprofile', '--norc'], env: { PATH: '/usr/bin:/bin', TERM: 'xterm-256color', HOME: home, PS1: 'flow$ ' }, cwd: home },
      close: async () => {},
    },
    'no-lab',
    { cols: 120, rows: 30 },
    log,
    () => {},
  );
  shells.push(shell);
  return shell;
}

/** Connects a client and attaches its server side to the shell, passing its acks on. */
async function connect(shell: ShellProcess, hello: { terminal?: string; seq?: number; ack?: boolean } = {}): Promise<{ client: TerminalClient; server: WebSocket }> {
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = terminalClient(new WebSocket(`ws://127.0.0.1:${port}`), hello);
  const server = await serverSide;
  server.on('message', (raw) => {
    const f = JSON.parse(String(raw)) as { type: string; seq?: number; data?: string };
    if (f.type === 'ack' && typeof f.seq === 'number') shell.ack(f.seq);
    if (f.type === 'data' && f.data) shell.input(f.data);
  });
  server.on('close', () => shell.detach(server));
  await new Promise((r) => (client.ws.readyState === WebSocket.OPEN ? r(undefined) : client.ws.once('open', r)));
  shell.attach(server, hello, false);
  await client.waitForFrame('hello');
  return { client, server };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('terminal flow control', () => {
  it('pauses a flooding shell when the browser does not acknowledge, keeping memory bounded', async () => {
    const shell = plainShell();
    const { client } = await connect(shell, { ack: false });
    const rssBefore = process.memoryUsage().rss;
    client.type('yes kubelab-flood-line\r');
    // Wait until the shell has been paused, then give it time in which an unpaused `yes` would write gigabytes.
    for (let i = 0; i < 100 && !shell.isPaused; i++) await sleep(100);
    expect(shell.isPaused).toBe(true);
    const atPause = client.seq;
    await sleep(3000);
    expect(shell.isPaused).toBe(true);
    expect(shell.unacked).toBeLessThanOrEqual(flowControl.highWaterBytes + flowControl.batchMaxBytes * 2);
    expect(client.seq - atPause).toBeLessThanOrEqual(flowControl.batchMaxBytes * 2);
    expect(shell.replay.size).toBeLessThanOrEqual(terminalLimits.replayBytes + flowControl.batchMaxBytes);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    client.close();
  });

  it('delivers every byte of a large output to a browser that acknowledges, through pauses and resumes', async () => {
    const shell = plainShell();
    const { client } = await connect(shell);
    // About 6.9 MB: several times the high watermark.
    client.type('seq 1 1000000; echo flood-done\r');
    await client.waitFor(/^flood-done$/m, { timeoutMs: 120_000 });
    const lines = client.plain.split('\n');
    const nums = lines.map((l) => l.trim()).filter((l) => /^\d+$/.test(l));
    expect(nums.length).toBe(1_000_000);
    expect(nums[0]).toBe('1');
    expect(nums.at(-1)).toBe('1000000');
    expect(shell.unacked).toBeLessThan(flowControl.highWaterBytes);
    client.close();
  });

  it('replays to a reconnecting browser only what it missed, and everything kept to a new page', async () => {
    const shell = plainShell();
    const first = await connect(shell);
    first.client.type('echo before-$((1+1))\r');
    await first.client.waitFor('before-2');
    const seq = first.client.seq;
    const id = first.client.hello!.terminal;
    first.client.close();
    await sleep(200);
    expect(shell.attached).toBe(false);
    // While no browser is attached, the shell keeps running and its output is kept.
    shell.input('echo while-away-$((2+2))\r');
    await sleep(500);

    const again = await connect(shell, { terminal: id, seq });
    expect(again.client.hello).toMatchObject({ terminal: id, from: seq, truncated: false });
    await again.client.waitFor('while-away-4');
    expect(again.client.plain).not.toContain('before-2');

    const fresh = await connect(shell, {});
    expect(fresh.client.hello!.from).toBe(0);
    await fresh.client.waitFor(/before-2[\s\S]*while-away-4/);
    fresh.client.close();
  });
});
