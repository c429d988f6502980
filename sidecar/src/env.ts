// The Claude Code child's environment (§2.9).
//
// `options.env` REPLACES the child's environment, so it is built here from an
// explicit allow-list. Rust already starts Node with `env_clear()` plus the
// same list; copying explicitly keeps us safe if Node is started any other way.

import type { ExtraEnvKey } from './protocol.js';

/** Copied from our own environment when present. */
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'CLAUDE_CONFIG_DIR',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'CLAUDE_CODE_MAX_RETRIES',
  'CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'http_proxy',
  'https_proxy',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'TEMP',
  'TMP',
  // Windows
  'SYSTEMROOT',
  'SystemRoot',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'COMSPEC',
  'ComSpec',
  'CLAUDE_CODE_GIT_BASH_PATH',
] as const;

/** Always set: they remove every request except the model turns (guide §3). */
const FIXED: Record<string, string> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_BUG_COMMAND: '1',
  DISABLE_NON_ESSENTIAL_MODEL_CALLS: '1',
};

/** The default of 10 retries takes about 186 s to give up on a persistent 500. */
const DEFAULT_MAX_RETRIES = '6';

const LOOPBACK = ['127.0.0.1', 'localhost'];

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
  for (const key of PASS_THROUGH) {
    const value = source[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  env.CLAUDE_CODE_MAX_RETRIES ??= DEFAULT_MAX_RETRIES;
  Object.assign(env, FIXED);
  for (const key of EXTRA_ENV_KEYS) {
    const value = extraEnv[key];
    if (typeof value === 'string') env[key] = value;
  }
  env.NO_PROXY = mergeNoProxy(source.NO_PROXY ?? source.no_proxy);
  // Never set: only needed for bypassPermissions as root, which we reject.
  delete env.IS_SANDBOX;
  return env;
}

function mergeNoProxy(existing: string | undefined): string {
  const parts = (existing ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const host of LOOPBACK) if (!parts.includes(host)) parts.push(host);
  return parts.join(',');
}
