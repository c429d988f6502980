import { describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../bindings";
import type { BackendEvent } from "../lib/events";
import { MAX_ITEMS_PER_RUN, useAgentRuns } from "./agentRuns";

const started: BackendEvent = {
  event: "agent-run-started",
  payload: { agentId: "a1", runId: "r1", skillName: "sales-kpis", kind: "workflow_step", label: "research", model: "sonnet", startedAt: "2026-11-25T09:00:00Z", transcriptPath: null },
};
const delta = (text: string, index = 0): BackendEvent => ({
  event: "agent-delta",
  payload: { agentId: "a1", runId: "r1", messageId: "m1", index, block: "text", text },
});
const message = (seq: number, text: string, gap = false): BackendEvent => ({
  event: "agent-message",
  payload: { agentId: "a1", runId: "r1", seq, items: [{ type: "text", text }], gap },
});

const run = () => useAgentRuns.getState().runs.r1;

describe("useAgentRuns", () => {
  it("folds deltas per block until the item that completes that block arrives", () => {
    useAgentRuns.getState().apply([started, delta("Hel"), delta("lo"), delta("Other", 1)]);
    expect(run().deltas).toEqual({
      "m1:0": { messageId: "m1", index: 0, block: "text", text: "Hello" },
      "m1:1": { messageId: "m1", index: 1, block: "text", text: "Other" },
    });
    expect(run()).toMatchObject({ label: "research", model: "sonnet", skillName: "sales-kpis" });

    const item = { kind: "text", message_id: "m1", text: "Hello", parent_tool_use_id: null };
    useAgentRuns.getState().apply([{ event: "agent-message", payload: { agentId: "a1", runId: "r1", seq: 1, items: [item], gap: false } }]);
    // Block 0 is complete; block 1 is still streaming.
    expect(Object.keys(run().deltas)).toEqual(["m1:1"]);
    expect(run().items).toEqual([{ seq: 1, item }]);
  });

  it("keeps another message's stream (a delegated agent's) when one message completes", () => {
    useAgentRuns.getState().apply([
      started,
      delta("main"),
      { event: "agent-delta", payload: { agentId: "a1", runId: "r1", messageId: "sub", index: 0, block: "text", text: "sub-agent" } },
      { event: "agent-message", payload: { agentId: "a1", runId: "r1", seq: 1, items: [{ kind: "text", message_id: "m1", text: "main", parent_tool_use_id: null }], gap: false } },
    ]);
    expect(Object.values(run().deltas).map((block) => block.text)).toEqual(["sub-agent"]);
  });

  it("keeps live items newer than a snapshot fetched after a gap", () => {
    useAgentRuns.getState().apply([started, message(1, "one"), message(2, "two"), message(3, "three", true)]);
    useAgentRuns.getState().applySnapshot({
      agentId: "a1",
      state: "running",
      runs: [
        {
          runId: "r1", label: "research", startedAt: "2026-11-25T09:00:00Z", outcome: null, summary: null,
          messages: [{ seq: 1, items: [{ type: "text", text: "one" }] }, { seq: 2, items: [{ type: "text", text: "two" }] }],
          firstSeq: 1, lastSeq: 2, truncatedBefore: true,
        },
      ],
    });
    expect(run().items.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(run()).toMatchObject({ lastSeq: 3, gap: false, truncatedBefore: true });
  });

  it("takes the model, kind and skill of a replayed run from list_active_agents", () => {
    useAgentRuns.getState().applySnapshot(
      { agentId: "a1", state: "running", runs: [{ runId: "r1", label: "research", startedAt: "2026-11-25T09:00:00Z", outcome: null, summary: null, messages: [], firstSeq: null, lastSeq: null, truncatedBefore: false }] },
      { agentId: "a1", kind: "workflow_step", skillName: "sales-kpis", runId: "r1", startedAt: "2026-11-25T09:00:00Z", model: "opus", pid: 1 },
    );
    expect(run()).toMatchObject({ model: "opus", kind: "workflow_step", skillName: "sales-kpis" });
    expect(useAgentRuns.getState().agents.a1).toMatchObject({ kind: "workflow_step", skillName: "sales-kpis" });
  });

  it("skips messages the snapshot already holds and flags a gap", () => {
    const snapshot: AgentSnapshot = {
      agentId: "a1",
      state: "running",
      runs: [
        {
          runId: "r1",
          label: "research",
          startedAt: "2026-11-25T09:00:00Z",
          outcome: null,
          summary: null,
          messages: [
            { seq: 1, items: [{ type: "text", text: "one" }] },
            { seq: 2, items: [{ type: "text", text: "two" }] },
          ],
          firstSeq: 1,
          lastSeq: 2,
          truncatedBefore: false,
        },
      ],
    };
    useAgentRuns.getState().applySnapshot(snapshot);
    useAgentRuns.getState().apply([message(2, "two"), message(3, "three", true)]);
    expect(run().items.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(run().gap).toBe(true);
    expect(useAgentRuns.getState().agents.a1.state).toBe("running");
  });

  it("records progress, the outcome and the agent's state", () => {
    useAgentRuns.getState().apply([
      started,
      { event: "agent-progress", payload: { agentId: "a1", runId: "r1", stage: "retrying", detail: "Retrying in 4 s (attempt 2/6): overloaded" } },
    ]);
    expect(run().progress).toBe("Retrying in 4 s (attempt 2/6): overloaded");
    useAgentRuns.getState().apply([
      { event: "agent-exit", payload: { agentId: "a1", runId: "r1", outcome: "cancelled", error: null, summary: null } },
      { event: "agent-state", payload: { agentId: "a1", skillName: "sales-kpis", kind: "workflow_step", state: "stopped", reason: "completed", exitCode: 0, stderrTail: [] } },
    ]);
    expect(run()).toMatchObject({ outcome: "cancelled", progress: null });
    expect(useAgentRuns.getState().agents.a1).toMatchObject({ state: "stopped", reason: "completed" });
  });

  it("keeps only the latest items of a long run", () => {
    const batch = Array.from({ length: MAX_ITEMS_PER_RUN + 10 }, (_, i) => message(i + 1, `item ${i + 1}`));
    useAgentRuns.getState().apply(batch);
    expect(run().items).toHaveLength(MAX_ITEMS_PER_RUN);
    expect(run().items[0].seq).toBe(11);
    expect(run().lastSeq).toBe(MAX_ITEMS_PER_RUN + 10);
  });
});
