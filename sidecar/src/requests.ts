// Decoding and validation of Rust → sidecar lines (§2.2, §2.3).
//
// Rust validates too (§2.7); checking again here means a bad line is answered
// with an `error` line instead of crashing the sidecar or reaching the SDK.

import path from 'node:path';
import { EXTRA_ENV_KEYS } from './env.js';
import type {
  AgentKind,
  ConfigPermissionMode,
  ErrorCategory,
  InboundLine,
  SidecarConfig,
} from './protocol.js';

export const MAX_PROMPT_BYTES = 1024 * 1024;
export const MAX_TURN_TEXT_BYTES = 1024 * 1024;
export const MAX_GRACE_MS = 10_000;

export interface Rejection {
  category: ErrorCategory;
  message: string;
  run_id?: string;
  detail?: unknown;
}

export type Decoded = { ok: true; line: InboundLine } | { ok: false; rejection: Rejection };

const AGENT_KINDS: readonly AgentKind[] = [
  'workflow_step',
  'validate',
  'gate',
  'refine',
  'test_with',
  'test_without',
  'test_eval',
  'feedback',
];
const PERMISSION_MODES: readonly ConfigPermissionMode[] = ['default', 'acceptEdits', 'plan'];
/** `user` would load ~/.claude, which the app must never see (§2.3). */
const SETTING_SOURCES = ['project', 'local'];

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
  switch (raw.type) {
    case 'run':
    case 'session_start':
      return decodeStart(raw, mockEnv);
    case 'session_send': {
      const bad =
        needString(raw, 'run_id') ?? needString(raw, 'session_id') ?? needString(raw, 'text');
      if (bad) return reject('invalid_request', bad, runId);
      const bytes = Buffer.byteLength(raw.text as string, 'utf8');
      if (bytes < 1 || bytes > MAX_TURN_TEXT_BYTES) {
        return reject('invalid_request', `text must be 1 B–1 MiB, got ${bytes} B`, runId);
      }
      return ok(raw);
    }
    case 'session_end': {
      const bad = needString(raw, 'session_id');
      return bad ? reject('invalid_request', bad) : ok(raw);
    }
    case 'cancel': {
      const bad = needString(raw, 'run_id');
      return bad ? reject('invalid_request', bad) : ok(raw);
    }
    case 'ping':
      return Number.isSafeInteger(raw.nonce) && (raw.nonce as number) >= 0
        ? ok(raw)
        : reject('invalid_request', 'ping.nonce must be a non-negative integer');
    case 'shutdown': {
      const grace = raw.grace_ms ?? 3000;
      if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0) {
        return reject('invalid_request', 'shutdown.grace_ms must be a non-negative number');
      }
      return ok({ ...raw, grace_ms: Math.min(grace, MAX_GRACE_MS) });
    }
    default:
      return reject('invalid_request', `unknown message type ${JSON.stringify(raw.type)}`, runId, {
        reason: 'unknown_type',
      });
  }
}

function decodeStart(raw: Record<string, unknown>, mockEnv: boolean): Decoded {
  const runId = typeof raw.run_id === 'string' ? raw.run_id : undefined;
  const bad =
    needString(raw, 'run_id') ?? (raw.type === 'session_start' ? needString(raw, 'session_id') : null);
  if (bad) return reject('invalid_request', bad, runId);
  const problem = validateConfig(raw.config, mockEnv);
  if (problem) return reject('invalid_request', `config: ${problem}`, runId, { reason: 'bad_config' });
  return ok(raw);
}

// ---------------------------------------------------------------------------
// SidecarConfig
// ---------------------------------------------------------------------------

/** Returns a problem description, or null when the config is usable. */
export function validateConfig(value: unknown, mockEnv: boolean): string | null {
  if (!isObject(value)) return 'config must be an object';
  const c = value;
  const mock = c.mock !== undefined || mockEnv;

  if (!AGENT_KINDS.includes(c.agentKind as AgentKind)) return `agentKind must be one of ${AGENT_KINDS.join(', ')}`;
  for (const key of ['label', 'prompt', 'model'] as const) {
    if (typeof c[key] !== 'string' || c[key] === '') return `${key} must be a non-empty string`;
  }
  if (Buffer.byteLength(c.prompt as string, 'utf8') > MAX_PROMPT_BYTES) return 'prompt is over 1 MiB';
  if (!isAbsolutePath(c.cwd)) return 'cwd must be an absolute path';
  for (const key of ['tools', 'allowedTools'] as const) {
    if (!isStringArray(c[key])) return `${key} must be an array of strings`;
  }
  for (const key of ['readableRoots', 'writablePaths'] as const) {
    const list = c[key];
    if (!Array.isArray(list) || !list.every(isAbsolutePath)) return `${key} must be an array of absolute paths`;
  }
  if (!isIntIn(c.maxTurns, 1, 500)) return 'maxTurns must be an integer in 1–500';
  if (c.maxThinkingTokens !== undefined && !isIntIn(c.maxThinkingTokens, 0, 2 ** 32 - 1)) {
    return 'maxThinkingTokens must be a u32';
  }
  if (c.betas !== undefined && !isStringArray(c.betas)) return 'betas must be an array of strings';
  if (c.permissionMode === 'bypassPermissions') {
    // It fails as root and would skip our path policy (§2.3).
    return 'permissionMode bypassPermissions is not allowed';
  }
  if (!PERMISSION_MODES.includes(c.permissionMode as ConfigPermissionMode)) {
    return `permissionMode must be one of ${PERMISSION_MODES.join(', ')}`;
  }
  if (c.pathToClaudeCodeExecutable !== undefined || !mock) {
    if (!isAbsolutePath(c.pathToClaudeCodeExecutable)) return 'pathToClaudeCodeExecutable must be an absolute path';
  }
  if (!isStringArray(c.settingSources) || !c.settingSources.every((s) => SETTING_SOURCES.includes(s))) {
    return `settingSources may contain only ${SETTING_SOURCES.join(', ')}`;
  }
  if (typeof c.includePartialMessages !== 'boolean') return 'includePartialMessages must be a boolean';
  if (c.persistSession !== undefined && typeof c.persistSession !== 'boolean') return 'persistSession must be a boolean';
  if (c.resumeSdkSessionId !== undefined && (typeof c.resumeSdkSessionId !== 'string' || c.resumeSdkSessionId === '')) {
    return 'resumeSdkSessionId must be a non-empty string';
  }
  if (c.maxBudgetUsd !== undefined && !(typeof c.maxBudgetUsd === 'number' && c.maxBudgetUsd > 0)) {
    return 'maxBudgetUsd must be a positive number';
  }
  if (c.extraEnv !== undefined) {
    if (!isObject(c.extraEnv)) return 'extraEnv must be an object';
    for (const [k, v] of Object.entries(c.extraEnv)) {
      if (!(EXTRA_ENV_KEYS as readonly string[]).includes(k)) return `extraEnv key ${k} is not allowed`;
      if (typeof v !== 'string') return `extraEnv.${k} must be a string`;
    }
  }
  if (c.mock !== undefined && !isObject(c.mock)) return 'mock must be an object';
  return null;
}

export function isMockConfig(config: SidecarConfig, mockEnv: boolean): boolean {
  return config.mock !== undefined || mockEnv;
}

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

function ok(raw: Record<string, unknown>): Decoded {
  // The shape was checked field by field above; the cast records that.
  return { ok: true, line: raw as unknown as InboundLine };
}

function reject(category: ErrorCategory, message: string, run_id?: string, detail?: unknown): Decoded {
  const rejection: Rejection = { category, message };
  if (run_id !== undefined) rejection.run_id = run_id;
  if (detail !== undefined) rejection.detail = detail;
  return { ok: false, rejection };
}

function needString(raw: Record<string, unknown>, key: string): string | null {
  const v = raw[key];
  return typeof v === 'string' && v !== '' ? null : `${String(raw.type)}.${key} must be a non-empty string`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isAbsolutePath(v: unknown): v is string {
  return typeof v === 'string' && path.isAbsolute(v);
}

function isIntIn(v: unknown, min: number, max: number): boolean {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}
