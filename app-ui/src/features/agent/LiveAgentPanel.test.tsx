import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AgentInfo, AgentSnapshot } from "../../bindings";
import type { BackendEvent } from "../../lib/events";
import { callsOf, emitBackend, mockBackend } from "../../test/backend";
import { renderApp } from "../../test/renderApp";

const agent: AgentInfo = { agentId: "a1", kind: "workflow_step", skillName: "sales-kpis", runId: "r1", startedAt: "2026-11-25T09:00:00Z", model: "sonnet", pid: 1 };

function snapshot(messages: AgentSnapshot["runs"][number]["messages"], lastSeq: number | null): AgentSnapshot {
  return {
    agentId: "a1",
    state: "running",
    runs: [{ runId: "r1", label: "research", startedAt: agent.startedAt, outcome: null, summary: null, messages, firstSeq: messages[0]?.seq ?? null, lastSeq, truncatedBefore: false }],
  };
}

const delta = (text: string): BackendEvent => ({ event: "agent-delta", payload: { agentId: "a1", runId: "r1", messageId: "m2", index: 0, block: "text", text } });
const message = (seq: number, items: unknown[], gap = false): BackendEvent =>
  ({ event: "agent-message", payload: { agentId: "a1", runId: "r1", seq, items, gap } }) as BackendEvent;

async function openDrawer() {
  const view = renderApp();
  // The first test of a file starts the whole app cold; on a loaded machine that takes a while.
  await view.user.click(await screen.findByTestId("running-agents", {}, { timeout: 5000 }));
  await view.user.click(await screen.findByTestId("agent-output-open-a1"));
  return { ...view, drawer: await screen.findByTestId("agent-output-drawer") };
}

describe("live agent output (header drawer)", () => {
  it("replays the run, folds streaming deltas into the text they complete, and stops the run", async () => {
    const calls = mockBackend({
      list_active_agents: () => [agent],
      get_agent_snapshot: () => snapshot([{ seq: 1, items: [{ kind: "text", message_id: "m1", text: "Before the reload", parent_tool_use_id: null }] }], 1),
      cancel_agent_run: () => null,
    });
    const { user, drawer } = await openDrawer();
    expect(await within(drawer).findByText("Before the reload")).toBeTruthy();
    expect(within(drawer).getByTestId("agent-output-model").textContent).toBe("sonnet");

    await act(() => emitBackend(delta("Streaming ")));
    await act(() => emitBackend(delta("answer")));
    await waitFor(() => expect(within(drawer).getByTestId("streaming-text").textContent).toBe("Streaming answer"));

    await act(() => emitBackend(message(2, [{ kind: "text", message_id: "m2", text: "Streaming answer, complete.", parent_tool_use_id: null }])));
    expect(await within(drawer).findByText("Streaming answer, complete.")).toBeTruthy();
    expect(within(drawer).queryByTestId("streaming-text")).toBeNull();

    await user.click(within(drawer).getByTestId("agent-output-stop"));
    await waitFor(() => expect(callsOf(calls, "cancel_agent_run")).toEqual([{ runId: "r1" }]));
  });

  it("marks a gap, refetches the snapshot and draws the run from it", async () => {
    let current = snapshot([], null);
    const calls = mockBackend({ list_active_agents: () => [agent], get_agent_snapshot: () => current });
    const { drawer } = await openDrawer();
    await act(() => emitBackend(message(1, [{ kind: "text", message_id: "m1", text: "one", parent_tool_use_id: null }])));
    expect(await within(drawer).findByText("one")).toBeTruthy();

    current = snapshot(
      [
        { seq: 1, items: [{ kind: "text", message_id: "m1", text: "one", parent_tool_use_id: null }] },
        { seq: 2, items: [{ kind: "text", message_id: "m2", text: "two, from the snapshot", parent_tool_use_id: null }] },
      ],
      2,
    );
    await act(() => emitBackend(message(2, [{ kind: "text", message_id: "m2", text: "two, from the snapshot", parent_tool_use_id: null }], true)));
    await waitFor(() => expect(callsOf(calls, "get_agent_snapshot")).toHaveLength(2));
    expect(await within(drawer).findByText("two, from the snapshot")).toBeTruthy();
    await waitFor(() => expect(within(drawer).queryByTestId("marker-gap")).toBeNull());
  });
});
