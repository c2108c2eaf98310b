/**
 * The output a reconnecting browser may have missed: the last N bytes of a shell's output, kept as
 * the chunks that were sent (each with its sequence number, the offset of its first byte) and
 * dropped oldest-first in whole chunks.
 */
export class ReplayBuffer {
  private chunks: { seq: number; data: Buffer }[] = [];
  private bytes = 0;
  /** Sequence number of the next byte: the total output so far. */
  end = 0;

  constructor(private readonly limitBytes: number) {}

  /** Appends a chunk; returns its sequence number. */
  push(data: Buffer): number {
    const seq = this.end;
    this.chunks.push({ seq, data });
    this.end += data.length;
    this.bytes += data.length;
    while (this.bytes > this.limitBytes && this.chunks.length > 1) this.bytes -= this.chunks.shift()!.data.length;
    return seq;
  }

  get start(): number {
    return this.chunks[0]?.seq ?? this.end;
  }

  get size(): number {
    return this.bytes;
  }

  /**
   * What a client that holds output up to `seq` is missing. Without a seq (a new page) or with one
   * this buffer cannot continue from, it gets everything kept; `truncated` says output was lost.
   */
  since(seq: number | undefined): { from: number; chunks: Buffer[]; truncated: boolean } {
    if (seq === undefined || seq > this.end) return { from: this.start, chunks: this.chunks.map((c) => c.data), truncated: this.start > 0 };
    if (seq < this.start) return { from: this.start, chunks: this.chunks.map((c) => c.data), truncated: true };
    const out: Buffer[] = [];
    for (const c of this.chunks) {
      const cEnd = c.seq + c.data.length;
      if (cEnd <= seq) continue;
      out.push(c.seq >= seq ? c.data : c.data.subarray(seq - c.seq));
    }
    return { from: seq, chunks: out, truncated: false };
  }
}
