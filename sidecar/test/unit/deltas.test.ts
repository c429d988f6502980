// Delta coalescing (§2.4): token events become few lines, in order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaCoalescer } from '../../src/deltas.js';
import { Output } from '../../src/output.js';

test('deltas are coalesced per block and flushed before other lines', async () => {
  const lines: Record<string, unknown>[] = [];
  const out = new Output((t) => lines.push(JSON.parse(t) as Record<string, unknown>));
  const d = new DeltaCoalescer(out, 20);
  d.onEvent('r', { type: 'message_start', message: { id: 'm1' } }, null);
  for (const piece of ['He', 'llo', ' wor', 'ld']) {
    d.onEvent('r', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }, null);
  }
  d.onEvent('r', { type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'hmm' } }, null);
  d.onEvent('r', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{' } }, null);
  assert.equal(lines.length, 0, 'nothing before the flush interval');
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(
    lines.map((l) => [l.type, l.seq, l.message_id, l.index, l.block, l.text]),
    [
      ['delta', 1, 'm1', 0, 'text', 'Hello world'],
      ['delta', 2, 'm1', 1, 'thinking', 'hmm'],
    ],
  );
  d.onEvent('r', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '!' } }, null);
  d.flush();
  assert.equal(lines.at(-1)?.text, '!');
  d.discard();
});
