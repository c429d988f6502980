// The Claude Code environment (§2.9).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClaudeEnv } from '../../src/env.js';

test('allow-list only, fixed variables set, key from the process env', () => {
  const env = buildClaudeEnv({
    PATH: '/bin',
    HOME: '/h',
    ANTHROPIC_API_KEY: 'k',
    SECRET_THING: 'nope',
    IS_SANDBOX: '1',
    NO_PROXY: 'corp.example',
    NODE_OPTIONS: '--inspect',
  });
  assert.equal(env.PATH, '/bin');
  assert.equal(env.ANTHROPIC_API_KEY, 'k');
  assert.equal(env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC, '1');
  assert.equal(env.CLAUDE_CODE_MAX_RETRIES, '6');
  assert.equal(env.NO_PROXY, 'corp.example,127.0.0.1,localhost');
  assert.equal(env.SECRET_THING, undefined);
  assert.equal(env.IS_SANDBOX, undefined);
  assert.equal(env.NODE_OPTIONS, undefined);
});

test('extraEnv overrides only its allow-listed keys', () => {
  const env = buildClaudeEnv({ CLAUDE_CODE_MAX_RETRIES: '3' }, { CLAUDE_CODE_MAX_RETRIES: '1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
  assert.equal(env.CLAUDE_CODE_MAX_RETRIES, '1');
  assert.equal(env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:9');
  assert.equal(buildClaudeEnv({ CLAUDE_CODE_MAX_RETRIES: '3' }).CLAUDE_CODE_MAX_RETRIES, '3');
});
