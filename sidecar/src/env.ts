// The Claude Code child's environment (§2.9).
//
// `options.env` REPLACES the child's environment. Rust decides what that
// environment is: it starts Node with a cleared environment plus its one
// allow-list (src/actors/sidecar/env.rs), so the sidecar passes that on as it
// is rather than keeping a second list that could disagree with it. Only the
// sidecar's own switches (`SKILL_BUILDER_*`) stay behind, and the config's
// allow-listed `extraEnv` keys are applied on top.

import type { ExtraEnvKey } from './protocol.js';

/** The sidecar's own switches (mock mode, debug logging); not Claude Code's business. */
const OWN_PREFIX = 'SKILL_BUILDER_';

export const EXTRA_ENV_KEYS: readonly ExtraEnvKey[] = [
  'CLAUDE_CODE_MAX_RETRIES',
  'CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK',
  'ANTHROPIC_BASE_URL',
];

export function buildClaudeEnv(
  source: NodeJS.ProcessEnv,
  extraEnv: Partial<Record<ExtraEnvKey, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && !key.startsWith(OWN_PREFIX)) env[key] = value;
  }
  for (const key of EXTRA_ENV_KEYS) {
    const value = extraEnv[key];
    if (typeof value === 'string') env[key] = value;
  }
  return env;
}
