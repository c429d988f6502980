// Normalised items (§2.5) and size caps (§2.1).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { capInput, capSdkMessage, capText, MAX_ITEM_BYTES, Normalizer, truncateUtf8 } from '../../src/normalize.js';

const sdk = (m: Record<string, unknown>) => m as unknown as SDKMessage;
const assistant = (id: string, block: Record<string, unknown>, parent: string | null = null) =>
  sdk({ type: 'assistant', message: { id, content: [block], usage: { input_tokens: 10, cache_read_input_tokens: 2 } }, parent_tool_use_id: parent });

test('one usage_snapshot per message id; blocks map to items', () => {
  const n = new Normalizer();
  const first = n.normalize(assistant('m1', { type: 'text', text: 'hi' }));
  assert.deepEqual(first, [
    { kind: 'usage_snapshot', message_id: 'm1', input_tokens: 10, cache_read_input_tokens: 2, cache_creation_input_tokens: 0 },
    { kind: 'text', message_id: 'm1', text: 'hi', parent_tool_use_id: null },
  ]);
  const second = n.normalize(assistant('m1', { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/a' } }, 'p1'));
  assert.deepEqual(second, [
    { kind: 'tool_use', message_id: 'm1', tool_use_id: 't1', name: 'Write', input: { file_path: '/a' }, parent_tool_use_id: 'p1' },
  ]);
  const redacted = n.normalize(assistant('m1', { type: 'redacted_thinking', data: 'x' }));
  assert.deepEqual(redacted, [{ kind: 'thinking', message_id: 'm1', text: '', redacted: true, parent_tool_use_id: null }]);
});

test('tool_result: tool_use_result is an object on success and a string on denial', () => {
  const n = new Normalizer();
  const ok = n.normalize(
    sdk({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'File created' }] },
      tool_use_result: { type: 'create', filePath: '/a/b.md' },
      parent_tool_use_id: null,
    }),
  );
  assert.deepEqual(ok, [{ kind: 'tool_result', tool_use_id: 't1', is_error: false, text: 'File created', truncated: false, file_path: '/a/b.md' }]);
  const denied = n.normalize(
    sdk({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', is_error: true, content: [{ type: 'text', text: 'denied' }] }] },
      tool_use_result: 'Error: denied',
      parent_tool_use_id: null,
    }),
  );
  assert.deepEqual(denied, [{ kind: 'tool_result', tool_use_id: 't2', is_error: true, text: 'denied', truncated: false }]);
});

test('identical system/init repeats are dropped; unknown system subtypes become notices', () => {
  const n = new Normalizer();
  const init = sdk({ type: 'system', subtype: 'init', session_id: 's', model: 'm', cwd: '/', tools: [], permissionMode: 'default', claude_code_version: '2' });
  assert.equal(n.normalize(init).length, 1);
  assert.equal(n.normalize(init).length, 0);
  assert.deepEqual(n.normalize(sdk({ type: 'system', subtype: 'brand_new' })), [{ kind: 'notice', level: 'info', text: 'system/brand_new' }]);
  assert.deepEqual(n.normalize(sdk({ type: 'system', subtype: 'compact_boundary', compact_metadata: { trigger: 'auto', pre_tokens: 9 } })), [
    { kind: 'compaction', trigger: 'auto', pre_tokens: 9 },
  ]);
});

test('caps: 16 KiB inputs and texts, 8 MiB raw messages, UTF-8 safe', () => {
  const big = { content: 'x'.repeat(MAX_ITEM_BYTES * 2) };
  const capped = capInput(big) as { _truncated: boolean; preview: string };
  assert.equal(capped._truncated, true);
  assert.ok(Buffer.byteLength(capped.preview) <= MAX_ITEM_BYTES);
  assert.deepEqual(capInput({ a: 1 }), { a: 1 });
  const t = capText('é'.repeat(MAX_ITEM_BYTES));
  assert.equal(t.truncated, true);
  assert.ok(!t.text.includes('\uFFFD'), 'no split character');
  assert.equal(truncateUtf8('aé', 2), 'a');
  const omitted = capSdkMessage({ x: 'y'.repeat(9 * 1024 * 1024) }) as { _omitted_bytes: number };
  assert.ok(omitted._omitted_bytes > 8 * 1024 * 1024);
});
