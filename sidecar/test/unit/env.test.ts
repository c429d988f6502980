// The Claude Code environment (§2.9): Rust builds it, the sidecar passes it on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClaudeEnv } from '../../src/env.js';

test("Rust's environment passes through whole, proxies of either case and CA files included", () => {
  const fromRust = {
    PATH: '/bin',
    HOME: '/h',
    ANTHROPIC_API_KEY: 'k',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '6',
    http_proxy: 'http://proxy:3128',
    HTTPS_PROXY: 'http://proxy:3128',
    all_proxy: 'socks5://proxy:1080',
    NO_PROXY: 'corp.example,127.0.0.1,localhost,::1',
    no_proxy: 'corp.example,127.0.0.1,localhost,::1',
    NODE_EXTRA_CA_CERTS: '/ca.pem',
    SSL_CERT_FILE: '/bundle.pem',
  };
  assert.deepEqual(buildClaudeEnv(fromRust), fromRust);
});

test("the sidecar's own switches stay behind", () => {
  const env = buildClaudeEnv({ PATH: '/bin', SKILL_BUILDER_MOCK_AGENTS: '1', SKILL_BUILDER_SIDECAR_DEBUG: '1' });
  assert.deepEqual(env, { PATH: '/bin' });
});

test('extraEnv overrides only its allow-listed keys', () => {
  const env = buildClaudeEnv({ CLAUDE_CODE_MAX_RETRIES: '3' }, { CLAUDE_CODE_MAX_RETRIES: '1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
  assert.equal(env.CLAUDE_CODE_MAX_RETRIES, '1');
  assert.equal(env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:9');
  assert.equal(buildClaudeEnv({ CLAUDE_CODE_MAX_RETRIES: '3' }).CLAUDE_CODE_MAX_RETRIES, '3');
});
