import { emit } from "@tauri-apps/api/event";
import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AgentInfo } from "../bindings";
import { useAgentRuns } from "../stores/agentRuns";
import { callsOf, emitBackend, mockBackend, settingsView, skill } from "../test/backend";
import { renderApp } from "../test/renderApp";

const agent: AgentInfo = {
  agentId: "a1",
  kind: "workflow_step",
  skillName: "sales-kpis",
  runId: "r1",
  startedAt: "2026-11-25T09:00:00Z",
  model: "sonnet",
  pid: 4242,
};

describe("shell", () => {
  it("lists running agents in the header, each with Stop", async () => {
    const calls = mockBackend({
      list_active_agents: () => [agent, { ...agent, agentId: "a2", runId: "r2", kind: "refine" }],
      cancel_agent_run: () => null,
    });
    const { user } = renderApp();

    const indicator = await screen.findByTestId("running-agents");
    expect(indicator.textContent).toBe("2 agents running");
    await user.click(indicator);
    const row = await screen.findByTestId("running-agent-a1");
    await user.click(within(row).getByRole("button", { name: "Stop sales-kpis · Workflow step" }));
    await waitFor(() => expect(callsOf(calls, "cancel_agent_run")).toEqual([{ runId: "r1" }]));
  });

  it("shows the Mock badge when agents are simulated", async () => {
    mockBackend({ get_settings: () => settingsView({ agentBackend: "mock" }) });
    renderApp();
    expect(await screen.findByTestId("mock-badge")).toBeTruthy();
  });

  it("switches pages and folds the sidebar from the keyboard", async () => {
    const { user } = (mockBackend({}), renderApp());
    await screen.findByTestId("library-page");

    await user.keyboard("{Control>}2{/Control}");
    expect(await screen.findByTestId("test-page")).toBeTruthy();
    await user.keyboard("{Control>}3{/Control}");
    expect(await screen.findByTestId("usage-page")).toBeTruthy();
    await user.keyboard("{Control>},{/Control}");
    expect(await screen.findByTestId("settings-page")).toBeTruthy();
    await user.keyboard("{Control>}1{/Control}");
    expect(await screen.findByTestId("library-page")).toBeTruthy();

    expect(within(screen.getByTestId("sidebar")).getByText("Skills")).toBeTruthy();
    await user.keyboard("{Control>}b{/Control}");
    expect(within(screen.getByTestId("sidebar")).queryByText("Skills")).toBeNull();
    expect(within(screen.getByTestId("sidebar")).getByRole("link", { name: "Skills" })).toBeTruthy();
  });

  it("applies the dark theme and saves it in ui_prefs next to other keys", async () => {
    const calls = mockBackend({ get_settings: () => settingsView({ uiPrefs: { panel: 40 } }) });
    const { user } = renderApp();
    await screen.findByTestId("library-page");

    await user.click(screen.getByTestId("theme-menu"));
    await user.click(await screen.findByTestId("theme-dark"));
    expect(document.documentElement.classList.contains("dark")).toBe(true);
    await waitFor(() =>
      expect(callsOf(calls, "save_settings")).toEqual([
        { patch: { uiPrefs: { panel: 40, theme: "dark", sidebarOpen: true, libraryView: null } } },
      ]),
    );
  });
});

describe("close guard", () => {
  it("quits at once when no agent runs", async () => {
    const calls = mockBackend({ graceful_shutdown: () => ({ stopped: 0, forced: 0 }), "plugin:window|destroy": () => null });
    renderApp();
    await screen.findByTestId("library-page");

    await act(() => emit("tauri://close-requested", null));
    await waitFor(() => expect(callsOf(calls, "plugin:window|destroy")).toHaveLength(1));
    expect(callsOf(calls, "graceful_shutdown")).toHaveLength(1);
    expect(screen.queryByTestId("close-guard")).toBeNull();
  });

  it("asks before stopping running agents: Stay keeps the window, Stop agents and quit closes it", async () => {
    const calls = mockBackend({
      list_active_agents: () => [agent],
      graceful_shutdown: () => ({ stopped: 1, forced: 0 }),
      "plugin:window|destroy": () => null,
    });
    const { user } = renderApp();
    await screen.findByTestId("library-page");

    await act(() => emit("tauri://close-requested", null));
    const guard = await screen.findByTestId("close-guard");
    expect(within(guard).getByText("sales-kpis · Workflow step")).toBeTruthy();
    await user.click(within(guard).getByTestId("close-guard-stay"));
    await waitFor(() => expect(screen.queryByTestId("close-guard")).toBeNull());
    expect(callsOf(calls, "graceful_shutdown")).toEqual([]);

    await act(() => emit("tauri://close-requested", null));
    await user.click(await screen.findByTestId("close-guard-quit"));
    await waitFor(() => expect(callsOf(calls, "plugin:window|destroy")).toHaveLength(1));
    expect(callsOf(calls, "graceful_shutdown")).toHaveLength(1);
  });
});

describe("backend events", () => {
  it("refresh the library and feed the agent-run store, after replaying live agents", async () => {
    let library = [skill({ name: "sales-kpis" })];
    mockBackend({
      list_skills: () => library,
      list_active_agents: () => [agent],
      get_agent_snapshot: () => ({
        agentId: "a1",
        state: "running",
        runs: [{ runId: "r1", label: "research", startedAt: agent.startedAt, outcome: null, summary: null, messages: [{ seq: 4, items: [{ type: "text", text: "before reload" }] }], firstSeq: 4, lastSeq: 4, truncatedBefore: false }],
      }),
    });
    renderApp();
    await screen.findByTestId("skill-card-sales-kpis");
    await waitFor(() => expect(useAgentRuns.getState().runs.r1?.lastSeq).toBe(4));

    library = [...library, skill({ name: "pdf-tools" })];
    await act(() => emitBackend({ event: "skills-changed", payload: { skillName: "pdf-tools" } }));
    expect(await screen.findByTestId("skill-card-pdf-tools")).toBeTruthy();

    await act(() => emitBackend({ event: "agent-message", payload: { agentId: "a1", runId: "r1", seq: 4, items: [{ type: "text", text: "duplicate" }], gap: false } }));
    await act(() => emitBackend({ event: "agent-message", payload: { agentId: "a1", runId: "r1", seq: 5, items: [{ type: "text", text: "live" }], gap: false } }));
    await waitFor(() => expect(useAgentRuns.getState().runs.r1.items.map((entry) => entry.seq)).toEqual([4, 5]));
  });

  it("refetch an agent's snapshot when a message says deltas were dropped", async () => {
    let snapshots = 0;
    mockBackend({
      list_active_agents: () => [agent],
      get_agent_snapshot: () => {
        snapshots += 1;
        return { agentId: "a1", state: "running", runs: [] };
      },
    });
    renderApp();
    await screen.findByTestId("library-page");
    await waitFor(() => expect(snapshots).toBe(1));
    await act(() => emitBackend({ event: "agent-message", payload: { agentId: "a1", runId: "r1", seq: 9, items: [], gap: true } }));
    await waitFor(() => expect(snapshots).toBe(2));
  });
});
