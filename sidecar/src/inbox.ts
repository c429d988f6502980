// The streaming-input prompt of a session (§2.8).
//
// Always streaming input: only then does `interrupt()` keep the session alive
// and error results get yielded instead of thrown. Turns pushed before the SDK
// pulls the next message are queued, never lost.

import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';

export class Inbox implements AsyncIterable<SDKUserMessage> {
  private readonly queue: SDKUserMessage[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  static userMessage(text: string): SDKUserMessage {
    return { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' };
  }

  push(text: string): SDKUserMessage {
    const msg = Inbox.userMessage(text);
    if (!this.closed) {
      this.queue.push(msg);
      this.wake?.();
    }
    return msg;
  }

  /** Ends the iterable; the SDK then ends the child and its message loop. */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SDKUserMessage> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
