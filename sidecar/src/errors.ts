// Status and error categories (§2.6).
//
// Branch on `is_error`, `terminal_reason` and `api_error_status`, never on
// `subtype` alone: API failures arrive as `subtype:"success"` with
// `is_error:true`.

import type { RunError, RunStatus } from './protocol.js';

export interface ResultFacts {
  subtype: string;
  is_error: boolean;
  terminal_reason: string | null;
  api_error_status: number | null;
  stop_reason: string | null;
  /** The result text and `errors[]`, searched for connection failures. */
  text: string;
  errors: string[];
}

export interface Outcome {
  status: RunStatus;
  error: RunError | null;
}

export interface RunContext {
  /** We asked for this run to stop (cancel or shutdown). */
  cancelRequested: boolean;
}

const CONNECTION = /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|Connection/;

export function classifyResult(r: ResultFacts, ctx: RunContext): Outcome {
  const detail = firstLine(r.errors[0] ?? r.text);

  if (!r.is_error) {
    if (r.stop_reason === 'refusal') return fail('refused', 'refused', 'The model declined this request.', false);
    return { status: 'success', error: null };
  }
  if (r.subtype === 'error_max_turns') {
    return fail('max_turns', 'budget', 'The agent reached its turn limit.', false);
  }
  if (r.subtype === 'error_max_budget_usd') {
    return fail('budget_exceeded', 'budget', 'The agent reached its cost limit.', false);
  }
  if (ctx.cancelRequested && r.terminal_reason !== 'api_error') {
    return fail('cancelled', 'cancelled', 'The run was cancelled.', false);
  }
  if (r.terminal_reason === 'api_error' || r.api_error_status !== null) {
    return classifyApiError(r.api_error_status, `${r.text}\n${r.errors.join('\n')}`, detail);
  }
  if (r.stop_reason === 'refusal') return fail('refused', 'refused', 'The model declined this request.', false);
  return fail('error', 'execution', detail || 'The agent stopped with an error.', true);
}

export function classifyApiError(status: number | null, haystack: string, message: string): Outcome {
  const text = message || `API error${status === null ? '' : ` ${status}`}`;
  if (status === 401 || status === 403) return fail('error', 'auth', text, false);
  if (status === 429) return fail('error', 'rate_limit', text, true);
  if (status === 529) return fail('error', 'overloaded', text, true);
  if (status !== null && status >= 500) return fail('error', 'api', text, true);
  if (status !== null && status >= 400) return fail('error', 'api', text, false);
  if (CONNECTION.test(haystack)) return fail('error', 'network', text, true);
  return fail('error', 'api', text, true);
}

/** Maps an exception thrown by the SDK iterator (or `query()` itself). */
export function classifyThrown(err: unknown, ctx: RunContext): Outcome {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'AbortError' || ctx.cancelRequested) {
    return fail('cancelled', 'cancelled', 'The run was cancelled.', false);
  }
  if (/native binary not found|executable not found|pathToClaudeCodeExecutable|spawn .* ENOENT/i.test(message)) {
    return fail('error', 'claude_code_missing', firstLine(message), false);
  }
  if (/process exited with code|exited with code \d+|terminated by signal/i.test(message)) {
    return fail('error', 'claude_code_crashed', firstLine(message), true);
  }
  return fail('error', 'internal', firstLine(message) || 'internal error', false);
}

function fail(status: RunStatus, category: RunError['category'], message: string, retryable: boolean): Outcome {
  return { status, error: { category, message, retryable } };
}

function firstLine(s: string): string {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
