// Runtime validation of Rust → sidecar lines (§2.2, §2.3) with zod.
//
// The shapes come from the generated types: the `Same<…>` checks at the end
// fail `tsc` when a schema and `protocol.gen.ts` disagree in either direction,
// so a field added in Rust cannot be forgotten here. The rules a type cannot
// state (absolute paths, sizes, ranges) live here too. Unknown keys are
// dropped, as additive protocol changes require (§2.1).

import path from 'node:path';
import { z } from 'zod';
import type {
  AgentKind,
  ExtraEnvKey,
  MockConfig,
  MockPaths,
  MockScenario,
  PermissionMode,
  SidecarConfig,
  SidecarRequest,
} from './protocol.gen.js';

export const MAX_PROMPT_BYTES = 1024 * 1024;
export const MAX_TURN_TEXT_BYTES = 1024 * 1024;
export const MAX_GRACE_MS = 10_000;
/** `user` would load ~/.claude, which the app must never see (§2.3). */
export const SETTING_SOURCES = ['project', 'local'] as const;

const AGENT_KINDS = [
  'workflow_step',
  'validate',
  'gate',
  'refine',
  'test_with',
  'test_without',
  'test_eval',
  'feedback',
] as const satisfies readonly AgentKind[];
const PERMISSION_MODES = ['default', 'acceptEdits', 'plan'] as const satisfies readonly PermissionMode[];
export const EXTRA_ENV_KEY_LIST = [
  'CLAUDE_CODE_MAX_RETRIES',
  'CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK',
  'ANTHROPIC_BASE_URL',
] as const satisfies readonly ExtraEnvKey[];
const MOCK_SCENARIOS = [
  'workflow.step0',
  'workflow.step2',
  'workflow.step4',
  'workflow.step5',
  'validate',
  'gate',
  'refine',
  'test.with',
  'test.without',
  'test.eval',
  'feedback',
] as const satisfies readonly MockScenario[];

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const nonEmpty = z.string().min(1, 'must be a non-empty string');
const absolutePath = z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path');
const u32 = z.number().int().min(0).max(2 ** 32 - 1);

const mockPaths = z.object({
  skillDir: z.string().optional(),
  contextDir: z.string().optional(),
  workspaceDir: z.string().optional(),
});

const mockConfig = z.object({
  scenario: z.enum(MOCK_SCENARIOS).optional(),
  delayMs: u32.optional(),
  maxTurns: u32.optional(),
  fail: z.string().optional(),
  paths: mockPaths.optional(),
});

export const sidecarConfig = z.object({
  agentKind: z.enum(AGENT_KINDS),
  label: nonEmpty,
  prompt: nonEmpty.refine((p) => bytes(p) <= MAX_PROMPT_BYTES, 'is over 1 MiB'),
  agentName: z.string().optional(),
  model: nonEmpty,
  cwd: absolutePath,
  tools: z.array(z.string()),
  allowedTools: z.array(z.string()),
  readableRoots: z.array(absolutePath),
  writablePaths: z.array(absolutePath),
  maxTurns: z.number().int().min(1, 'must be 1–500').max(500, 'must be 1–500'),
  maxThinkingTokens: u32.optional(),
  betas: z.array(z.string()).optional(),
  permissionMode: z.enum(PERMISSION_MODES, {
    // It fails as root and would skip our path policy (§2.3).
    error: (issue) =>
      issue.input === 'bypassPermissions'
        ? 'bypassPermissions is not allowed'
        : `must be one of ${PERMISSION_MODES.join(', ')}`,
  }),
  pathToClaudeCodeExecutable: absolutePath.optional(),
  settingSources: z.array(
    z.string().refine((s) => (SETTING_SOURCES as readonly string[]).includes(s), {
      message: `may contain only ${SETTING_SOURCES.join(', ')}`,
    }),
  ),
  includePartialMessages: z.boolean(),
  persistSession: z.boolean().optional(),
  resumeSdkSessionId: nonEmpty.optional(),
  maxBudgetUsd: z.number().positive().optional(),
  systemPromptAppend: z.string().max(1_000_000).optional(),
  extraEnv: z.partialRecord(z.enum(EXTRA_ENV_KEY_LIST), z.string()).optional(),
  mock: mockConfig.optional(),
});

const runRequest = z.object({ type: z.literal('run'), run_id: nonEmpty, config: sidecarConfig });
const sessionStartRequest = z.object({
  type: z.literal('session_start'),
  run_id: nonEmpty,
  session_id: nonEmpty,
  config: sidecarConfig,
});
const sessionSendRequest = z.object({
  type: z.literal('session_send'),
  run_id: nonEmpty,
  session_id: nonEmpty,
  text: z.string().refine((t) => bytes(t) >= 1 && bytes(t) <= MAX_TURN_TEXT_BYTES, 'must be 1 B–1 MiB'),
});
const sessionEndRequest = z.object({ type: z.literal('session_end'), session_id: nonEmpty });
const cancelRequest = z.object({ type: z.literal('cancel'), run_id: nonEmpty });
const pingRequest = z.object({ type: z.literal('ping'), nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
const shutdownRequest = z.object({
  type: z.literal('shutdown'),
  grace_ms: z
    .number()
    .min(0)
    .default(3000)
    .transform((g) => Math.min(g, MAX_GRACE_MS)),
});

/** Every Rust → sidecar line, without `v` (checked before). */
export const sidecarRequest = z.discriminatedUnion('type', [
  runRequest,
  sessionStartRequest,
  sessionSendRequest,
  sessionEndRequest,
  cancelRequest,
  pingRequest,
  shutdownRequest,
]);

/** One readable sentence per zod issue: `config.maxTurns: must be 1–500`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') return `${at} key ${issue.keys.join(', ')} is not allowed`;
      return at ? `${at}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

// ---------------------------------------------------------------------------
// The schemas accept exactly the generated types (checked by tsc).
// ---------------------------------------------------------------------------

/** Mutually assignable and with the same keys, so a missing optional field counts too. */
type Same<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
function same<T extends true>(): T | undefined {
  return undefined;
}
same<Same<z.infer<typeof mockPaths>, MockPaths>>();
same<Same<z.infer<typeof mockConfig>, MockConfig>>();
same<Same<z.infer<typeof sidecarConfig>, SidecarConfig>>();
same<Same<z.infer<typeof sidecarRequest>, SidecarRequest>>();
