// Mock mode (§8.1): the built sidecar with `config.mock` or
// SKILL_BUILDER_MOCK_AGENTS=1. No Claude Code binary and no API key: the
// environment has neither, and pathToClaudeCodeExecutable is not set.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { assertWellFormed, makeConfig, startSidecar, tempRoot } from './helpers.mjs';

/** A skill layout like the app's: SP/{skill}/context and WS/{skill}. */
function layout(t) {
  const dirs = tempRoot(t);
  const skillDir = path.join(dirs.root, 'sp', 'sales-pipeline');
  const contextDir = path.join(skillDir, 'context');
  const ws = path.join(dirs.root, 'ws');
  const workspaceDir = path.join(ws, 'sales-pipeline');
  for (const d of [contextDir, workspaceDir]) fs.mkdirSync(d, { recursive: true });
  return { dirs, skillDir, contextDir, ws, workspaceDir };
}

function brief(l, step, extra = '') {
  return [
    '<skill-builder-run version="1">',
    `step: ${step}`,
    'skill_name: sales-pipeline',
    'skill_type: domain',
    'domain: B2B sales pipeline analytics',
    `context_dir: ${l.contextDir}`,
    `skill_dir: ${l.skillDir}`,
    `workspace_dir: ${l.workspaceDir}`,
    'today: 2026-11-25',
    extra,
    '</skill-builder-run>',
    '<task>Run the step.</task>',
  ].join('\n');
}

/** A mock config: no binary path, delays off unless asked for. */
function mockConfig(l, overrides = {}, mock = {}) {
  const config = makeConfig(
    { cwd: l.ws },
    {
      prompt: brief(l, 0),
      tools: ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Skill', 'Agent'],
      allowedTools: ['Skill', 'Agent', 'TodoWrite'],
      readableRoots: [l.skillDir + '/', l.workspaceDir + '/'],
      writablePaths: [path.join(l.contextDir, 'research-plan.md'), path.join(l.contextDir, 'clarifications.json')],
      mock: { delayMs: 0, ...mock },
      ...overrides,
    },
  );
  delete config.pathToClaudeCodeExecutable;
  return config;
}

/** No PATH to a binary, no key: mock mode must not need either. */
const bareEnv = (dirs, extra = {}) => ({ HOME: dirs.home, CLAUDE_CONFIG_DIR: dirs.config, ...extra });

describe('mock agent', { concurrency: 2 }, () => {
  test('(h) a step-0 run streams realistic items and writes valid artifacts', { timeout: 15_000 }, async (t) => {
    const l = layout(t);
    const sc = startSidecar(t, { env: bareEnv(l.dirs) });
    const ready = await sc.ready();
    assert.equal(ready.mock, false); // per-run mock via config.mock

    sc.send({ type: 'run', run_id: 'run-m0', config: mockConfig(l) });
    const result = await sc.terminal('run-m0');
    assert.equal(result.status, 'success');
    assert.equal(result.cost_usd, 0);
    assert.ok(result.usage.input_tokens > 0 && result.usage.output_tokens > 0);
    assert.equal(result.model_usage[0].model, 'mock-sonnet');
    assert.equal(result.text, 'Research complete: 3 dimensions, 12 questions.');

    const clar = JSON.parse(fs.readFileSync(path.join(l.contextDir, 'clarifications.json'), 'utf8'));
    assert.equal(clar.schema, 'skill-builder/clarifications');
    assert.equal(clar.skill, 'sales-pipeline');
    assert.equal(clar.sections.length, 3);
    assert.deepEqual(
      clar.sections.flatMap((s) => s.questions.map((q) => q.id)),
      Array.from({ length: 12 }, (_, i) => `Q${i + 1}`),
    );
    const plan = fs.readFileSync(path.join(l.contextDir, 'research-plan.md'), 'utf8');
    assert.match(plan, /^---\nschema: skill-builder\/research-plan\n/);
    assert.match(plan, /domain: "B2B sales pipeline analytics"/);

    const items = sc.items('run-m0');
    const kinds = new Set(items.map((i) => i.kind));
    for (const k of ['system_init', 'text', 'thinking', 'tool_use', 'tool_result', 'usage_snapshot']) assert.ok(kinds.has(k), k);
    const writes = items.filter((i) => i.kind === 'tool_use' && i.name === 'Write').map((i) => i.input.file_path);
    const written = items.filter((i) => i.kind === 'tool_result' && i.file_path).map((i) => i.file_path);
    assert.deepEqual(written, writes, 'tool_result pairs match the files written');
    const agentCall = items.find((i) => i.kind === 'tool_use' && i.name === 'Agent');
    assert.ok(agentCall, 'one delegated Agent call');
    assert.ok(items.some((i) => i.kind === 'text' && i.parent_tool_use_id === agentCall.tool_use_id), 'nested items');
    assert.ok(sc.forRun('run-m0').some((l) => l.type === 'delta'), 'text streams as deltas');
    assertWellFormed(assert, sc);
  });

  test('(h) step 5 writes SKILL.md and 3 references; a write outside writablePaths is denied', { timeout: 15_000 }, async (t) => {
    const l = layout(t);
    fs.writeFileSync(path.join(l.contextDir, 'decisions.json'), '{}');
    const sc = startSidecar(t, { env: bareEnv(l.dirs) });
    await sc.ready();
    const config = mockConfig(l, {
      prompt: brief(l, 5),
      writablePaths: [path.join(l.skillDir, 'SKILL.md'), path.join(l.skillDir, 'references') + '/'],
    });
    sc.send({ type: 'run', run_id: 'run-m5', config });
    const result = await sc.terminal('run-m5');
    assert.equal(result.status, 'success');
    assert.match(result.text, /^Applies the B2B sales pipeline analytics rules/);
    const skill = fs.readFileSync(path.join(l.skillDir, 'SKILL.md'), 'utf8');
    assert.match(skill, /^---\nname: sales-pipeline\ndescription: "/);
    assert.equal(fs.readdirSync(path.join(l.skillDir, 'references')).length, 3);
    // evals/ is not writable in this config: the policy denies it like a real run.
    assert.equal(fs.existsSync(path.join(l.skillDir, 'evals', 'evals.json')), false);
    const denied = sc.items('run-m5', 'permission_denied');
    assert.equal(denied.length, 1);
    assert.equal(denied[0].path, path.join(l.skillDir, 'evals', 'evals.json'));
    assertWellFormed(assert, sc);
  });

  test('(h) a multi-turn refine session, cancel mid-turn, then exhaustion', { timeout: 15_000 }, async (t) => {
    const l = layout(t);
    fs.writeFileSync(path.join(l.skillDir, 'SKILL.md'), '---\nname: sales-pipeline\ndescription: "x"\n---\n\n# Body\n');
    const sc = startSidecar(t, { env: bareEnv(l.dirs) });
    await sc.ready();
    const config = mockConfig(
      l,
      { agentKind: 'refine', label: 'refine', prompt: brief(l, 'refine'), writablePaths: [path.join(l.skillDir, 'SKILL.md')] },
      { delayMs: 20, maxTurns: 3 },
    );
    sc.send({ type: 'session_start', run_id: 'run-r1', session_id: 'ses-r', config });
    assert.equal((await sc.terminal('run-r1')).text, 'Ready to refine sales-pipeline.');

    sc.send({
      type: 'session_send',
      run_id: 'run-r2',
      session_id: 'ses-r',
      text: '<skill-builder-turn command="refine" targets="">Mention that fiscal weeks start on Monday in every weekly report</skill-builder-turn>',
    });
    const r2 = await sc.terminal('run-r2');
    assert.equal(r2.status, 'success');
    const skill = fs.readFileSync(path.join(l.skillDir, 'SKILL.md'), 'utf8');
    assert.ok(skill.endsWith('- Mention that fiscal weeks start on Monday in every weekly re\n'), skill);

    // A second send while a turn runs is refused; the running turn is untouched.
    sc.send({ type: 'session_send', run_id: 'run-r3', session_id: 'ses-r', text: 'slow one' });
    sc.send({ type: 'session_send', run_id: 'run-r3b', session_id: 'ses-r', text: 'too early' });
    const busy = await sc.terminal('run-r3b');
    assert.deepEqual([busy.type, busy.category], ['error', 'session_busy']);
    sc.send({ type: 'cancel', run_id: 'run-r3' });
    const r3 = await sc.terminal('run-r3');
    assert.equal(r3.status, 'cancelled');

    // Turn 4 exceeds mock.maxTurns = 3: max_turns, then session_ended{exhausted}.
    sc.send({ type: 'session_send', run_id: 'run-r4', session_id: 'ses-r', text: 'one more' });
    const r4 = await sc.terminal('run-r4');
    assert.equal(r4.status, 'max_turns');
    const ended = await sc.waitFor((x) => x.type === 'session_ended');
    assert.equal(ended.reason, 'exhausted');

    sc.send({ type: 'session_send', run_id: 'run-r5', session_id: 'ses-r', text: 'after the end' });
    assert.equal((await sc.terminal('run-r5')).category, 'unknown_session');
    assertWellFormed(assert, sc);
  });

  test('(h) cancel mid-stream with 40 ms delays stops at the next event', { timeout: 15_000 }, async (t) => {
    const l = layout(t);
    const sc = startSidecar(t, { env: bareEnv(l.dirs) });
    await sc.ready();
    sc.send({ type: 'session_start', run_id: 'run-c1', session_id: 'ses-c', config: mockConfig(l, {}, { delayMs: 40 }) });
    await sc.waitFor((x) => x.type === 'delta' && x.run_id === 'run-c1');
    const t0 = Date.now();
    sc.send({ type: 'cancel', run_id: 'run-c1' });
    const r = await sc.terminal('run-c1');
    assert.equal(r.status, 'cancelled');
    assert.ok(Date.now() - t0 < 500);
    assert.ok(sc.items('run-c1', 'notice').some((i) => i.text.startsWith('[Request interrupted')));
    // The session stays usable (a repair turn rewrites the outputs).
    sc.send({ type: 'session_send', run_id: 'run-c2', session_id: 'ses-c', text: 'Fix only these problems.' });
    assert.equal((await sc.terminal('run-c2')).status, 'success');
    sc.send({ type: 'session_end', session_id: 'ses-c' });
    assert.equal((await sc.waitFor((x) => x.type === 'session_ended')).reason, 'closed');
    assertWellFormed(assert, sc);
  });

  test('(h) SKILL_BUILDER_MOCK_AGENTS=1 derives the scenario; the gate classifies answers', { timeout: 15_000 }, async (t) => {
    const l = layout(t);
    const answers = {
      Q1: 'Analysts who write weekly revenue queries for leadership',
      Q2: 'Salesforce',
      Q3: 'standard',
      Q4: '',
    };
    const clar = {
      schema: 'skill-builder/clarifications',
      sections: [{ title: 's', questions: Object.entries(answers).map(([id, text]) => ({ id, answer: { text } })) }],
    };
    fs.writeFileSync(path.join(l.contextDir, 'clarifications.json'), JSON.stringify(clar));
    const sc = startSidecar(t, { env: bareEnv(l.dirs, { SKILL_BUILDER_MOCK_AGENTS: '1' }) });
    assert.equal((await sc.ready()).mock, true);
    const config = mockConfig(l, {
      agentKind: 'gate',
      label: 'gate1',
      prompt: brief(l, 1, 'gate: clarifications'),
      model: 'claude-haiku-4-5',
      tools: ['Read', 'Write'],
      writablePaths: [path.join(l.workspaceDir, 'answer-evaluation.json')],
    });
    delete config.mock; // env only
    sc.send({ type: 'run', run_id: 'run-gate', config });
    const r = await sc.terminal('run-gate');
    assert.equal(r.status, 'success');
    assert.equal(r.model_usage[0].model, 'mock-haiku');
    const evaluation = JSON.parse(fs.readFileSync(path.join(l.workspaceDir, 'answer-evaluation.json'), 'utf8'));
    assert.equal(evaluation.gate, 'clarifications');
    assert.deepEqual(
      evaluation.per_question.map((p) => [p.id, p.verdict]),
      [
        ['Q1', 'clear'],
        ['Q2', 'needs_refinement'],
        ['Q3', 'vague'],
      ],
    );
    assertWellFormed(assert, sc);
  });

  test('(h) fault injection: api_error:429, invalid_output, crash_after', { timeout: 15_000 }, async (t) => {
    const l = layout(t);
    const sc = startSidecar(t, { env: bareEnv(l.dirs) });
    await sc.ready();
    sc.send({ type: 'run', run_id: 'run-429', config: mockConfig(l, {}, { fail: 'api_error:429' }) });
    const r429 = await sc.terminal('run-429');
    assert.deepEqual([r429.status, r429.error.category, r429.error.retryable], ['error', 'rate_limit', true]);

    sc.send({ type: 'session_start', run_id: 'run-bad', session_id: 'ses-bad', config: mockConfig(l, {}, { fail: 'invalid_output' }) });
    await sc.terminal('run-bad');
    const clarPath = path.join(l.contextDir, 'clarifications.json');
    assert.throws(() => JSON.parse(fs.readFileSync(clarPath, 'utf8')), 'turn 1 writes broken JSON');
    sc.send({ type: 'session_send', run_id: 'run-fix', session_id: 'ses-bad', text: 'Your output failed validation.' });
    await sc.terminal('run-fix');
    assert.equal(JSON.parse(fs.readFileSync(clarPath, 'utf8')).sections.length, 3, 'the repair turn fixes it');

    sc.send({ type: 'run', run_id: 'run-crash', config: mockConfig(l, {}, { fail: 'crash_after:3' }) });
    const { code } = await sc.exited;
    assert.equal(code, 3);
    assert.ok(!sc.lines.some((x) => x.type === 'exited'), 'a crash writes no exited line');
  });
  test('(h) mock.fail = cost:X reports X per turn and a per-run budget below it ends as budget_exceeded', { timeout: 15_000 }, async (t) => {
    const l = layout(t);
    const planner = (extra) =>
      mockConfig(l, { agentKind: 'test_with', label: 'test-with', tools: ['Read'], writablePaths: [], ...extra }, { scenario: 'test.with', fail: 'cost:0.004' });
    const sc = startSidecar(t, { env: bareEnv(l.dirs) });
    await sc.ready();
    sc.send({ type: 'run', run_id: 'run-cost', config: planner({}) });
    const ok = await sc.terminal('run-cost');
    assert.equal(ok.status, 'success');
    assert.equal(ok.cost_usd, 0.004);
    sc.send({ type: 'run', run_id: 'run-capped', config: planner({ maxBudgetUsd: 0.001 }) });
    const over = await sc.terminal('run-capped');
    assert.equal(over.status, 'budget_exceeded');
  });
});
