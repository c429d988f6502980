// Sidecar wire protocol v1 (agents-and-workflow.md §2.2–§2.5).
//
// This file is the only place where wire shapes are declared. It will later be
// replaced by `protocol.gen.ts`, generated from the Rust types, so it holds
// types only (no logic) and uses exactly the spec's field names: snake_case on
// protocol lines, camelCase inside `config`.

export const PROTOCOL_VERSION = 1 as const;

// ---------------------------------------------------------------------------
// §2.3 SidecarConfig (camelCase, built by Rust)
// ---------------------------------------------------------------------------

export type AgentKind =
  | 'workflow_step'
  | 'validate'
  | 'gate'
  | 'refine'
  | 'test_with'
  | 'test_without'
  | 'test_eval'
  | 'feedback';

/** `bypassPermissions` is deliberately absent: it is rejected (§2.3). */
export type ConfigPermissionMode = 'default' | 'acceptEdits' | 'plan';

/** The only keys `extraEnv` may carry (§2.3). */
export type ExtraEnvKey =
  | 'CLAUDE_CODE_MAX_RETRIES'
  | 'CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK'
  | 'ANTHROPIC_BASE_URL';

export type MockScenario =
  | 'workflow.step0'
  | 'workflow.step2'
  | 'workflow.step4'
  | 'workflow.step5'
  | 'validate'
  | 'gate'
  | 'refine'
  | 'test.with'
  | 'test.without'
  | 'test.eval'
  | 'feedback';

/**
 * Fault injection for mock runs (§8.1). `crash_after:N`, `api_error:429|401|500`,
 * `hang`, `invalid_output`. `slow_ready` cannot be carried here because the
 * config arrives after `ready`; it is read from SKILL_BUILDER_MOCK_FAIL instead.
 */
export type MockFail = string;

export interface MockPaths {
  /** `SP/{skill}` */
  skillDir?: string;
  /** `SP/{skill}/context` */
  contextDir?: string;
  /** `WS/{skill}` */
  workspaceDir?: string;
}

export interface MockConfig {
  scenario?: MockScenario;
  paths?: MockPaths;
  /** Delay between emitted events; 40 ms in the app, 0 in tests. */
  delayMs?: number;
  /** Session turn budget; exceeding it ends the session as `exhausted`. */
  maxTurns?: number;
  fail?: MockFail;
}

export interface SidecarConfig {
  agentKind: AgentKind;
  label: string;
  prompt: string;
  agentName?: string;
  model: string;
  cwd: string;
  tools: string[];
  allowedTools: string[];
  readableRoots: string[];
  writablePaths: string[];
  maxTurns: number;
  maxThinkingTokens?: number;
  betas?: string[];
  permissionMode: ConfigPermissionMode;
  /** Required outside mock mode (§2.11). */
  pathToClaudeCodeExecutable?: string;
  settingSources: string[];
  includePartialMessages: boolean;
  persistSession?: boolean;
  resumeSdkSessionId?: string;
  maxBudgetUsd?: number;
  extraEnv?: Partial<Record<ExtraEnvKey, string>>;
  mock?: MockConfig;
}

// ---------------------------------------------------------------------------
// §2.2 Rust → sidecar
// ---------------------------------------------------------------------------

export interface RunRequest {
  v: 1;
  type: 'run';
  run_id: string;
  config: SidecarConfig;
}

export interface SessionStartRequest {
  v: 1;
  type: 'session_start';
  run_id: string;
  session_id: string;
  config: SidecarConfig;
}

export interface SessionSendRequest {
  v: 1;
  type: 'session_send';
  run_id: string;
  session_id: string;
  text: string;
}

export interface SessionEndRequest {
  v: 1;
  type: 'session_end';
  session_id: string;
}

export interface CancelRequest {
  v: 1;
  type: 'cancel';
  run_id: string;
}

export interface PingRequest {
  v: 1;
  type: 'ping';
  nonce: number;
}

export interface ShutdownRequest {
  v: 1;
  type: 'shutdown';
  grace_ms: number;
}

export type InboundLine =
  | RunRequest
  | SessionStartRequest
  | SessionSendRequest
  | SessionEndRequest
  | CancelRequest
  | PingRequest
  | ShutdownRequest;

// ---------------------------------------------------------------------------
// §2.6 Status and error categories
// ---------------------------------------------------------------------------

export type RunStatus =
  | 'success'
  | 'max_turns'
  | 'budget_exceeded'
  | 'cancelled'
  | 'error'
  | 'refused';

export type ErrorCategory =
  // run outcomes (§2.6)
  | 'budget'
  | 'cancelled'
  | 'refused'
  | 'execution'
  | 'auth'
  | 'rate_limit'
  | 'overloaded'
  | 'api'
  | 'network'
  | 'claude_code_missing'
  | 'claude_code_crashed'
  | 'internal'
  // request rejections (§2.2, "Error replies")
  | 'invalid_request'
  | 'duplicate_run'
  | 'duplicate_session'
  | 'unknown_session'
  | 'session_busy'
  | 'session_closed';

export interface RunError {
  category: ErrorCategory;
  message: string;
  retryable: boolean;
}

// ---------------------------------------------------------------------------
// §2.5 Normalised items
// ---------------------------------------------------------------------------

export interface TextItem {
  kind: 'text';
  message_id: string;
  text: string;
  parent_tool_use_id: string | null;
}

export interface ThinkingItem {
  kind: 'thinking';
  message_id: string;
  text: string;
  redacted: boolean;
  /** Additive: set for output of a delegated agent. */
  parent_tool_use_id?: string | null;
}

export interface TruncatedInput {
  _truncated: true;
  preview: string;
}

export interface ToolUseItem {
  kind: 'tool_use';
  message_id: string;
  tool_use_id: string;
  name: string;
  input: unknown | TruncatedInput;
  parent_tool_use_id: string | null;
}

export interface ToolResultItem {
  kind: 'tool_result';
  tool_use_id: string;
  is_error: boolean;
  text: string;
  truncated: boolean;
  file_path?: string;
  /** Additive: set for output of a delegated agent. */
  parent_tool_use_id?: string | null;
}

export interface UserTextItem {
  kind: 'user_text';
  text: string;
}

export interface SystemInitItem {
  kind: 'system_init';
  sdk_session_id: string;
  model: string;
  cwd: string;
  tools: string[];
  permission_mode: string;
  claude_code_version: string;
}

export interface CompactionItem {
  kind: 'compaction';
  trigger: string;
  pre_tokens: number;
}

export interface PermissionDeniedItem {
  kind: 'permission_denied';
  tool: string;
  path?: string;
  reason: string;
}

export interface UsageSnapshotItem {
  kind: 'usage_snapshot';
  message_id: string;
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type NoticeLevel = 'debug' | 'info' | 'warn' | 'error';

export interface NoticeItem {
  kind: 'notice';
  level: NoticeLevel;
  text: string;
}

export type Item =
  | TextItem
  | ThinkingItem
  | ToolUseItem
  | ToolResultItem
  | UserTextItem
  | SystemInitItem
  | CompactionItem
  | PermissionDeniedItem
  | UsageSnapshotItem
  | NoticeItem;

// ---------------------------------------------------------------------------
// §2.4 Sidecar → Rust
// ---------------------------------------------------------------------------

export interface ReadyLine {
  v: 1;
  type: 'ready';
  protocol: 1;
  sidecar_version: string;
  sdk_version: string;
  node_version: string;
  mock: boolean;
}

export type ProgressStage =
  | 'loading_sdk'
  | 'starting_claude'
  | 'initialized'
  | 'api_retry'
  | 'compacting'
  | 'cancelling'
  | 'waiting_for_input';

export interface ApiRetryDetail {
  attempt: number;
  max_retries: number;
  retry_delay_ms: number;
  error_status: number | null;
  error: string;
}

export interface ProgressLine {
  v: 1;
  type: 'progress';
  run_id: string;
  ts: string;
  stage: ProgressStage;
  detail: ApiRetryDetail | Record<string, unknown> | null;
}

export interface MessageLine {
  v: 1;
  type: 'message';
  run_id: string;
  seq: number;
  ts: string;
  items: Item[];
  /** The raw SDK message, or `{_omitted_bytes}` when over 8 MiB. */
  sdk: unknown;
}

export interface DeltaLine {
  v: 1;
  type: 'delta';
  run_id: string;
  seq: number;
  message_id: string;
  index: number;
  block: 'text' | 'thinking';
  text: string;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface ModelUsageEntry extends Usage {
  model: string;
  cost_usd: number;
  context_window: number;
  max_output_tokens: number;
}

export interface ResultLine {
  v: 1;
  type: 'result';
  run_id: string;
  status: RunStatus;
  synthetic: boolean;
  sdk_subtype: string | null;
  is_error: boolean;
  terminal_reason: string | null;
  stop_reason: string | null;
  api_error_status: number | null;
  text: string;
  errors: string[];
  num_turns: number;
  duration_ms: number;
  duration_api_ms: number;
  cost_usd: number;
  cumulative_cost_usd: number;
  usage: Usage;
  model_usage: ModelUsageEntry[];
  sdk_session_id: string | null;
  permission_denials: number;
  compactions: number;
  tool_uses: number;
  error: RunError | null;
}

export interface ErrorLine {
  v: 1;
  type: 'error';
  run_id?: string;
  category: ErrorCategory;
  message: string;
  retryable: boolean;
  detail?: unknown;
}

export type SessionEndReason = 'closed' | 'exhausted' | 'error';

export interface SessionEndedLine {
  v: 1;
  type: 'session_ended';
  session_id: string;
  reason: SessionEndReason;
}

export interface PongLine {
  v: 1;
  type: 'pong';
  nonce: number;
}

export type ExitReason = 'shutdown' | 'stdin_closed' | 'signal' | 'fatal';

export interface ExitedLine {
  v: 1;
  type: 'exited';
  code: number;
  reason: ExitReason;
}

export type OutboundLine =
  | ReadyLine
  | ProgressLine
  | MessageLine
  | DeltaLine
  | ResultLine
  | ErrorLine
  | SessionEndedLine
  | PongLine
  | ExitedLine;
