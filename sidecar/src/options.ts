// SidecarConfig → SDK `Options` (§2.8).
//
// The mapping is one-to-one and typed against the pinned SDK's declarations,
// so an SDK upgrade that renames an option fails `tsc` here.

import type { CanUseTool, Options, SdkBeta } from '@anthropic-ai/claude-agent-sdk';
import { buildClaudeEnv } from './env.js';
import { PATH_TOOL_NAMES } from './policy.js';
import type { SidecarConfig } from './protocol.js';

export interface OptionDeps {
  abortController: AbortController;
  canUseTool: CanUseTool;
  /** Receives the Claude Code child's stderr; never written to stdout. */
  stderr: (data: string) => void;
  processEnv: NodeJS.ProcessEnv;
}

export function buildOptions(config: SidecarConfig, deps: OptionDeps): Options {
  const options: Options = {
    cwd: config.cwd,
    model: config.model,
    // `tools` is what limits the model; `allowedTools` only pre-approves.
    tools: config.tools,
    allowedTools: preApprovable(config.allowedTools),
    maxTurns: config.maxTurns,
    permissionMode: config.permissionMode,
    canUseTool: deps.canUseTool,
    // No filesystem settings at all, whatever the config asks: `.claude/settings.json` and
    // `settings.local.json` in the workspace are files a user (or a file command) can write,
    // and their hooks, `permissions.allow` rules and `env` would run commands and skip the
    // path policy. `[]` is the SDK's isolation mode; it also skips CLAUDE.md.
    settingSources: [],
    includePartialMessages: config.includePartialMessages,
    // The SDK persists by default; only refine needs it, for resume (§2.3).
    persistSession: config.persistSession ?? false,
    // The workspace rules and the agent's prompt travel here: no CLAUDE.md is loaded (§2.3).
    systemPrompt:
      config.systemPromptAppend !== undefined
        ? { type: 'preset', preset: 'claude_code', append: config.systemPromptAppend }
        : { type: 'preset', preset: 'claude_code' },
    abortController: deps.abortController,
    stderr: deps.stderr,
    env: buildClaudeEnv(deps.processEnv, config.extraEnv),
    // The CLI otherwise asks for a 31999-token thinking budget on every turn;
    // "thinking off" in the settings must really mean off.
    thinking:
      config.maxThinkingTokens !== undefined && config.maxThinkingTokens > 0
        ? { type: 'enabled', budgetTokens: config.maxThinkingTokens }
        : { type: 'disabled' },
  };
  if (config.pathToClaudeCodeExecutable !== undefined) {
    options.pathToClaudeCodeExecutable = config.pathToClaudeCodeExecutable;
  }
  if (config.agentName !== undefined) options.agent = config.agentName;
  if (config.resumeSdkSessionId !== undefined) options.resume = config.resumeSdkSessionId;
  if (config.maxBudgetUsd !== undefined) options.maxBudgetUsd = config.maxBudgetUsd;
  if (config.betas !== undefined && config.betas.length > 0) {
    // The SDK's `SdkBeta` union lists only the betas it knows about; the
    // CLI forwards any beta header, and models.rs owns the real list.
    options.betas = config.betas as SdkBeta[];
  }
  return options;
}

/**
 * Path-bearing tools are never pre-approved, even if a caller lists them:
 * a pre-approved tool would skip `canUseTool` and with it the path policy.
 */
function preApprovable(allowed: string[]): string[] {
  return allowed.filter((t) => !PATH_TOOL_NAMES.includes(t));
}
