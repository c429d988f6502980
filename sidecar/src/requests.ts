// Decoding and validation of Rust → sidecar lines (§2.2, §2.3).
//
// Rust validates too (§2.7); checking again here means a bad line is answered
// with an `error` line instead of crashing the sidecar or reaching the SDK.
// The shapes are the zod schemas of protocol.schema.ts, which tsc holds to the
// types generated from Rust.

import type { ErrorCategory, InboundLine, SidecarConfig } from './protocol.js';
import { describeIssues, sidecarConfig, sidecarRequest } from './protocol.schema.js';

export { MAX_GRACE_MS, MAX_PROMPT_BYTES, MAX_TURN_TEXT_BYTES } from './protocol.schema.js';

export interface Rejection {
  category: ErrorCategory;
  message: string;
  run_id?: string;
  detail?: unknown;
}

export type Decoded = { ok: true; line: InboundLine } | { ok: false; rejection: Rejection };

// ---------------------------------------------------------------------------
// Secret detection: the API key only ever comes from the process environment.
// ---------------------------------------------------------------------------

const SECRET_KEYS = new Set([
  'apikey',
  'xapikey',
  'token',
  'accesstoken',
  'authtoken',
  'refreshtoken',
  'idtoken',
  'bearertoken',
  'oauthtoken',
  'sessiontoken',
  'secret',
  'clientsecret',
  'password',
  'passwd',
  'authorization',
  'credential',
  'credentials',
  'privatekey',
]);
const SECRET_SUFFIXES = ['apikey', 'secret', 'password', 'accesstoken', 'authtoken', 'privatekey'];

export function looksLikeSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/** Returns the JSON path of the first secret-looking key, if any. */
export function findSecretKey(value: unknown, at = ''): string | null {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = findSecretKey(v, `${at}/${i}`);
      if (hit) return hit;
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (looksLikeSecretKey(k)) return `${at}/${k}`;
      const hit = findSecretKey(v, `${at}/${k}`);
      if (hit) return hit;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------

export function decodeLine(text: string, mockEnv: boolean): Decoded {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return reject('invalid_request', 'line is not valid JSON', undefined, {
      reason: 'bad_json',
      preview: text.slice(0, 200),
    });
  }
  if (!isObject(raw)) return reject('invalid_request', 'line is not a JSON object', undefined, { reason: 'not_object' });
  const runId = typeof raw.run_id === 'string' ? raw.run_id : undefined;
  if (raw.v !== 1) {
    return reject('invalid_request', `unsupported protocol version ${JSON.stringify(raw.v)}`, runId, {
      reason: 'bad_version',
    });
  }
  const secret = findSecretKey(raw);
  if (secret) {
    // Never echo the value; the path is enough to fix the caller.
    return reject('invalid_request', `secret-looking key ${secret} is not allowed`, runId, {
      reason: 'secret_key',
      path: secret,
    });
  }
  if (!sidecarRequest.options.some((o) => o.shape.type.value === raw.type)) {
    return reject('invalid_request', `unknown message type ${JSON.stringify(raw.type)}`, runId, {
      reason: 'unknown_type',
    });
  }
  const parsed = sidecarRequest.safeParse(raw);
  if (!parsed.success) {
    return reject('invalid_request', `${String(raw.type)}: ${describeIssues(parsed.error)}`, runId, {
      reason: 'bad_shape',
    });
  }
  const line: InboundLine = { ...parsed.data, v: 1 };
  if (line.type === 'run' || line.type === 'session_start') {
    const problem = needsBinary(line.config, mockEnv);
    if (problem) return reject('invalid_request', `config: ${problem}`, runId, { reason: 'bad_config' });
  }
  return { ok: true, line };
}

// ---------------------------------------------------------------------------
// SidecarConfig
// ---------------------------------------------------------------------------

/** Returns a problem description, or null when the config is usable. */
export function validateConfig(value: unknown, mockEnv: boolean): string | null {
  const parsed = sidecarConfig.safeParse(value);
  if (!parsed.success) return describeIssues(parsed.error);
  return needsBinary(parsed.data, mockEnv);
}

/** Outside mock mode the Claude Code binary is required (§2.11). */
function needsBinary(config: SidecarConfig, mockEnv: boolean): string | null {
  if (config.pathToClaudeCodeExecutable === undefined && !isMockConfig(config, mockEnv)) {
    return 'pathToClaudeCodeExecutable must be an absolute path';
  }
  return null;
}

export function isMockConfig(config: SidecarConfig, mockEnv: boolean): boolean {
  return config.mock !== undefined || mockEnv;
}

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

function reject(category: ErrorCategory, message: string, run_id?: string, detail?: unknown): Decoded {
  const rejection: Rejection = { category, message };
  if (run_id !== undefined) rejection.run_id = run_id;
  if (detail !== undefined) rejection.detail = detail;
  return { ok: false, rejection };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
