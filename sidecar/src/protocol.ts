// Sidecar wire protocol v1 (agents-and-workflow.md §2.2–§2.5).
//
// The shapes are generated from the Rust types (src/protocol/sidecar.rs) into
// `protocol.gen.ts`; a Rust test fails when that file drifts. This file only
// adds what the generator cannot say: the `"v":1` every line carries, names for
// the variants the code uses, and, for lines we write, that every field Rust
// would default is in fact always sent (`Required`). Incoming lines are checked
// at runtime against `protocol.schema.ts`, which is type-checked against these.

import type {
  SidecarLine,
  SidecarRequest,
  Item,
  PermissionMode,
  ResultLine as ResultFields,
  WireModelUsage,
  WireRunError,
  WireUsage,
} from './protocol.gen.js';

export type * from './protocol.gen.js';

export const PROTOCOL_VERSION = 1 as const;

type Versioned<T> = T extends unknown ? T & { v: 1 } : never;
type Line<T extends SidecarLine['type']> = Versioned<Extract<SidecarLine, { type: T }>>;

// ---------------------------------------------------------------------------
// Rust → sidecar (§2.2, §2.3)
// ---------------------------------------------------------------------------

export type InboundLine = Versioned<SidecarRequest>;
/** `bypassPermissions` is deliberately absent: it is rejected (§2.3). */
export type ConfigPermissionMode = PermissionMode;

// ---------------------------------------------------------------------------
// Sidecar → Rust (§2.4–§2.6)
// ---------------------------------------------------------------------------

export type Usage = Required<WireUsage>;
export type ModelUsageEntry = Required<WireModelUsage>;
export type RunError = Required<WireRunError>;

export type ResultLine = { v: 1; type: 'result' } & Required<
  Omit<ResultFields, 'usage' | 'model_usage' | 'error'>
> & { usage: Usage; model_usage: ModelUsageEntry[]; error: RunError | null };

export type ReadyLine = Line<'ready'>;
export type ProgressLine = Line<'progress'>;
export type MessageLine = Line<'message'>;
export type DeltaLine = Line<'delta'>;
export type ErrorLine = Line<'error'>;
export type SessionEndedLine = Line<'session_ended'>;
export type PongLine = Line<'pong'>;
export type ExitedLine = Line<'exited'>;

export type OutboundLine = Versioned<Exclude<SidecarLine, { type: 'result' }>> | ResultLine;

export type NoticeItem = Extract<Item, { kind: 'notice' }>;
