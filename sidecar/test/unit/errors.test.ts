// Status and error categories (§2.6).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyApiError, classifyResult, classifyThrown, type ResultFacts } from '../../src/errors.js';

const base: ResultFacts = {
  subtype: 'success',
  is_error: false,
  terminal_reason: 'completed',
  api_error_status: null,
  stop_reason: 'end_turn',
  text: 'ok',
  errors: [],
};
const run = (r: Partial<ResultFacts>, cancelRequested = false) => classifyResult({ ...base, ...r }, { cancelRequested });

test('success, refusal, budgets', () => {
  assert.deepEqual(run({}), { status: 'success', error: null });
  assert.equal(run({ stop_reason: 'refusal' }).status, 'refused');
  assert.deepEqual(run({ subtype: 'error_max_turns', is_error: true }).error?.category, 'budget');
  assert.equal(run({ subtype: 'error_max_turns', is_error: true }).status, 'max_turns');
  assert.equal(run({ subtype: 'error_max_budget_usd', is_error: true }).status, 'budget_exceeded');
});

test('error_during_execution: cancelled after our cancel, execution otherwise', () => {
  const r = { subtype: 'error_during_execution', is_error: true, terminal_reason: 'aborted_streaming' };
  assert.equal(run(r, true).status, 'cancelled');
  assert.deepEqual(run(r).error, { category: 'execution', message: 'ok', retryable: true });
});

test('API errors arrive as subtype success with is_error: branch on the status', () => {
  const api = (status: number | null, text = 'API Error') =>
    run({ is_error: true, terminal_reason: 'api_error', api_error_status: status, text }).error;
  assert.deepEqual([api(401)?.category, api(401)?.retryable], ['auth', false]);
  assert.deepEqual([api(403)?.category, api(403)?.retryable], ['auth', false]);
  assert.deepEqual([api(429)?.category, api(429)?.retryable], ['rate_limit', true]);
  assert.deepEqual([api(529)?.category, api(529)?.retryable], ['overloaded', true]);
  assert.deepEqual([api(500)?.category, api(500)?.retryable], ['api', true]);
  assert.deepEqual([api(400)?.category, api(400)?.retryable], ['api', false]);
  assert.equal(api(null, 'API Error: Connection refused (ECONNREFUSED)')?.category, 'network');
  assert.equal(api(null, 'API Error: Connection to the API was lost (ECONNRESET)')?.category, 'network');
  // An API failure stays an API failure even if a cancel raced it.
  assert.equal(run({ is_error: true, terminal_reason: 'api_error', api_error_status: 500 }, true).error?.category, 'api');
  assert.equal(classifyApiError(null, 'getaddrinfo ENOTFOUND api', 'x').error?.category, 'network');
});

test('thrown errors', () => {
  const abort = new Error('aborted');
  abort.name = 'AbortError';
  assert.equal(classifyThrown(abort, { cancelRequested: false }).status, 'cancelled');
  assert.equal(
    classifyThrown(new Error('Claude Code native binary not found at /x'), { cancelRequested: false }).error?.category,
    'claude_code_missing',
  );
  const crashed = classifyThrown(new Error('Claude Code process exited with code 1'), { cancelRequested: false });
  assert.deepEqual([crashed.error?.category, crashed.error?.retryable], ['claude_code_crashed', true]);
  assert.equal(classifyThrown(new Error('boom'), { cancelRequested: false }).error?.category, 'internal');
});
