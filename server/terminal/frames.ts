/**
 * Incoming terminal frames, parsed at the edge: every frame a browser sends is JSON text matching
 * one of these schemas, or the socket is closed with closeCodes.badFrame and the reason.
 */
import { z } from 'zod';
import type { RawData } from 'ws';
import { terminalLimits, type ClientFrame } from '../../shared/terminal-protocol.js';

const size = z.number().int().finite();
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const clientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), terminal: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(), seq: seq.optional(), cols: size, rows: size }).strict(),
  // Limited in characters here and in bytes by the socket's maxPayload.
  z.object({ type: z.literal('data'), data: z.string().max(terminalLimits.inputChunkChars * 4) }).strict(),
  z.object({ type: z.literal('resize'), cols: size, rows: size }).strict(),
  z.object({ type: z.literal('ack'), seq }).strict(),
  z.object({ type: z.literal('ping'), t: z.number().finite() }).strict(),
  z.object({ type: z.literal('restart') }).strict(),
]);

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; reason: string };

export function parseClientFrame(raw: RawData, isBinary: boolean): ParsedFrame {
  if (isBinary) return { ok: false, reason: 'binary frames are not accepted' };
  const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'frame is not JSON' };
  }
  const parsed = clientFrame.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `bad frame: ${issue ? `${issue.path.join('.') || 'frame'} ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, frame: parsed.data as ClientFrame };
}

/** Terminal sizes are clamped, never trusted: cols 2..500, rows 1..200. */
export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number, { min, max }: { min: number; max: number }) => Math.min(max, Math.max(min, Math.trunc(n)));
  return { cols: clamp(cols, terminalLimits.cols), rows: clamp(rows, terminalLimits.rows) };
}
