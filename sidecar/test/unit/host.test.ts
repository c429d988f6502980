// Host and session behaviour with a scripted stand-in for the SDK: throws,
// early iterator ends, fatal errors, and the one-terminal-per-run rule.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { Host } from '../../src/host.js';
import { Output } from '../../src/output.js';
import type { ExitReason, OutboundLine, SidecarConfig } from '../../src/protocol.js';
import type { AgentQuery, QueryFactory } from '../../src/query.js';

type Line = OutboundLine & Record<string, unknown>;

const config: SidecarConfig = {
  agentKind: 'refine',
  label: 'refine',
  prompt: 'hello',
  model: 'claude-sonnet-4-5',
  cwd: '/tmp',
  tools: [],
  allowedTools: [],
  readableRoots: [],
  writablePaths: [],
  maxTurns: 5,
  permissionMode: 'default',
  pathToClaudeCodeExecutable: '/bin/false',
  settingSources: ['project'],
  includePartialMessages: false,
};

const result = (cost: number): SDKMessage =>
  ({
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'ok',
    num_turns: 1,
    duration_ms: 1,
    duration_api_ms: 1,
    stop_reason: 'end_turn',
    total_cost_usd: cost,
    usage: { input_tokens: 1, output_tokens: 1 },
    modelUsage: {},
    permission_denials: [],
    session_id: 'sdk-1',
  }) as unknown as SDKMessage;

/** A query that answers each user turn with `perTurn(turnIndex)`. */
function scripted(perTurn: (turn: number) => SDKMessage[] | 'throw' | 'end'): QueryFactory {
  return async ({ prompt }) => {
    async function* run(): AsyncGenerator<SDKMessage> {
      let turn = 0;
      for await (const _ of prompt as AsyncIterable<SDKUserMessage>) {
        const step = perTurn(turn++);
        if (step === 'throw') throw new Error('Claude Code process exited with code 1');
        if (step === 'end') return;
        yield* step;
      }
    }
    const q: AgentQuery = { [Symbol.asyncIterator]: run, interrupt: async () => undefined };
    return q;
  };
}

function harness(factory: QueryFactory, interruptGraceMs?: number) {
  const lines: Line[] = [];
  const exits: [number, ExitReason][] = [];
  const out = new Output((text, done) => {
    lines.push(JSON.parse(text) as Line);
    done?.();
  });
  const host = new Host({
    out,
    processEnv: {},
    mockEnv: false,
    exit: (code, reason) => {
      exits.push([code, reason]);
      out.writeLast({ type: 'exited', code, reason }, () => undefined);
    },
    crash: () => undefined,
    sdkFactory: factory,
    ...(interruptGraceMs !== undefined ? { interruptGraceMs } : {}),
  });
  const send = (obj: Record<string, unknown>) => host.handleLine(JSON.stringify({ v: 1, ...obj }));
  const until = async (pred: (l: Line) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const hit = lines.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`not seen; lines: ${JSON.stringify(lines)}`);
  };
  return { lines, exits, host, send, until };
}

test('costs are per run although the SDK reports them per session', async () => {
  const h = harness(scripted((turn) => [result(turn === 0 ? 0.5 : 0.75)]));
  h.send({ type: 'session_start', run_id: 'r1', session_id: 's', config });
  const r1 = await h.until((l) => l.type === 'result' && l.run_id === 'r1');
  h.send({ type: 'session_send', run_id: 'r2', session_id: 's', text: 'again' });
  const r2 = await h.until((l) => l.type === 'result' && l.run_id === 'r2');
  assert.deepEqual([r1.cost_usd, r1.cumulative_cost_usd], [0.5, 0.5]);
  assert.deepEqual([r2.cost_usd, r2.cumulative_cost_usd], [0.25, 0.75]);
});

test('an SDK throw gives one synthetic result, then session_ended{error}', async () => {
  const h = harness(scripted(() => 'throw'));
  h.send({ type: 'session_start', run_id: 'r1', session_id: 's', config });
  const ended = await h.until((l) => l.type === 'session_ended');
  assert.equal(ended.reason, 'error');
  const results = h.lines.filter((l) => l.type === 'result');
  assert.equal(results.length, 1);
  assert.equal(results[0]?.synthetic, true);
  assert.deepEqual(results[0]?.error, {
    category: 'claude_code_crashed',
    message: 'Claude Code process exited with code 1',
    retryable: true,
  });
});

test('an iterator that ends without session_end reports exhausted', async () => {
  const h = harness(scripted((turn) => (turn === 0 ? [result(0.1)] : 'end')));
  h.send({ type: 'session_start', run_id: 'r1', session_id: 's', config });
  await h.until((l) => l.type === 'result');
  h.send({ type: 'session_send', run_id: 'r2', session_id: 's', text: 'more' });
  const ended = await h.until((l) => l.type === 'session_ended');
  assert.equal(ended.reason, 'exhausted');
  const r2 = h.lines.filter((l) => l.type === 'result' && l.run_id === 'r2');
  assert.equal(r2.length, 1, 'the open run still gets exactly one terminal line');
  assert.equal(r2[0]?.synthetic, true);
});

test('a one-shot run closes its input after the first result and sends no session_ended', async () => {
  const h = harness(scripted(() => [result(0.1), result(0.2)]));
  h.send({ type: 'run', run_id: 'r1', config });
  await h.until((l) => l.type === 'result');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.lines.filter((l) => l.type === 'result').length, 1, 'a second SDK result is not a second terminal');
  assert.equal(h.lines.filter((l) => l.type === 'session_ended').length, 0);
});

test('fatal: every open run gets error{internal}, then exited{1, fatal}', async () => {
  const h = harness(async () => {
    const q: AgentQuery = {
      [Symbol.asyncIterator]: async function* () {
        await new Promise(() => undefined); // never yields
      },
      interrupt: async () => undefined,
    };
    return q;
  });
  h.send({ type: 'run', run_id: 'r1', config });
  await h.until((l) => l.type === 'progress' && l.stage === 'starting_claude');
  h.host.fatal(new TypeError('kaboom'));
  const errs = h.lines.filter((l) => l.type === 'error');
  assert.deepEqual(
    errs.map((e) => [e.run_id, e.category]),
    [
      ['r1', 'internal'],
      [undefined, 'internal'],
    ],
  );
  assert.deepEqual(h.exits, [[1, 'fatal']]);
  assert.deepEqual(h.lines.at(-1), { v: 1, type: 'exited', code: 1, reason: 'fatal' });
  h.send({ type: 'ping', nonce: 1 });
  assert.equal(h.lines.at(-1)?.type, 'exited', 'nothing is written after exited');
});

test('a cancel the SDK ignores is escalated to abort: one synthetic cancelled result', async () => {
  let aborted = false;
  const h = harness(async ({ options }) => {
    const signal = options.abortController?.signal;
    const q: AgentQuery = {
      [Symbol.asyncIterator]: async function* () {
        // Ignores interrupt(); only the abort ends it, with an AbortError.
        await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
        aborted = true;
        const err = new Error('aborted');
        err.name = 'AbortError';
        throw err;
      },
      interrupt: async () => undefined,
    };
    return q;
  }, 30);
  h.send({ type: 'session_start', run_id: 'r1', session_id: 's', config });
  await h.until((l) => l.type === 'progress' && l.stage === 'starting_claude');
  h.send({ type: 'cancel', run_id: 'r1' });
  const r = await h.until((l) => l.type === 'result');
  assert.ok(aborted);
  assert.deepEqual([r.status, r.synthetic], ['cancelled', true]);
  const ended = await h.until((l) => l.type === 'session_ended');
  assert.equal(ended.reason, 'error');
  assert.ok(h.lines.some((l) => l.type === 'progress' && l.stage === 'cancelling'));
});
