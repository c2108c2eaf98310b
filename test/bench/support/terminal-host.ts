/**
 * For the terminal benchmark: a process that serves plain (unjailed, lab-less) shells over
 * WebSocket through the same ShellProcess the server uses (batching, flow control, replay), so
 * that 50 terminals can be measured without 50 labs. Prints its port, then serves until killed.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { ShellProcess } from '../../../server/terminal/shell-process.js';
import { parseClientFrame } from '../../../server/terminal/frames.js';
import { createLogger } from '../../../server/logger.js';
import { terminalLimits } from '../../../shared/terminal-protocol.js';

const log = createLogger({ level: 'error' });
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: terminalLimits.maxClientFrameBytes });
wss.on('connection', (ws: WebSocket) => {
  let shell: ShellProcess | undefined;
  ws.on('message', (raw, isBinary) => {
    const p = parseClientFrame(raw, isBinary);
    if (!p.ok) return ws.close(4400, p.reason);
    const f = p.frame;
    if (f.type === 'hello' && !shell) {
      shell = new ShellProcess(
        {
          jailed: false,
          liveKubeconfig: '',
          resetKubeconfig: async () => {},
          command: { file: '/bin/bash', args: ['--noprofile', '--norc'], env: { PATH: '/usr/bin:/bin', TERM: 'xterm-256color', HOME: '/tmp', PS1: 'bench$ ' }, cwd: '/tmp' },
          close: async () => {},
        },
        'bench',
        { cols: f.cols, rows: f.rows },
        log,
        () => ws.close(),
      );
      shell.attach(ws, {}, false);
    } else if (shell && f.type === 'data') shell.input(f.data);
    else if (shell && f.type === 'ack') shell.ack(f.seq);
  });
  ws.on('close', () => void shell?.end('exited', 'bench over'));
});
wss.on('listening', () => console.log(`port ${(wss.address() as AddressInfo).port}`));
