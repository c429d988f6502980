// Protocol robustness (§2.1, §2.2): the built sidecar answers bad input with
// `error` lines and keeps working; ping/pong; the exit paths.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertWellFormed, makeConfig, startSidecar, tempRoot } from './helpers.mjs';

const env = (dirs) => ({ HOME: dirs.home, CLAUDE_CONFIG_DIR: dirs.config });

function mockRunConfig(dirs, overrides = {}) {
  return makeConfig(dirs, { mock: { delayMs: 0 }, tools: [], writablePaths: [], ...overrides });
}

describe('protocol', { concurrency: 2 }, () => {
  test('(i) ready comes first with protocol 1; stdout carries JSON lines only', { timeout: 10_000 }, async (t) => {
    const dirs = tempRoot(t);
    const sc = startSidecar(t, { env: env(dirs) });
    const ready = await sc.ready();
    assert.equal(sc.lines[0], ready);
    assert.deepEqual(
      Object.keys(ready).sort(),
      ['mock', 'node_version', 'protocol', 'sdk_version', 'sidecar_version', 'type', 'v'].sort(),
    );
    assert.equal(ready.protocol, 1);
    assert.equal(ready.node_version, process.versions.node);
    sc.child.stdin.end();
    const { code } = await sc.exited;
    assert.equal(code, 0);
    assert.deepEqual(sc.lines.at(-1), { v: 1, type: 'exited', code: 0, reason: 'stdin_closed' });
  });

  test('(i) broken JSON, unknown types and bad versions get error lines; the sidecar keeps working', { timeout: 10_000 }, async (t) => {
    const dirs = tempRoot(t);
    const sc = startSidecar(t, { env: env(dirs) });
    await sc.ready();
    sc.send('{"v":1,"type":"ping",');
    sc.send({ type: 'launch_missiles' });
    sc.send('{"v":2,"type":"ping","nonce":1}');
    sc.send('[1,2,3]');
    sc.send('');
    sc.send({ type: 'ping', nonce: 42 });
    const pong = await sc.waitFor((l) => l.type === 'pong');
    assert.equal(pong.nonce, 42);
    const errors = sc.lines.filter((l) => l.type === 'error');
    assert.equal(errors.length, 4);
    for (const e of errors) {
      assert.equal(e.category, 'invalid_request');
      assert.equal(e.run_id, undefined);
    }
    assert.deepEqual(errors.map((e) => e.detail.reason), ['bad_json', 'unknown_type', 'bad_version', 'not_object']);

    // Still fully functional afterwards.
    sc.send({ type: 'run', run_id: 'run-ok', config: mockRunConfig(dirs) });
    assert.equal((await sc.terminal('run-ok')).status, 'success');
    assertWellFormed(assert, sc);
  });

  test('(i) invalid requests end their run with one error line', { timeout: 10_000 }, async (t) => {
    const dirs = tempRoot(t);
    const sc = startSidecar(t, { env: env(dirs) });
    await sc.ready();

    // A secret in the config is refused, and its value is never echoed.
    sc.send({ type: 'run', run_id: 'run-secret', config: { ...mockRunConfig(dirs), apiKey: 'sk-ant-api03-SECRET' } });
    const secret = await sc.terminal('run-secret');
    assert.deepEqual([secret.type, secret.category], ['error', 'invalid_request']);
    assert.match(secret.message, /\/config\/apiKey/);
    assert.ok(!sc.raw.join('\n').includes('SECRET'));

    sc.send({ type: 'run', run_id: 'run-bypass', config: mockRunConfig(dirs, { permissionMode: 'bypassPermissions' }) });
    assert.match((await sc.terminal('run-bypass')).message, /bypassPermissions/);

    sc.send({ type: 'run', run_id: 'run-key', config: mockRunConfig(dirs, { extraEnv: { ANTHROPIC_API_KEY: 'x' } }) });
    assert.match((await sc.terminal('run-key')).message, /extraEnv\/ANTHROPIC_API_KEY/);
    sc.send({ type: 'run', run_id: 'run-env', config: mockRunConfig(dirs, { extraEnv: { NODE_OPTIONS: '--inspect' } }) });
    assert.match((await sc.terminal('run-env')).message, /extraEnv key NODE_OPTIONS is not allowed/);

    const noBinary = makeConfig(dirs);
    delete noBinary.pathToClaudeCodeExecutable;
    sc.send({ type: 'run', run_id: 'run-nobin', config: noBinary });
    assert.match((await sc.terminal('run-nobin')).message, /pathToClaudeCodeExecutable/);

    sc.send({ type: 'run', run_id: 'run-nocwd', config: mockRunConfig(dirs, { cwd: '/nonexistent/cwd' }) });
    assert.match((await sc.terminal('run-nocwd')).message, /cwd does not exist/);

    sc.send({ type: 'session_send', run_id: 'run-nosession', session_id: 'ses-none', text: 'hi' });
    assert.equal((await sc.terminal('run-nosession')).category, 'unknown_session');

    // A duplicate run id is reported without ending the original run.
    sc.send({ type: 'run', run_id: 'run-dup', config: mockRunConfig(dirs) });
    await sc.terminal('run-dup');
    sc.send({ type: 'run', run_id: 'run-dup', config: mockRunConfig(dirs) });
    const dup = await sc.waitFor((l) => l.type === 'error' && l.category === 'duplicate_run');
    assert.equal(dup.run_id, undefined);
    assert.equal(dup.detail.run_id, 'run-dup');

    // Unknown cancel / session_end are ignored.
    sc.send({ type: 'cancel', run_id: 'run-unknown' });
    sc.send({ type: 'session_end', session_id: 'ses-unknown' });
    sc.send({ type: 'ping', nonce: 7 });
    await sc.waitFor((l) => l.type === 'pong' && l.nonce === 7);
    assertWellFormed(assert, sc);
  });

  test('(i) ping is answered during a run; shutdown cancels it and exits 0', { timeout: 10_000 }, async (t) => {
    const dirs = tempRoot(t);
    const sc = startSidecar(t, { env: env(dirs) });
    await sc.ready();
    sc.send({
      type: 'session_start',
      run_id: 'run-long',
      session_id: 'ses-long',
      config: mockRunConfig(dirs, { mock: { delayMs: 200 } }),
    });
    await sc.waitFor((l) => l.type === 'progress' && l.stage === 'initialized');
    sc.send({ type: 'ping', nonce: 1 });
    const pong = await sc.waitFor((l) => l.type === 'pong', { timeout: 1000 });
    assert.equal(pong.nonce, 1);
    assert.ok(!sc.lines.some((l) => l.type === 'result'), 'the run is still going');

    sc.send({ type: 'shutdown', grace_ms: 2000 });
    const { code } = await sc.exited;
    assert.equal(code, 0);
    const result = sc.lines.find((l) => l.type === 'result');
    assert.equal(result.status, 'cancelled');
    assert.ok(sc.lines.some((l) => l.type === 'session_ended' && l.session_id === 'ses-long'));
    assert.deepEqual(sc.lines.at(-1), { v: 1, type: 'exited', code: 0, reason: 'shutdown' });
    assertWellFormed(assert, sc);
  });

  test('a missing Claude Code binary ends the run as claude_code_missing', { timeout: 10_000 }, async (t) => {
    const dirs = tempRoot(t);
    const sc = startSidecar(t, { env: { ...env(dirs), ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    await sc.ready();
    sc.send({ type: 'run', run_id: 'run-nobin', config: makeConfig(dirs, { pathToClaudeCodeExecutable: '/nonexistent/claude' }) });
    const r = await sc.terminal('run-nobin');
    assert.deepEqual([r.type, r.status, r.synthetic], ['result', 'error', true]);
    assert.deepEqual([r.error.category, r.error.retryable], ['claude_code_missing', false]);
    assertWellFormed(assert, sc);
  });

  test('(i) SIGTERM acts like shutdown', { timeout: 10_000 }, async (t) => {
    const dirs = tempRoot(t);
    const sc = startSidecar(t, { env: env(dirs) });
    await sc.ready();
    sc.child.kill('SIGTERM');
    const { code } = await sc.exited;
    assert.equal(code, 0);
    assert.deepEqual(sc.lines.at(-1), { v: 1, type: 'exited', code: 0, reason: 'signal' });
  });
});
