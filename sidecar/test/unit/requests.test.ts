// Request decoding and config validation (§2.2, §2.3).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLine, looksLikeSecretKey, validateConfig } from '../../src/requests.js';

const config = {
  agentKind: 'workflow_step',
  label: 'step0',
  prompt: 'p',
  model: 'claude-sonnet-4-6',
  cwd: '/ws',
  tools: ['Read'],
  allowedTools: [],
  readableRoots: ['/sp/x/'],
  writablePaths: [],
  maxTurns: 50,
  permissionMode: 'default',
  pathToClaudeCodeExecutable: '/bin/claude',
  settingSources: ['project'],
  includePartialMessages: true,
};

test('secret-looking keys', () => {
  for (const k of ['apiKey', 'api_key', 'ANTHROPIC_API_KEY', 'token', 'accessToken', 'password', 'clientSecret', 'Authorization']) {
    assert.ok(looksLikeSecretKey(k), k);
  }
  for (const k of ['maxThinkingTokens', 'prompt', 'model', 'resumeSdkSessionId', 'allowedTools']) {
    assert.ok(!looksLikeSecretKey(k), k);
  }
});

test('config validation', () => {
  assert.equal(validateConfig(config, false), null);
  assert.match(validateConfig({ ...config, permissionMode: 'bypassPermissions' }, false) ?? '', /bypassPermissions/);
  assert.match(validateConfig({ ...config, cwd: 'relative' }, false) ?? '', /cwd/);
  assert.match(validateConfig({ ...config, maxTurns: 501 }, false) ?? '', /maxTurns/);
  assert.match(validateConfig({ ...config, settingSources: ['user'] }, false) ?? '', /settingSources/);
  const { pathToClaudeCodeExecutable: _, ...noBinary } = config;
  assert.match(validateConfig(noBinary, false) ?? '', /pathToClaudeCodeExecutable/);
  assert.equal(validateConfig(noBinary, true), null, 'mock mode needs no binary');
  assert.equal(validateConfig({ ...noBinary, mock: {} }, false), null);
  assert.match(validateConfig({ ...config, prompt: 'x'.repeat(1024 * 1024 + 1) }, false) ?? '', /1 MiB/);
});

test('lines', () => {
  const run = decodeLine(JSON.stringify({ v: 1, type: 'run', run_id: 'r', config: { ...config, token: 'x' } }), false);
  assert.equal(run.ok, false);
  if (!run.ok) {
    assert.equal(run.rejection.run_id, 'r');
    assert.match(run.rejection.message, /\/config\/token/);
  }
  const shutdown = decodeLine('{"v":1,"type":"shutdown","grace_ms":999999}', false);
  assert.ok(shutdown.ok && shutdown.line.type === 'shutdown' && shutdown.line.grace_ms === 10_000, 'grace is capped');
  assert.equal(decodeLine('{"v":1,"type":"session_send","run_id":"r","session_id":"s","text":""}', false).ok, false);
  assert.equal(decodeLine('{"v":1,"type":"ping","nonce":-1}', false).ok, false);
});

test('every config field is checked against the generated schema', () => {
  // The hand-written checks this replaced let these through.
  assert.match(validateConfig({ ...config, agentName: 5 }, false) ?? '', /agentName/);
  assert.match(validateConfig({ ...config, mock: { scenario: 'nope' } }, false) ?? '', /mock\.scenario/);
  assert.match(validateConfig({ ...config, mock: { delayMs: '10' } }, false) ?? '', /mock\.delayMs/);
  assert.match(validateConfig({ ...config, mock: { paths: { skillDir: 1 } } }, false) ?? '', /mock\.paths\.skillDir/);
  assert.match(validateConfig({ ...config, extraEnv: { NODE_OPTIONS: 'x' } }, false) ?? '', /extraEnv key NODE_OPTIONS/);
  // Unknown keys are additive protocol changes: dropped, not rejected (§2.1).
  const run = decodeLine(JSON.stringify({ v: 1, type: 'run', run_id: 'r', config: { ...config, future: 1 } }), false);
  assert.ok(run.ok && run.line.type === 'run' && !('future' in run.line.config));
});

test('no input makes decodeLine throw', () => {
  const shapes = [
    null, 1, 'x', [], {}, { v: 1 }, { v: 1, type: 'run' }, { v: 1, type: 'run', run_id: 'r', config: null },
    { v: 1, type: 'run', run_id: 'r', config: { ...config, tools: 'Read' } }, { v: 1, type: 'ping', nonce: 'x' },
    { v: 1, type: 'shutdown', grace_ms: null }, { v: 1, type: 'session_send', run_id: 1 }, { v: 1, type: { a: 1 } },
  ];
  for (const shape of shapes) {
    const text = JSON.stringify(shape);
    for (let cut = 0; cut <= text.length; cut += 3) {
      const decoded = decodeLine(text.slice(0, cut), false);
      if (!decoded.ok) assert.equal(decoded.rejection.category, 'invalid_request');
    }
    assert.equal(decodeLine(text, false).ok, false, text);
  }
});
