// Building `result` lines (§2.4), including per-run cost accounting.
//
// The SDK's `total_cost_usd` and `modelUsage` are cumulative for the whole
// session, while `usage` and `num_turns` count the current turn only. A run is
// one turn, so costs (and per-model tokens) are reported as the difference
// from the previous result of the same session.

import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Outcome } from './errors.js';
import type { ModelUsageEntry, ResultLine, Usage } from './protocol.js';

export type ResultDraft = Omit<ResultLine, 'v'>;

/** Counters that the session keeps per run while it streams. */
export interface RunStats {
  toolUses: number;
  compactions: number;
  permissionDenials: number;
  /** Text of the last assistant text block, for synthetic results. */
  lastText: string;
  startedAt: number;
}

export const newRunStats = (): RunStats => ({
  toolUses: 0,
  compactions: 0,
  permissionDenials: 0,
  lastText: '',
  startedAt: Date.now(),
});

interface ModelTotals {
  cost: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

export class CostLedger {
  private total = 0;
  private readonly models = new Map<string, ModelTotals>();

  get cumulative(): number {
    return this.total;
  }

  /** Turns the session-cumulative figures of one result into per-run figures. */
  take(result: SDKResultMessage): { cost: number; cumulative: number; modelUsage: ModelUsageEntry[] } {
    const cumulative = finite(result.total_cost_usd);
    const cost = round(Math.max(0, cumulative - this.total));
    this.total = Math.max(this.total, cumulative);
    const modelUsage: ModelUsageEntry[] = [];
    for (const [model, u] of Object.entries(result.modelUsage ?? {})) {
      const prev = this.models.get(model) ?? { cost: 0, input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
      const now: ModelTotals = {
        cost: finite(u.costUSD),
        input: finite(u.inputTokens),
        output: finite(u.outputTokens),
        cacheRead: finite(u.cacheReadInputTokens),
        cacheCreation: finite(u.cacheCreationInputTokens),
      };
      this.models.set(model, now);
      const entry: ModelUsageEntry = {
        model,
        input_tokens: Math.max(0, now.input - prev.input),
        output_tokens: Math.max(0, now.output - prev.output),
        cache_read_input_tokens: Math.max(0, now.cacheRead - prev.cacheRead),
        cache_creation_input_tokens: Math.max(0, now.cacheCreation - prev.cacheCreation),
        cost_usd: round(Math.max(0, now.cost - prev.cost)),
        context_window: finite(u.contextWindow),
        max_output_tokens: finite(u.maxOutputTokens),
      };
      // A model not used in this run has nothing to report.
      if (entry.input_tokens + entry.output_tokens + entry.cost_usd > 0 || prev.cost === 0) modelUsage.push(entry);
    }
    return { cost, cumulative: round(this.total), modelUsage };
  }
}

export function resultFromSdk(
  runId: string,
  r: SDKResultMessage,
  outcome: Outcome,
  stats: RunStats,
  costs: { cost: number; cumulative: number; modelUsage: ModelUsageEntry[] },
): ResultDraft {
  const apiStatus = 'api_error_status' in r && typeof r.api_error_status === 'number' ? r.api_error_status : null;
  return {
    type: 'result',
    run_id: runId,
    status: outcome.status,
    synthetic: false,
    sdk_subtype: r.subtype,
    is_error: r.is_error,
    terminal_reason: r.terminal_reason ?? null,
    stop_reason: r.stop_reason,
    api_error_status: apiStatus,
    text: r.subtype === 'success' ? r.result : stats.lastText,
    errors: r.subtype === 'success' ? [] : r.errors,
    num_turns: r.num_turns,
    duration_ms: r.duration_ms,
    duration_api_ms: r.duration_api_ms,
    cost_usd: costs.cost,
    cumulative_cost_usd: costs.cumulative,
    usage: usageOf(r.usage as unknown as Record<string, unknown>),
    model_usage: costs.modelUsage,
    sdk_session_id: r.session_id,
    permission_denials: Math.max(r.permission_denials.length, stats.permissionDenials),
    compactions: stats.compactions,
    tool_uses: stats.toolUses,
    error: outcome.error,
  };
}

/** A result the sidecar builds itself because the SDK threw or died (§2.8). */
export function syntheticResult(
  runId: string,
  outcome: Outcome,
  stats: RunStats,
  sdkSessionId: string | null,
  cumulative: number,
): ResultDraft {
  return {
    type: 'result',
    run_id: runId,
    status: outcome.status,
    synthetic: true,
    sdk_subtype: null,
    is_error: outcome.status !== 'success',
    terminal_reason: null,
    stop_reason: null,
    api_error_status: null,
    text: stats.lastText,
    errors: outcome.error ? [outcome.error.message] : [],
    num_turns: 0,
    duration_ms: Date.now() - stats.startedAt,
    duration_api_ms: 0,
    cost_usd: 0,
    cumulative_cost_usd: round(cumulative),
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    model_usage: [],
    sdk_session_id: sdkSessionId,
    permission_denials: stats.permissionDenials,
    compactions: stats.compactions,
    tool_uses: stats.toolUses,
    error: outcome.error,
  };
}

function usageOf(u: Record<string, unknown> | undefined): Usage {
  return {
    input_tokens: finite(u?.input_tokens),
    output_tokens: finite(u?.output_tokens),
    cache_read_input_tokens: finite(u?.cache_read_input_tokens),
    cache_creation_input_tokens: finite(u?.cache_creation_input_tokens),
  };
}

function finite(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Avoids float noise such as 0.0014100000000000002 in differences. */
function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
