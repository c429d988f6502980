import { create } from "zustand";
import type { AgentInfo, AgentKind, AgentSnapshot, AgentState, RunOutcome, Value } from "../bindings";
import type { BackendEvent, RunError } from "../lib/events";

/** A run keeps at most this many items, like the backend's RunLog (agents-and-workflow.md §4.4). */
export const MAX_ITEMS_PER_RUN = 5000;

export type RunItem = { seq: number; item: Value };

/** Streaming text of one content block, folded from `agent-delta`s until its item arrives. */
export type StreamingBlock = { messageId: string; index: number; block: string; text: string };

export type RunView = {
  runId: string;
  agentId: string;
  skillName: string | null;
  kind: AgentKind | null;
  label: string;
  model: string;
  startedAt: string;
  items: RunItem[];
  /** Streaming text per `messageId:index`, folded from `agent-delta`s until its item arrives. */
  deltas: Record<string, StreamingBlock>;
  lastSeq: number;
  progress: string | null;
  outcome: RunOutcome | null;
  error: RunError | null;
  summary: Value | null;
  /** Deltas were dropped before a message: the view should be rebuilt from a snapshot. */
  gap: boolean;
  /** The snapshot held only the latest items; the earlier ones are in the transcript. */
  truncatedBefore: boolean;
};

export type AgentView = { agentId: string; skillName: string | null; kind: AgentKind | null; state: AgentState; reason: string | null };

type AgentRunsState = {
  runs: Record<string, RunView>;
  agents: Record<string, AgentView>;
  /** Applies a batch of events in order (the event bridge batches them per animation frame). */
  apply: (events: BackendEvent[]) => void;
  /** Replaces what we know of an agent's runs with its snapshot; later events with a higher `seq` follow. */
  applySnapshot: (snapshot: AgentSnapshot, info?: AgentInfo) => void;
  reset: () => void;
};

function emptyRun(agentId: string, runId: string): RunView {
  return {
    runId,
    agentId,
    skillName: null,
    kind: null,
    label: "",
    model: "",
    startedAt: "",
    items: [],
    deltas: {},
    lastSeq: -1,
    progress: null,
    outcome: null,
    error: null,
    summary: null,
    gap: false,
    truncatedBefore: false,
  };
}

function progressText(stage: string, detail: Value): string {
  if (typeof detail === "string" && detail !== "") return detail;
  if (detail && typeof detail === "object" && !Array.isArray(detail) && typeof detail.message === "string") return detail.message;
  return stage;
}

/**
 * Drops the streaming block an arriving `text`/`thinking` item completes: the lowest block index
 * of its message with the same kind (the SDK yields one message per content block, in order).
 * Other messages' streams, a delegated agent's for one, keep streaming.
 */
function foldDeltas(deltas: Record<string, StreamingBlock>, items: Value[]): Record<string, StreamingBlock> {
  let next = deltas;
  for (const item of items) {
    if (!item || typeof item !== "object" || Array.isArray(item)) continue;
    const { kind, message_id: messageId } = item;
    if ((kind !== "text" && kind !== "thinking") || typeof messageId !== "string") continue;
    const done = Object.entries(next)
      .filter(([, block]) => block.messageId === messageId && block.block === kind)
      .sort(([, a], [, b]) => a.index - b.index)[0];
    if (!done) continue;
    next = { ...next };
    delete next[done[0]];
  }
  return next;
}

function capped(items: RunItem[]): RunItem[] {
  return items.length > MAX_ITEMS_PER_RUN ? items.slice(items.length - MAX_ITEMS_PER_RUN) : items;
}

/** Folds one event into the maps it touches; the maps are fresh copies owned by this batch. */
function fold(runs: Record<string, RunView>, agents: Record<string, AgentView>, event: BackendEvent) {
  const run = (agentId: string, runId: string): RunView => {
    const current = runs[runId] ?? emptyRun(agentId, runId);
    const copy = { ...current };
    runs[runId] = copy;
    return copy;
  };
  switch (event.event) {
    case "agent-state": {
      const { agentId, skillName, kind, state, reason } = event.payload;
      agents[agentId] = { agentId, skillName, kind, state, reason };
      return;
    }
    case "agent-run-started": {
      const p = event.payload;
      Object.assign(run(p.agentId, p.runId), {
        skillName: p.skillName,
        kind: p.kind,
        label: p.label,
        model: p.model,
        startedAt: p.startedAt,
      });
      return;
    }
    case "agent-progress": {
      const p = event.payload;
      run(p.agentId, p.runId).progress = progressText(p.stage, p.detail);
      return;
    }
    case "agent-delta": {
      const p = event.payload;
      const target = run(p.agentId, p.runId);
      const key = `${p.messageId}:${p.index}`;
      const text = (target.deltas[key]?.text ?? "") + p.text;
      target.deltas = { ...target.deltas, [key]: { messageId: p.messageId, index: p.index, block: p.block, text } };
      return;
    }
    case "agent-message": {
      const p = event.payload;
      const target = run(p.agentId, p.runId);
      // Replay overlaps live events: what the snapshot already holds is skipped.
      if (p.seq <= target.lastSeq) return;
      target.items = capped([...target.items, ...p.items.map((item) => ({ seq: p.seq, item }))]);
      target.lastSeq = p.seq;
      // A complete block supersedes the text streamed for it.
      target.deltas = foldDeltas(target.deltas, p.items);
      if (p.gap) target.gap = true;
      return;
    }
    case "agent-exit": {
      const p = event.payload;
      Object.assign(run(p.agentId, p.runId), { outcome: p.outcome, error: p.error, summary: p.summary, progress: null, deltas: {} });
      return;
    }
    default:
      return;
  }
}

/** Live agent runs by `runId` (§9.1 `useAgentRuns`): fed only by `agent-*` events and snapshot replay. */
export const useAgentRuns = create<AgentRunsState>()((set) => ({
  runs: {},
  agents: {},
  apply: (events) =>
    set((state) => {
      const runs = { ...state.runs };
      const agents = { ...state.agents };
      for (const event of events) fold(runs, agents, event);
      return { runs, agents };
    }),
  applySnapshot: (snapshot, info) =>
    set((state) => {
      const runs = { ...state.runs };
      for (const snap of snapshot.runs) {
        const previous = runs[snap.runId] ?? emptyRun(snapshot.agentId, snap.runId);
        const lastSeq = snap.lastSeq ?? -1;
        const items = snap.messages.flatMap((message) => message.items.map((item) => ({ seq: message.seq, item })));
        // A snapshot fetched after a gap can be older than live events applied meanwhile: keep those.
        const newer = previous.items.filter((entry) => entry.seq > lastSeq);
        const current = info && info.runId === snap.runId;
        runs[snap.runId] = {
          ...previous,
          label: snap.label,
          startedAt: snap.startedAt,
          skillName: current ? (info.skillName ?? null) : previous.skillName,
          kind: current ? info.kind : previous.kind,
          model: current && info.model ? info.model : previous.model,
          outcome: snap.outcome ?? previous.outcome,
          summary: snap.summary ?? previous.summary,
          items: capped([...items, ...newer]),
          lastSeq: Math.max(lastSeq, previous.lastSeq),
          deltas: newer.length > 0 ? previous.deltas : {},
          gap: false,
          truncatedBefore: snap.truncatedBefore,
        };
      }
      const known = state.agents[snapshot.agentId] ?? { skillName: info?.skillName ?? null, kind: info?.kind ?? null, reason: null };
      const agents = { ...state.agents, [snapshot.agentId]: { ...known, agentId: snapshot.agentId, state: snapshot.state } };
      return { runs, agents };
    }),
  reset: () => set({ runs: {}, agents: {} }),
}));
