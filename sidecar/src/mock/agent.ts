// The mock agent (§8.1): a stand-in for `query()` that yields SDK-shaped
// messages, so everything after it (session, normaliser, policy, results,
// protocol) is the production code. It streams deterministic text, thinking,
// a delegated Agent call and tool calls, writes the scenario's real files
// through the same path policy, supports multi-turn sessions, interrupt,
// abort, turn budgets and fault injection. No Claude Code binary is involved.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Options, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { SidecarConfig } from '../protocol.js';
import type { AgentQuery, QueryFactory } from '../query.js';
import { parseBrief, type Brief } from './brief.js';
import type { FixtureVars } from './fixtures.js';
import {
  apiRetryMessage,
  assistantMessage,
  initMessage,
  interruptedMessage,
  MockIds,
  resultMessage,
  streamEvent,
  toolResultMessage,
  type TokenUsage,
} from './messages.js';
import { deriveScenario, planTurn, type MockPathsResolved, type TurnPlan } from './scenarios.js';

/** Process-level effects of fault injection, provided by the host. */
export interface MockFaults {
  /** `crash_after:N`: exit without an `exited` line, like a real crash. */
  crash(code: number): void;
  /** `hang`: stop answering stdin (no pongs). */
  hang(): void;
}

/** 40 ms between lines in the app; tests pass `delayMs: 0`. */
const DEFAULT_DELAY_MS = 40;

export function mockQueryFactory(config: SidecarConfig, faults: MockFaults, env: NodeJS.ProcessEnv): QueryFactory {
  return async ({ prompt, options }) => new MockQuery(config, options, prompt, faults, env);
}

class MockAbortError extends Error {
  override name = 'AbortError';
}

type Tick = 'ok' | 'interrupted';

class MockQuery implements AgentQuery {
  private readonly brief: Brief;
  private readonly ids = new MockIds(randomUUID().slice(0, 8));
  private readonly sessionId: string;
  private readonly model: string;
  private readonly delayMs: number;
  private readonly paths: MockPathsResolved;
  private readonly vars: FixtureVars;
  private readonly signal: AbortSignal;
  private interruptRequested = false;
  private wake: (() => void) | undefined;
  private turn = 0;
  private yielded = 0;
  private readonly cumulative: TokenUsage = zeroUsage();
  private cumulativeCost = 0;

  constructor(
    private readonly config: SidecarConfig,
    private readonly options: Options,
    private readonly prompt: AsyncIterable<SDKUserMessage>,
    private readonly faults: MockFaults,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.brief = parseBrief(config.prompt);
    this.sessionId = config.resumeSdkSessionId ?? `mock-${randomUUID()}`;
    this.model = `mock-${tierOf(config.model)}`;
    this.delayMs = Math.max(0, config.mock?.delayMs ?? DEFAULT_DELAY_MS);
    this.paths = resolvePaths(config, this.brief);
    this.vars = fixtureVars(this.brief, this.paths);
    this.signal = options.abortController?.signal ?? new AbortController().signal;
    this.signal.addEventListener('abort', () => this.wake?.(), { once: true });
    if (config.resumeSdkSessionId) this.turn = this.loadTurns();
  }

  interrupt(): Promise<unknown> {
    this.interruptRequested = true;
    this.wake?.();
    return Promise.resolve({ still_queued: [] });
  }

  [Symbol.asyncIterator](): AsyncIterator<SDKMessage> {
    return this.run();
  }

  private async *run(): AsyncGenerator<SDKMessage> {
    for await (const user of this.prompt) {
      this.turn += 1;
      this.saveTurns();
      const text = typeof user.message.content === 'string' ? user.message.content : '';
      const budget = this.config.mock?.maxTurns;
      if (budget !== undefined && this.turn > budget) {
        // The session's turn budget is spent: report it and end the iterator,
        // which the session reports as `session_ended{exhausted}`.
        yield* this.emit(this.result('error_max_turns', true, 'Reached the maximum number of turns.'));
        return;
      }
      yield* this.runTurn(text);
    }
  }

  private async *runTurn(message: string): AsyncGenerator<SDKMessage> {
    const started = Date.now();
    const turnUsage = zeroUsage();
    const fail = this.config.mock?.fail ?? '';
    const emitAll = async function* (this: MockQuery, msgs: SDKMessage[]): AsyncGenerator<SDKMessage> {
      for (const m of msgs) yield* this.emit(m);
    }.bind(this);

    // Each step waits `delayMs`, then honours an abort (throws) or an interrupt.
    const step = async (): Promise<Tick> => this.tick();
    const interrupted = (): SDKMessage[] => {
      this.interruptRequested = false;
      return [
        interruptedMessage(this.sessionId),
        this.result('error_during_execution', true, '', Date.now() - started, turnUsage),
      ];
    };

    if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
    yield* this.emit(
      initMessage({
        sessionId: this.sessionId,
        model: this.model,
        cwd: this.config.cwd,
        tools: this.config.tools,
        permissionMode: this.config.permissionMode,
      }),
    );

    if (fail === 'hang') {
      this.faults.hang();
      await new Promise<void>((resolve) => this.signal.addEventListener('abort', () => resolve(), { once: true }));
      throw new MockAbortError('aborted');
    }
    const apiError = /^api_error:(\d{3})$/.exec(fail);
    if (apiError) {
      const status = Number(apiError[1]);
      if (status !== 401) yield* this.emit(apiRetryMessage(this.sessionId, status));
      if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
      const text = `API Error: ${status} ${status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : 'api_error'} (mock)`;
      yield* this.emit(
        assistantMessage({
          sessionId: this.sessionId,
          model: this.model,
          messageId: this.ids.next('msg'),
          block: { type: 'text', text },
          usage: zeroUsage(),
          error: status === 429 ? 'rate_limit' : status === 401 ? 'authentication_failed' : 'server_error',
        }),
      );
      yield* this.emit(this.result('success', true, text, Date.now() - started, turnUsage, status));
      return;
    }

    const plan: TurnPlan = planTurn({
      scenario: deriveScenario(this.config, this.brief),
      vars: this.vars,
      paths: this.paths,
      turn: this.turn,
      message,
      brief: this.brief,
      invalidOutput: fail === 'invalid_output' || fail === 'invalid_output:always',
      invalidAlways: fail === 'invalid_output:always',
    });

    // 1. Streamed text, then thinking, from one model message.
    const first = this.ids.next('msg');
    const usage1 = this.usage(turnUsage, 1800, 120);
    for (const m of this.streamText(first, plan.intro, null)) {
      if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
      yield* this.emit(m);
    }
    yield* this.emit(this.assistant(first, { type: 'text', text: plan.intro }, usage1));
    if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
    yield* this.emit(this.assistant(first, { type: 'thinking', thinking: plan.thinking, signature: 'mock' }, usage1));

    // 2. A delegated agent with nested output.
    if (plan.delegate && this.config.tools.includes('Agent')) {
      if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
      const agentId = this.ids.next('toolu');
      const input = { description: plan.delegate.description, prompt: plan.delegate.prompt, subagent_type: 'general-purpose' };
      yield* this.emit(this.assistant(first, { type: 'tool_use', id: agentId, name: 'Agent', input }, usage1));
      if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
      const nested = this.ids.next('msg');
      yield* this.emit(this.assistant(nested, { type: 'text', text: plan.delegate.reply }, this.usage(turnUsage, 900, 80), agentId));
      yield* this.emit(
        toolResultMessage({
          sessionId: this.sessionId,
          toolUseId: agentId,
          text: plan.delegate.reply,
          isError: false,
          toolUseResult: { status: 'completed', content: [{ type: 'text', text: plan.delegate.reply }] },
        }),
      );
    }

    // 3. Reads, then writes, each as a tool_use/tool_result pair.
    const reads = new Map<string, string | null>();
    const toolMsg = this.ids.next('msg');
    const usage2 = this.usage(turnUsage, 2600, 400);
    for (const file of plan.reads) {
      if (!this.config.tools.includes('Read')) break;
      if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
      const { messages, content } = await this.readTool(toolMsg, file, usage2);
      reads.set(file, content);
      yield* emitAll(messages);
    }
    for (const write of plan.writes(reads)) {
      if (!this.config.tools.includes('Write')) break;
      if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
      yield* emitAll(await this.writeTool(toolMsg, write.path, write.content, usage2));
    }

    // 4. The final answer, then the turn's result.
    if ((await step()) === 'interrupted') return yield* emitAll(interrupted());
    const last = this.ids.next('msg');
    const summary = plan.summary(reads);
    const usage3 = this.usage(turnUsage, 3100, Math.max(40, Math.round(summary.length / 4)));
    for (const m of this.streamText(last, summary, null)) yield* this.emit(m);
    yield* this.emit(this.assistant(last, { type: 'text', text: summary }, usage3));
    // `mock.fail = cost:X`: every turn costs X, and a turn over `maxBudgetUsd` ends as the SDK
    // ends one (error_max_budget_usd), so cost caps are testable without a key.
    const cost = costOf(fail);
    this.cumulativeCost += cost;
    const budget = this.config.maxBudgetUsd;
    if (budget !== undefined && budget !== null && cost > budget) {
      yield* this.emit(this.result('error_max_budget_usd', true, 'Reached the maximum budget.', Date.now() - started, turnUsage));
      return;
    }
    yield* this.emit(this.result('success', false, summary, Date.now() - started, turnUsage));
  }

  // -------------------------------------------------------------------------
  // tools

  private async readTool(messageId: string, file: string, usage: TokenUsage) {
    const id = this.ids.next('toolu');
    const input = { file_path: file };
    const messages: SDKMessage[] = [this.assistant(messageId, { type: 'tool_use', id, name: 'Read', input }, usage)];
    const denied = await this.permission('Read', input, id);
    let content: string | null = null;
    let text: string;
    if (denied !== null) {
      text = denied;
    } else {
      try {
        content = fs.readFileSync(file, 'utf8');
        text = content;
      } catch {
        text = `File does not exist. Note: your current working directory is ${this.config.cwd}.`;
      }
    }
    const ok = content !== null;
    messages.push(
      toolResultMessage({
        sessionId: this.sessionId,
        toolUseId: id,
        text,
        isError: !ok,
        toolUseResult: ok ? { type: 'text', file: { filePath: file, content } } : `Error: ${text}`,
      }),
    );
    return { messages, content };
  }

  private async writeTool(messageId: string, file: string, content: string, usage: TokenUsage): Promise<SDKMessage[]> {
    const id = this.ids.next('toolu');
    const input = { file_path: file, content };
    const messages: SDKMessage[] = [this.assistant(messageId, { type: 'tool_use', id, name: 'Write', input }, usage)];
    const denied = await this.permission('Write', input, id);
    let error: string | null = denied;
    if (error === null) {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    messages.push(
      toolResultMessage({
        sessionId: this.sessionId,
        toolUseId: id,
        text: error ?? `File created successfully at: ${file}`,
        isError: error !== null,
        toolUseResult:
          error === null
            ? { type: 'create', filePath: file, content, structuredPatch: [], originalFile: null }
            : `Error: ${error}`,
      }),
    );
    return messages;
  }

  /** Asks the session's real `canUseTool` (our path policy); returns the denial text. */
  private async permission(tool: string, input: Record<string, unknown>, toolUseID: string): Promise<string | null> {
    const canUseTool = this.options.canUseTool;
    if (!canUseTool) return null;
    const decision = await canUseTool(tool, input, { signal: this.signal, toolUseID, requestId: randomUUID() });
    return decision && decision.behavior === 'deny' ? decision.message : null;
  }

  // -------------------------------------------------------------------------
  // stream helpers

  private async *emit(msg: SDKMessage): AsyncGenerator<SDKMessage> {
    if (this.signal.aborted) throw new MockAbortError('aborted');
    this.yielded += 1;
    const crashAfter = /^crash_after:(\d+)$/.exec(this.config.mock?.fail ?? '');
    if (crashAfter && this.yielded > Number(crashAfter[1])) this.faults.crash(3);
    yield msg;
  }

  /** Waits `delayMs` (cut short by an interrupt or abort). */
  private async tick(): Promise<Tick> {
    if (!this.interruptRequested && !this.signal.aborted && this.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.delayMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    } else {
      // Yield to the event loop so stdin (cancel, ping) is served between events.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.signal.aborted) throw new MockAbortError('aborted');
    return this.interruptRequested ? 'interrupted' : 'ok';
  }

  private *streamText(messageId: string, text: string, parent: string | null): Generator<SDKMessage> {
    if (!this.config.includePartialMessages) return;
    yield streamEvent(this.sessionId, { type: 'message_start', message: { id: messageId } }, parent);
    const words = text.split(/(?<=\s)/);
    const chunk = Math.max(1, Math.ceil(words.length / 4));
    for (let i = 0; i < words.length; i += chunk) {
      const piece = words.slice(i, i + chunk).join('');
      yield streamEvent(this.sessionId, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }, parent);
    }
  }

  private assistant(messageId: string, block: Record<string, unknown>, usage: TokenUsage, parent: string | null = null) {
    return assistantMessage({ sessionId: this.sessionId, model: this.model, messageId, block, usage, parentToolUseId: parent });
  }

  /** Plausible per-message usage, added to the turn's and the session's totals. */
  private usage(turn: TokenUsage, input: number, output: number): TokenUsage {
    const u: TokenUsage = {
      input_tokens: input,
      output_tokens: output,
      cache_read_input_tokens: Math.round(input * 0.6),
      cache_creation_input_tokens: Math.round(input * 0.1),
    };
    for (const k of Object.keys(u) as (keyof TokenUsage)[]) {
      turn[k] += u[k];
      this.cumulative[k] += u[k];
    }
    return u;
  }

  private result(
    subtype: 'success' | 'error_during_execution' | 'error_max_turns' | 'error_max_budget_usd',
    isError: boolean,
    text: string,
    durationMs = 0,
    usage: TokenUsage = zeroUsage(),
    apiErrorStatus?: number,
  ): SDKMessage {
    const args = {
      sessionId: this.sessionId,
      model: this.model,
      subtype,
      isError,
      text,
      numTurns: subtype === 'success' && !isError ? 2 : 1,
      durationMs,
      usage,
      cumulative: { ...this.cumulative },
      cumulativeCostUsd: Math.round(this.cumulativeCost * 1e6) / 1e6,
    };
    return resultMessage(apiErrorStatus === undefined ? args : { ...args, apiErrorStatus });
  }

  // -------------------------------------------------------------------------
  // turn numbering across resumes (§8.1)

  private stateFile(): string {
    const root = this.env.CLAUDE_CONFIG_DIR ?? os.tmpdir();
    return path.join(root, 'skill-builder-mock', `${this.sessionId.replace(/[^\w.-]/g, '_')}.json`);
  }

  private loadTurns(): number {
    try {
      const state = JSON.parse(fs.readFileSync(this.stateFile(), 'utf8')) as { turns?: unknown };
      return typeof state.turns === 'number' ? state.turns : 0;
    } catch {
      return 0;
    }
  }

  private saveTurns(): void {
    if (!this.config.persistSession) return;
    try {
      fs.mkdirSync(path.dirname(this.stateFile()), { recursive: true });
      fs.writeFileSync(this.stateFile(), JSON.stringify({ turns: this.turn }));
    } catch {
      // Turn numbering is cosmetic; never fail a run over it.
    }
  }
}

function resolvePaths(config: SidecarConfig, brief: Brief): MockPathsResolved {
  const p = config.mock?.paths ?? {};
  const contextHint = p.contextDir ?? brief.context_dir;
  const skillDir = p.skillDir ?? brief.skill_dir ?? (contextHint ? path.dirname(contextHint) : config.cwd);
  return {
    skillDir,
    contextDir: contextHint ?? path.join(skillDir, 'context'),
    workspaceDir: p.workspaceDir ?? brief.workspace_dir ?? config.cwd,
  };
}

function fixtureVars(brief: Brief, paths: MockPathsResolved): FixtureVars {
  const name = brief.skill_name ?? path.basename(paths.skillDir);
  return {
    skill_name: name,
    domain: brief.domain ?? name.replace(/-/g, ' '),
    skill_type: brief.skill_type ?? 'domain',
    description: brief.description ?? '',
    today: brief.today ?? new Date().toISOString().slice(0, 10),
  };
}

/** The per-turn cost of `mock.fail = cost:X` (0 otherwise). */
function costOf(fail: string): number {
  const m = /^cost:(\d+(?:\.\d+)?)$/.exec(fail);
  return m?.[1] ? Number(m[1]) : 0;
}

function tierOf(model: string): string {
  const m = /(haiku|sonnet|opus)/.exec(model.toLowerCase());
  return m?.[1] ?? 'sonnet';
}

function zeroUsage(): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
}
