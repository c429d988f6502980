// The built sidecar + the REAL Agent SDK + the real Claude Code binary from
// node_modules, against the fake Messages API on 127.0.0.1. No network.
// (agents-and-workflow.md §8.3; agent-sdk-offline.md §9.)
//
// Set SKILL_BUILDER_REAL_SDK=0 to skip (e.g. on a machine without the binary).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { failure, message, slow, startFakeAnthropic, text, toolUse } from './fake-anthropic/server.mjs';
import { assertWellFormed, claudeBinary, defer, makeConfig, sdkEnv, startSidecar, tempRoot } from './helpers.mjs';

const skip =
  process.env.SKILL_BUILDER_REAL_SDK === '0'
    ? 'SKILL_BUILDER_REAL_SDK=0'
    : claudeBinary() === null
      ? 'Claude Code binary not installed (npm ci must keep optional dependencies)'
      : false;

/** Starts a fake server and a sidecar wired to it. */
async function setup(t, script, { extraEnv = {} } = {}) {
  const dirs = tempRoot(t);
  const fake = await startFakeAnthropic(script);
  defer(t, () => fake.close());
  const sc = startSidecar(t, { env: sdkEnv(dirs, fake.url, extraEnv) });
  const ready = await sc.ready();
  return { dirs, fake, sc, ready };
}

/** Write round trip: a Write first, then "done" once the tool_result comes back. */
const writeScript = (filePath, content = 'hello\n') => (req) =>
  req.toolResults.length > 0 ? message(text('done')) : message(text('Writing the file.'), toolUse('Write', { file_path: filePath, content }));

describe('real SDK against the fake Messages API', { skip, concurrency: 2 }, () => {
  test('(a) one-shot run writes a file inside writablePaths', { timeout: 30_000 }, async (t) => {
    const { dirs, fake, sc, ready } = await setup(t, writeScript('hello.txt'));
    assert.equal(ready.protocol, 1);
    assert.equal(ready.sdk_version, '0.3.331');

    sc.send({ type: 'run', run_id: 'run-a', config: makeConfig(dirs) });
    const result = await sc.terminal('run-a', { timeout: 20_000 });

    assert.equal(result.type, 'result');
    assert.equal(result.status, 'success');
    assert.equal(result.synthetic, false);
    assert.equal(result.is_error, false);
    assert.equal(result.error, null);
    assert.equal(result.num_turns, 2);
    assert.equal(result.text, 'done');
    assert.ok(result.usage.input_tokens > 0 && result.usage.output_tokens > 0, 'usage is reported');
    assert.ok(result.cost_usd > 0, 'cost is reported');
    assert.equal(result.cumulative_cost_usd, result.cost_usd);
    assert.equal(result.model_usage[0].model, 'claude-sonnet-4-5');
    assert.equal(result.tool_uses, 1);
    assert.ok(result.sdk_session_id);
    assert.equal(fs.readFileSync(path.join(dirs.cwd, 'hello.txt'), 'utf8'), 'hello\n');

    const kinds = sc.items('run-a').map((i) => i.kind).filter((k) => k !== 'usage_snapshot');
    assert.deepEqual(kinds, ['system_init', 'text', 'tool_use', 'tool_result', 'text']);
    const stages = sc.forRun('run-a').filter((l) => l.type === 'progress').map((l) => l.stage);
    assert.deepEqual(stages.slice(0, 3), ['loading_sdk', 'starting_claude', 'initialized']);
    assert.ok(sc.forRun('run-a').some((l) => l.type === 'delta' && l.block === 'text'), 'text streams as deltas');

    // Only model turns reach the server, all streamed; thinking off means off.
    const reqs = fake.requests;
    assert.equal(reqs.length, 2);
    for (const r of reqs) {
      assert.equal(r.path, '/v1/messages');
      assert.equal(r.stream, true);
      assert.equal(r.apiKey, 'test-key');
      assert.deepEqual(r.body.thinking, { type: 'disabled' });
      assert.deepEqual(r.body.tools.map((x) => x.name).sort(), ['Read', 'Write']);
    }
    sc.send({ type: 'shutdown', grace_ms: 2000 });
    assert.equal((await sc.exited).code, 0);
    assertWellFormed(assert, sc);
  });

  test('(b) multi-turn session: two results, cost deltas, session_end', { timeout: 30_000 }, async (t) => {
    const { dirs, fake, sc } = await setup(t, (req) => message(text(`reply ${req.turn + 1}`)));
    const config = makeConfig(dirs, { agentKind: 'refine', label: 'refine', prompt: 'first turn', maxThinkingTokens: 16000 });
    sc.send({ type: 'session_start', run_id: 'run-b1', session_id: 'ses-b', config });
    const first = await sc.terminal('run-b1', { timeout: 20_000 });
    assert.equal(first.status, 'success');
    assert.equal(first.text, 'reply 1');

    sc.send({ type: 'session_send', run_id: 'run-b2', session_id: 'ses-b', text: 'second turn' });
    const second = await sc.terminal('run-b2', { timeout: 20_000 });
    assert.equal(second.status, 'success');
    assert.equal(second.text, 'reply 2');
    assert.equal(second.sdk_session_id, first.sdk_session_id);

    // total_cost_usd is cumulative per session; cost_usd is this run's share.
    assert.ok(first.cost_usd > 0 && second.cost_usd > 0);
    assert.ok(Math.abs(second.cumulative_cost_usd - (first.cost_usd + second.cost_usd)) < 1e-9);
    assert.ok(second.cumulative_cost_usd > first.cumulative_cost_usd);
    // usage is per turn: the second run does not include the first one's tokens.
    assert.equal(second.usage.input_tokens, first.usage.input_tokens);
    assert.equal(second.model_usage[0].input_tokens, second.usage.input_tokens);

    // init repeats every turn in the SDK, but only once as an item.
    assert.equal(sc.items('run-b1', 'system_init').length, 1);
    assert.equal(sc.items('run-b2', 'system_init').length, 0);
    assert.deepEqual(sc.items('run-b2', 'user_text').map((i) => i.text), ['second turn']);

    // maxThinkingTokens maps to an explicit budget.
    assert.equal(fake.requests.length, 2);
    for (const r of fake.requests) {
      assert.equal(r.body.thinking.type, 'enabled');
      assert.equal(r.body.thinking.budget_tokens, 16000);
    }
    assert.match(JSON.stringify(fake.requests[1].body.messages), /second turn/);

    sc.send({ type: 'session_end', session_id: 'ses-b' });
    const ended = await sc.waitFor((l) => l.type === 'session_ended', { what: 'session_ended' });
    assert.equal(ended.session_id, 'ses-b');
    assert.equal(ended.reason, 'closed');
    assertWellFormed(assert, sc);
  });

  test('(c) cancel mid-stream gives result cancelled within 2 s; the session continues', { timeout: 30_000 }, async (t) => {
    // Turn 1 streams slowly; the follow-up turn answers at once.
    const { dirs, sc } = await setup(t, (req) =>
      req.text === 'again' ? message(text('second answer')) : slow(250, text('a long answer that streams slowly')),
    );
    sc.send({ type: 'session_start', run_id: 'run-c1', session_id: 'ses-c', config: makeConfig(dirs, { prompt: 'talk slowly' }) });
    await sc.waitFor((l) => l.type === 'delta' && l.run_id === 'run-c1', { timeout: 20_000, what: 'first delta' });

    const cancelledAt = Date.now();
    sc.send({ type: 'cancel', run_id: 'run-c1' });
    const result = await sc.terminal('run-c1', { timeout: 5000 });
    const elapsed = Date.now() - cancelledAt;
    assert.equal(result.status, 'cancelled');
    assert.equal(result.error.category, 'cancelled');
    assert.ok(elapsed < 2000, `cancel took ${elapsed} ms`);
    assert.ok(sc.forRun('run-c1').some((l) => l.type === 'progress' && l.stage === 'cancelling'));

    sc.send({ type: 'session_send', run_id: 'run-c2', session_id: 'ses-c', text: 'again' });
    const next = await sc.terminal('run-c2', { timeout: 20_000 });
    assert.equal(next.status, 'success');
    assert.equal(next.text, 'second answer');
    assertWellFormed(assert, sc);
  });

  test('(d) a persistent 500 ends as category api, retryable, after api_retry', { timeout: 30_000 }, async (t) => {
    const { dirs, fake, sc } = await setup(t, () => failure(500, 'api_error'));
    sc.send({ type: 'run', run_id: 'run-d', config: makeConfig(dirs) });
    const end = await sc.terminal('run-d', { timeout: 20_000 });
    assert.equal(end.type, 'result');
    assert.equal(end.status, 'error');
    assert.equal(end.api_error_status, 500);
    assert.deepEqual({ ...end.error, message: undefined }, { category: 'api', retryable: true, message: undefined });
    const retry = sc.forRun('run-d').find((l) => l.type === 'progress' && l.stage === 'api_retry');
    assert.ok(retry, 'api_retry progress is forwarded');
    assert.equal(retry.detail.error_status, 500);
    assert.equal(fake.requests.length, 2, 'CLAUDE_CODE_MAX_RETRIES=1 gives 2 requests');
    assert.ok(fake.requests.every((r) => r.stream === true), 'no stream:false fallback');
    assertWellFormed(assert, sc);
  });

  test('(e) a persistent 429 ends as rate_limit', { timeout: 30_000 }, async (t) => {
    const { dirs, sc } = await setup(t, () => failure(429, 'rate_limit_error', 0));
    sc.send({ type: 'run', run_id: 'run-e', config: makeConfig(dirs) });
    const end = await sc.terminal('run-e', { timeout: 20_000 });
    assert.equal(end.status, 'error');
    assert.equal(end.error.category, 'rate_limit');
    assert.equal(end.error.retryable, true);
    assertWellFormed(assert, sc);
  });

  test('(f) an invalid key (401) ends as auth, not retryable', { timeout: 30_000 }, async (t) => {
    const { dirs, sc } = await setup(t, () => failure(401, 'authentication_error'));
    sc.send({ type: 'run', run_id: 'run-f', config: makeConfig(dirs) });
    const end = await sc.terminal('run-f', { timeout: 20_000 });
    assert.equal(end.status, 'error');
    assert.equal(end.error.category, 'auth');
    assert.equal(end.error.retryable, false);
    assert.equal(end.api_error_status, 401);
    assertWellFormed(assert, sc);
  });

  test('(g) policy: a write outside writablePaths is denied', { timeout: 30_000 }, async (t) => {
    const dirs = tempRoot(t);
    const outside = path.join(dirs.root, 'outside', 'evil.txt');
    const fake = await startFakeAnthropic(writeScript(outside));
    defer(t, () => fake.close());
    const sc = startSidecar(t, { env: sdkEnv(dirs, fake.url) });
    await sc.ready();
    sc.send({ type: 'run', run_id: 'run-g', config: makeConfig(dirs) });
    const result = await sc.terminal('run-g', { timeout: 20_000 });
    assert.equal(result.status, 'success'); // the model carries on after the denial
    assert.ok(result.permission_denials >= 1);

    const denied = sc.items('run-g', 'permission_denied');
    assert.equal(denied.length, 1, 'one permission_denied item (not doubled by the SDK)');
    assert.equal(denied[0].tool, 'Write');
    assert.equal(denied[0].path, outside);
    assert.match(denied[0].reason, /allows writes only to/);
    const toolResult = sc.items('run-g', 'tool_result')[0];
    assert.equal(toolResult.is_error, true);
    assert.match(toolResult.text, /allows writes only to/);
    assert.equal(fs.existsSync(outside), false);
    assertWellFormed(assert, sc);
  });

  test('hooks in the workspace settings files never run, whatever settingSources asks for', { timeout: 30_000 }, async (t) => {
    const { dirs, fake, sc } = await setup(t, [message(text('done'))]);
    // A user-writable .claude/ in cwd whose hooks would run a command at session start,
    // on every prompt and before every tool: each one leaves a marker file.
    const markers = path.join(dirs.root, 'markers');
    fs.mkdirSync(markers);
    fs.mkdirSync(path.join(dirs.cwd, '.claude'));
    const hooks = (name) => {
      const command = { type: 'command', command: `touch ${path.join(markers, name)}` };
      return {
        hooks: Object.fromEntries(
          ['SessionStart', 'UserPromptSubmit', 'PreToolUse'].map((event) => [event, [{ matcher: '*', hooks: [command] }]]),
        ),
      };
    };
    fs.writeFileSync(path.join(dirs.cwd, '.claude', 'settings.json'), JSON.stringify(hooks('project')));
    fs.writeFileSync(path.join(dirs.cwd, '.claude', 'settings.local.json'), JSON.stringify(hooks('local')));

    sc.send({ type: 'run', run_id: 'run-h', config: makeConfig(dirs, { settingSources: ['project', 'local'] }) });
    const result = await sc.terminal('run-h', { timeout: 20_000 });
    assert.equal(result.status, 'success');
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(fs.readdirSync(markers), [], 'no hook ran');
    assertWellFormed(assert, sc);
  });

  test('connection refused ends as network, with no stream:false fallback', { timeout: 30_000 }, async (t) => {
    const dirs = tempRoot(t);
    const port = await closedPort();
    const sc = startSidecar(t, { env: sdkEnv(dirs, `http://127.0.0.1:${port}`) });
    await sc.ready();
    sc.send({ type: 'run', run_id: 'run-n', config: makeConfig(dirs) });
    const end = await sc.terminal('run-n', { timeout: 20_000 });
    assert.equal(end.status, 'error');
    assert.equal(end.error.category, 'network');
    assert.equal(end.error.retryable, true);
    assertWellFormed(assert, sc);
  });

  test('shutdown during a run: result cancelled, exited 0, no claude left', { timeout: 30_000 }, async (t) => {
    const { dirs, sc } = await setup(t, () => slow(400, text('slow answer that takes a while to stream')));
    sc.send({ type: 'session_start', run_id: 'run-s', session_id: 'ses-s', config: makeConfig(dirs) });
    await sc.waitFor((l) => l.type === 'delta' && l.run_id === 'run-s', { timeout: 20_000, what: 'first delta' });
    sc.send({ type: 'shutdown', grace_ms: 3000 });
    const result = await sc.terminal('run-s', { timeout: 5000 });
    assert.equal(result.status, 'cancelled');
    const { code } = await sc.exited;
    assert.equal(code, 0);
    const last = sc.lines.at(-1);
    assert.deepEqual([last.type, last.code, last.reason], ['exited', 0, 'shutdown']);
    assert.ok(sc.lines.some((l) => l.type === 'session_ended' && l.session_id === 'ses-s'));
    assert.deepEqual(await groupMembers(sc.child.pid), [], 'no process of the sidecar group survives');
    assertWellFormed(assert, sc);
  });
});

/** A port that nothing listens on. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** PIDs still alive in process group `pgid` (Linux /proc), after a short grace. */
async function groupMembers(pgid) {
  if (process.platform !== 'linux') return [];
  const deadline = Date.now() + 5000;
  for (;;) {
    const alive = [];
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) === pgid && fields[0] !== 'Z') alive.push(Number(pid));
      } catch {
        // the process ended while we looked
      }
    }
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 100));
  }
}
