/**
 * The terminal protocol between the browser (client/terminal.ts) and the server (server/terminal.ts),
 * over the WebSocket /ws/terminal. Types and constants only: the server validates every incoming
 * frame with its zod schema (server/terminal/frames.ts), the client checks what it receives.
 *
 * Frames:
 *   client → server: JSON text frames (hello, data, resize, ack, ping).
 *   server → client: JSON text frames (hello, lab, pong, exit, error) and binary frames holding raw
 *   terminal output. Every output byte has a sequence number (its offset since the shell started);
 *   the client counts the bytes it received and sends that count back in hello when it reconnects,
 *   so the server replays only what was missed.
 */
import type { ErrorFrame } from './socket-error.js';

/* ---------------------------------------------------------------------------------------------
 * Flow control. The server and the client each hold half of these; they only work together:
 *
 *   - The server batches shell output for `batchMs` (or until `batchMaxBytes`) into one binary frame;
 *     output after a quiet moment (an echoed keystroke) is sent at once.
 *   - The server counts bytes sent but not yet acknowledged (`unacked = sent - acked`). Above
 *     `highWaterBytes` it pauses the shell (the pty stops being read, so the program writing blocks);
 *     once acks bring it below `lowWaterBytes` it resumes. It also pauses while the socket's own
 *     send buffer (ws.bufferedAmount) is above `highWaterBytes`.
 *   - The client acknowledges, after xterm.js has *rendered* the bytes (write callback), each time
 *     another `ackEveryBytes` have been written, by sending the total it has processed.
 *
 *   Invariant: ackEveryBytes <= lowWaterBytes < highWaterBytes. If the client acked less often than
 *   the server's low watermark, a paused shell could wait for an ack that never comes.
 *   So `yes` or `cat hugefile` costs at most ~highWaterBytes of memory on each side, the browser
 *   stays responsive (it never holds more than that unrendered), and a client that never acks only
 *   stops its own shell.
 * ------------------------------------------------------------------------------------------- */
export const flowControl = {
  /** server: pty output is gathered this long into one frame (the first output after a quiet moment, such as a keystroke's echo, is sent at once). */
  batchMs: 3,
  /** server: a batch is sent early once it holds this many bytes. */
  batchMaxBytes: 64 * 1024,
  /** server: pause the pty when this many sent bytes are unacknowledged (or buffered in the socket). */
  highWaterBytes: 2 * 1024 * 1024,
  /** server: resume the pty when unacknowledged bytes fall below this. */
  lowWaterBytes: 512 * 1024,
  /** client: acknowledge after xterm.js has written this many more bytes. */
  ackEveryBytes: 256 * 1024,
} as const;

/** Limits both sides respect. */
export const terminalLimits = {
  /** server: largest frame a client may send; a larger one closes the socket with 1009. */
  maxClientFrameBytes: 64 * 1024,
  /** client: keystrokes and pastes are sent in pieces of at most this many characters (JSON-escaped, still < maxClientFrameBytes). */
  inputChunkChars: 8 * 1024,
  /** server: what a reconnecting client can get back: the last this-many bytes of output, dropped in whole chunks. */
  replayBytes: 1024 * 1024,
  cols: { min: 2, max: 500 },
  rows: { min: 1, max: 200 },
  /** server: a socket that has not said hello within this time is closed. */
  helloTimeoutMs: 10_000,
} as const;

/** Client reconnection: exponential backoff from 250 ms up to 5 s, giving up after 2 minutes. */
export const reconnect = { firstDelayMs: 250, maxDelayMs: 5_000, giveUpAfterMs: 120_000 } as const;

/** Close codes the server uses (the 4000-4999 range is the application's). */
export const closeCodes = {
  /** A frame that is not valid JSON or does not match the protocol. */
  badFrame: 4400,
  /** No hello within helloTimeoutMs. */
  helloTimeout: 4408,
  /** The same learner opened their terminal in another tab; this one stepped aside. */
  replaced: 4409,
  /** The shell ended or was closed after being idle; a reconnect starts a new one. */
  ended: 4410,
  /** The server is shutting down. */
  goingAway: 1001,
  /** ws closes with this itself when a frame exceeds maxClientFrameBytes. */
  tooBig: 1009,
} as const;

export type ClientFrame =
  | { type: 'hello'; terminal?: string; seq?: number; cols: number; rows: number }
  | { type: 'data'; data: string }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'ack'; seq: number }
  | { type: 'ping'; t: number }
  /** Ends the shell and everything running in it (a runaway program, a fork bomb) and starts a new one in the same lab. */
  | { type: 'restart' };

/** What the page shows about the learner's lab (also GET /api/lab). */
export type LabStatusView =
  /** No lab; reason: why the one there was went (reaped, deleted). */
  | { state: 'none'; reason?: string }
  | { state: 'creating'; step: string; done: number; total: number }
  /**
   * warning: the lab is over one of the server's per-lab limits, in words for the learner.
   * parked: unused for a while, its processes are stopped ('parked') or starting again ('waking').
   */
  | {
      state: 'ready';
      lab: { name: string; workers: string[]; namespace: string; variables: Record<string, string>; unsupported: Record<string, string> };
      warning?: string;
      parked?: 'parked' | 'waking';
      /** Being reset in place to its starting state: kubectl waits a few seconds; the shell stays. */
      restoring?: true;
    }
  | { state: 'lost'; reason: string };

/**
 * Why a shell ended: the learner exited it, it sat idle, the learner restarted it, the lab was
 * reset, it could not start, or its workshop ended (the lab is deleted, the learner signed out).
 * After 'restart' and 'reset' the browser reconnects at once.
 */
export type ExitReason = 'exited' | 'idle' | 'restart' | 'reset' | 'failed' | 'workshop-ended';

export type ServerFrame =
  /**
   * Sent once the shell is attached. `terminal` names this shell (a new id means a new shell);
   * the binary frames that follow start at byte `from`. `truncated` says output between the
   * client's seq and `from` was dropped from the replay buffer.
   */
  | { type: 'hello'; terminal: string; from: number; seq: number; truncated: boolean; jailed: boolean }
  | { type: 'lab'; status: LabStatusView }
  | { type: 'pong'; t: number }
  /** The shell ended; the socket closes next (closeCodes.ended). */
  | { type: 'exit'; code: number | null; reason: ExitReason; message: string }
  | ErrorFrame;
