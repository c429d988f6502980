// Live text from `stream_event` messages, coalesced into `delta` lines (§2.4).
//
// Token-sized events would flood the pipe and the UI, so text is buffered per
// (message, block index, kind) and flushed every 40 ms, and always before the
// next `message` or `result` line so that ordering is preserved.

import type { Output } from './output.js';

const FLUSH_MS = 40;

interface Pending {
  runId: string;
  messageId: string;
  index: number;
  block: 'text' | 'thinking';
  text: string;
}

export class DeltaCoalescer {
  private readonly pending = new Map<string, Pending>();
  /** The current message id per stream (the main agent or a delegated one). */
  private readonly currentMessage = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: Output,
    private readonly flushMs = FLUSH_MS,
  ) {}

  /** Feeds one raw Messages API stream event. */
  onEvent(runId: string, event: unknown, parentToolUseId: string | null): void {
    if (typeof event !== 'object' || event === null) return;
    const ev = event as Record<string, unknown>;
    const stream = parentToolUseId ?? '';
    if (ev.type === 'message_start') {
      const message = ev.message as Record<string, unknown> | undefined;
      if (typeof message?.id === 'string') this.currentMessage.set(stream, message.id);
      return;
    }
    if (ev.type !== 'content_block_delta') return;
    const delta = ev.delta as Record<string, unknown> | undefined;
    const index = typeof ev.index === 'number' ? ev.index : 0;
    let block: 'text' | 'thinking';
    let text: unknown;
    if (delta?.type === 'text_delta') {
      block = 'text';
      text = delta.text;
    } else if (delta?.type === 'thinking_delta') {
      block = 'thinking';
      text = delta.thinking;
    } else {
      return;
    }
    if (typeof text !== 'string' || text === '') return;
    this.add(runId, this.currentMessage.get(stream) ?? '', index, block, text);
  }

  /** Adds text directly (used by the mock agent). */
  add(runId: string, messageId: string, index: number, block: 'text' | 'thinking', text: string): void {
    const key = `${runId}\u0000${messageId}\u0000${index}\u0000${block}`;
    const entry = this.pending.get(key);
    if (entry) entry.text += text;
    else this.pending.set(key, { runId, messageId, index, block, text });
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const p of this.pending.values()) {
      this.out.write({
        type: 'delta',
        run_id: p.runId,
        message_id: p.messageId,
        index: p.index,
        block: p.block,
        text: p.text,
      });
    }
    this.pending.clear();
  }

  /** Drops buffered text, e.g. when the run already ended. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
