// The single writer of protocol lines on stdout.
//
// Everything that reaches stdout goes through `Output`, so the framing rules of
// §2.1 hold in one place: one JSON object per line, `"v":1` on every line,
// `seq` strictly increasing per process, and nothing after `exited`.

import type { OutboundLine } from './protocol.js';

/** Distributes `Omit` over a union, so each line type keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A line as callers build it: `v` (and `seq`, where present) are filled in here. */
export type LineDraft = DistributiveOmit<OutboundLine, 'v' | 'seq'>;

export type Sink = (text: string, done?: () => void) => void;

export class Output {
  private seq = 0;
  private closed = false;

  constructor(private readonly sink: Sink) {}

  /** Writes one line. Lines after `exited` are dropped: `exited` must be last. */
  write(draft: LineDraft): void {
    if (this.closed) return;
    this.sink(this.serialise(draft));
  }

  /** Writes the final `exited` line and calls `done` once it has been flushed. */
  writeLast(draft: LineDraft, done: () => void): void {
    if (this.closed) {
      done();
      return;
    }
    const text = this.serialise(draft);
    this.closed = true;
    this.sink(text, done);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private serialise(draft: LineDraft): string {
    const line: Record<string, unknown> = { v: 1, ...draft };
    if (draft.type === 'message' || draft.type === 'delta') {
      this.seq += 1;
      // Keep `seq` right after `run_id` for readable transcripts.
      const { v, type, run_id, ...rest } = line;
      return JSON.stringify({ v, type, run_id, seq: this.seq, ...rest }) + '\n';
    }
    return JSON.stringify(line) + '\n';
  }
}

/** The production sink: stdout, which on Linux pipes is synchronous. */
export const stdoutSink: Sink = (text, done) => {
  if (done) process.stdout.write(text, () => done());
  else process.stdout.write(text);
};

export const nowIso = (): string => new Date().toISOString();
