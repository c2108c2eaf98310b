/** The terminal protocol at the edge: frame validation, size clamping, the replay buffer, and the flow-control invariant. */
import { describe, expect, it } from 'vitest';
import { clampSize, parseClientFrame } from '../../../server/terminal/frames.js';
import { ReplayBuffer } from '../../../server/terminal/replay.js';
import { flowControl, terminalLimits } from '../../../shared/terminal-protocol.js';

const parse = (v: unknown) => parseClientFrame(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), false);

describe('client frames', () => {
  it.each([
    [{ type: 'hello', cols: 80, rows: 24 }],
    [{ type: 'hello', terminal: 'abc_DEF-1', seq: 12, cols: 80, rows: 24 }],
    [{ type: 'data', data: 'ls\r' }],
    [{ type: 'resize', cols: 100000, rows: 100000 }],
    [{ type: 'ack', seq: 262144 }],
    [{ type: 'ping', t: 1 }],
  ])('accepts %j', (frame) => {
    expect(parse(frame)).toEqual({ ok: true, frame });
  });

  it.each([
    ['not JSON', 'hello'],
    ['an unknown type', { type: 'exec', cmd: 'id' }],
    ['extra fields', { type: 'data', data: 'x', user: 2 }],
    ['a non-integer size', { type: 'resize', cols: 80.5, rows: 24 }],
    ['a string size', { type: 'resize', cols: '80', rows: 24 }],
    ['a negative ack', { type: 'ack', seq: -1 }],
    ['a terminal id with odd characters', { type: 'hello', terminal: '../x', cols: 80, rows: 24 }],
    ['too much data in one frame', { type: 'data', data: 'x'.repeat(terminalLimits.inputChunkChars * 4 + 1) }],
    ['null', null],
    ['an array', [1, 2]],
  ])('refuses %s', (_what, frame) => {
    const r = parse(frame);
    expect(r.ok).toBe(false);
  });

  it('refuses binary frames', () => {
    expect(parseClientFrame(Buffer.from('{"type":"ping","t":1}'), true)).toEqual({ ok: false, reason: 'binary frames are not accepted' });
  });

  it('clamps sizes to 2..500 columns and 1..200 rows', () => {
    expect(clampSize(100000, 100000)).toEqual({ cols: 500, rows: 200 });
    expect(clampSize(0, -5)).toEqual({ cols: 2, rows: 1 });
    expect(clampSize(120, 40)).toEqual({ cols: 120, rows: 40 });
  });
});

describe('replay buffer', () => {
  const chunk = (s: string) => Buffer.from(s);

  it('gives a reconnecting client exactly what it missed', () => {
    const r = new ReplayBuffer(100);
    r.push(chunk('aaaa'));
    r.push(chunk('bbbb'));
    r.push(chunk('cccc'));
    expect(r.since(4)).toEqual({ from: 4, chunks: [chunk('bbbb'), chunk('cccc')], truncated: false });
    expect(r.since(12)).toEqual({ from: 12, chunks: [], truncated: false });
    expect(Buffer.concat(r.since(6).chunks).toString()).toBe('bbcccc');
  });

  it('drops whole chunks, oldest first, and says when output was lost', () => {
    const r = new ReplayBuffer(10);
    for (const s of ['aaaa', 'bbbb', 'cccc', 'dddd']) r.push(chunk(s));
    expect(r.size).toBeLessThanOrEqual(10);
    expect(r.start).toBe(8);
    expect(r.since(0)).toEqual({ from: 8, chunks: [chunk('cccc'), chunk('dddd')], truncated: true });
    expect(r.since(undefined).truncated).toBe(true);
  });

  it('gives a new page everything kept, and treats a seq from the future as a new page', () => {
    const r = new ReplayBuffer(100);
    r.push(chunk('hello'));
    expect(r.since(undefined)).toEqual({ from: 0, chunks: [chunk('hello')], truncated: false });
    expect(r.since(999).from).toBe(0);
  });
});

describe('flow control constants', () => {
  it('keep the client acking at least as often as the server needs to resume', () => {
    expect(flowControl.ackEveryBytes).toBeLessThanOrEqual(flowControl.lowWaterBytes);
    expect(flowControl.lowWaterBytes).toBeLessThan(flowControl.highWaterBytes);
    expect(flowControl.batchMaxBytes).toBeLessThan(terminalLimits.replayBytes);
  });
});
