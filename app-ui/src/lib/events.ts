import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AgentKind, AgentState, ReconciliationReport, RunOutcome, Value } from "../bindings";

/**
 * The backend's events (src/events.rs `AppEvent`, agents-and-workflow.md §4.1).
 * bindings.ts does not export events yet, so their payloads are typed here, by hand, from the Rust
 * enum; this file is the one place to switch to tauri-specta's `events` when they are generated.
 */
export type BackendEvent =
  | { event: "settings-changed" }
  | { event: "backend-degraded"; payload: { actor: string; reason: string; restarted: boolean } }
  | { event: "locks-changed"; payload: { skillName: string } }
  | { event: "skills-changed"; payload: { skillName: string } }
  | { event: "reconciliation-finished"; payload: ReconciliationReport }
  | { event: "skills-path-migration"; payload: { phase: string; filesDone: number; filesTotal: number } }
  | { event: "agent-state"; payload: AgentStateEvent }
  | { event: "agent-run-started"; payload: AgentRunStartedEvent }
  | { event: "agent-progress"; payload: { agentId: string; runId: string; stage: string; detail: Value } }
  | { event: "agent-message"; payload: AgentMessageEvent }
  | { event: "agent-delta"; payload: AgentDeltaEvent }
  | { event: "agent-exit"; payload: AgentExitEvent }
  | { event: "workflow-changed"; payload: { skillName: string; step: number | null; notice: string | null } }
  | { event: "gate-result"; payload: GateResultEvent };

/** A gate finished: the canonical evaluation, or why it could not be made (§5.6). */
export type GateResultEvent = { skillName: string; gate: number; evaluation: Value | null; error: string | null };

export type AgentStateEvent = {
  agentId: string;
  skillName: string | null;
  kind: AgentKind;
  state: AgentState;
  reason: string | null;
  exitCode: number | null;
  stderrTail: string[];
};
export type AgentRunStartedEvent = {
  agentId: string;
  runId: string;
  skillName: string | null;
  kind: AgentKind;
  label: string;
  model: string;
  startedAt: string;
  transcriptPath: string | null;
};
export type AgentMessageEvent = { agentId: string; runId: string; seq: number; items: Value[]; gap: boolean };
export type AgentDeltaEvent = { agentId: string; runId: string; messageId: string; index: number; block: string; text: string };
export type RunError = {
  category: string;
  message: string;
  retryable: boolean;
  exitCode: number | null;
  signal: number | null;
  stderrTail: string[];
  forced: boolean;
};
export type AgentExitEvent = { agentId: string; runId: string; outcome: RunOutcome; error: RunError | null; summary: Value | null };

export type BackendEventName = BackendEvent["event"];

export const BACKEND_EVENTS: readonly BackendEventName[] = [
  "settings-changed",
  "backend-degraded",
  "locks-changed",
  "skills-changed",
  "reconciliation-finished",
  "skills-path-migration",
  "agent-state",
  "agent-run-started",
  "agent-progress",
  "agent-message",
  "agent-delta",
  "agent-exit",
  "workflow-changed",
  "gate-result",
];

/**
 * Rust emits the whole tagged enum (`{event, payload}`) under the event's name; a generated typed
 * event would send the payload alone. Accept both, so the switch to generated events is local.
 */
export function toBackendEvent(name: BackendEventName, raw: unknown): BackendEvent {
  if (typeof raw === "object" && raw !== null && (raw as { event?: unknown }).event === name) {
    return raw as BackendEvent;
  }
  return (raw === null || raw === undefined ? { event: name } : { event: name, payload: raw }) as BackendEvent;
}

/** Subscribes to every backend event; resolves to one function that unsubscribes them all. */
export async function listenBackend(handler: (event: BackendEvent) => void): Promise<UnlistenFn> {
  const unlisteners = await Promise.all(
    BACKEND_EVENTS.map((name) => listen<unknown>(name, (event) => handler(toBackendEvent(name, event.payload)))),
  );
  return () => unlisteners.forEach((unlisten) => unlisten());
}
