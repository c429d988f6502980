// Builders for SDK-shaped messages, so the mock feeds the very same session,
// normaliser and result code as the real SDK. Only the fields our pipeline and
// a transcript reader use are filled in; the shapes follow what the SDK yields
// (agent-sdk-offline.md §5).

import { randomUUID } from 'node:crypto';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';

/** The one cast from our plain objects to the SDK's (much wider) union type. */
const sdk = (m: Record<string, unknown>): SDKMessage => m as unknown as SDKMessage;

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export class MockIds {
  private n = 0;
  constructor(private readonly prefix: string) {}
  next(kind: 'msg' | 'toolu'): string {
    this.n += 1;
    return `${kind}_${this.prefix}_${String(this.n).padStart(4, '0')}`;
  }
}

export function initMessage(a: {
  sessionId: string;
  model: string;
  cwd: string;
  tools: string[];
  permissionMode: string;
}): SDKMessage {
  return sdk({
    type: 'system',
    subtype: 'init',
    cwd: a.cwd,
    session_id: a.sessionId,
    tools: a.tools,
    mcp_servers: [],
    model: a.model,
    permissionMode: a.permissionMode,
    slash_commands: [],
    apiKeySource: 'none',
    claude_code_version: 'mock',
    output_style: 'default',
    skills: [],
    plugins: [],
    uuid: randomUUID(),
  });
}

export function assistantMessage(a: {
  sessionId: string;
  model: string;
  messageId: string;
  block: Record<string, unknown>;
  usage: TokenUsage;
  parentToolUseId?: string | null;
  error?: string;
}): SDKMessage {
  const m: Record<string, unknown> = {
    type: 'assistant',
    message: {
      id: a.messageId,
      type: 'message',
      role: 'assistant',
      model: a.model,
      content: [a.block],
      stop_reason: null,
      stop_sequence: null,
      usage: a.usage,
    },
    parent_tool_use_id: a.parentToolUseId ?? null,
    session_id: a.sessionId,
    uuid: randomUUID(),
  };
  if (a.error !== undefined) m.error = a.error;
  return sdk(m);
}

export function toolResultMessage(a: {
  sessionId: string;
  toolUseId: string;
  text: string;
  isError: boolean;
  toolUseResult: unknown;
  parentToolUseId?: string | null;
}): SDKMessage {
  return sdk({
    type: 'user',
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: a.toolUseId, content: a.text, is_error: a.isError }],
    },
    parent_tool_use_id: a.parentToolUseId ?? null,
    session_id: a.sessionId,
    tool_use_result: a.toolUseResult,
    uuid: randomUUID(),
  });
}

export function interruptedMessage(sessionId: string): SDKMessage {
  return sdk({
    type: 'user',
    message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] },
    parent_tool_use_id: null,
    session_id: sessionId,
    uuid: randomUUID(),
  });
}

export function apiRetryMessage(sessionId: string, status: number): SDKMessage {
  return sdk({
    type: 'system',
    subtype: 'api_retry',
    attempt: 1,
    max_retries: 1,
    retry_delay_ms: 500,
    error_status: status,
    error: status === 429 ? 'rate_limit' : status === 401 ? 'authentication_failed' : 'server_error',
    session_id: sessionId,
    uuid: randomUUID(),
  });
}

export function streamEvent(sessionId: string, event: Record<string, unknown>, parent: string | null): SDKMessage {
  return sdk({ type: 'stream_event', event, parent_tool_use_id: parent, session_id: sessionId, uuid: randomUUID() });
}

export interface ResultArgs {
  sessionId: string;
  model: string;
  subtype: 'success' | 'error_during_execution' | 'error_max_turns' | 'error_max_budget_usd';
  isError: boolean;
  text: string;
  numTurns: number;
  durationMs: number;
  usage: TokenUsage;
  /** Session-cumulative tokens, as the SDK reports them in `modelUsage`. */
  cumulative: TokenUsage;
  apiErrorStatus?: number;
  /** Session-cumulative cost (0 unless `mock.fail = cost:X`). */
  cumulativeCostUsd?: number;
}

export function resultMessage(a: ResultArgs): SDKMessage {
  const base: Record<string, unknown> = {
    type: 'result',
    subtype: a.subtype,
    duration_ms: a.durationMs,
    duration_api_ms: Math.round(a.durationMs * 0.6),
    is_error: a.isError,
    num_turns: a.numTurns,
    stop_reason: a.isError ? null : 'end_turn',
    total_cost_usd: a.cumulativeCostUsd ?? 0,
    usage: a.usage,
    modelUsage: {
      [a.model]: {
        inputTokens: a.cumulative.input_tokens,
        outputTokens: a.cumulative.output_tokens,
        cacheReadInputTokens: a.cumulative.cache_read_input_tokens,
        cacheCreationInputTokens: a.cumulative.cache_creation_input_tokens,
        webSearchRequests: 0,
        costUSD: a.cumulativeCostUsd ?? 0,
        contextWindow: 200000,
        maxOutputTokens: 32000,
      },
    },
    permission_denials: [],
    terminal_reason: a.apiErrorStatus !== undefined ? 'api_error' : a.isError ? 'aborted_streaming' : 'completed',
    session_id: a.sessionId,
    uuid: randomUUID(),
  };
  if (a.subtype === 'success') {
    base.result = a.text;
    if (a.apiErrorStatus !== undefined) base.api_error_status = a.apiErrorStatus;
  } else {
    base.errors = a.text === '' ? [] : [a.text];
  }
  return sdk(base);
}
