import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { StepStatus } from "../../bindings";
import { callsOf, emitBackend, mockBackend } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { workflowBackend, workflowState } from "./fixtures";

describe("workflow page steps", () => {
  it("shows each step's status, duration and cost in the sidebar", async () => {
    mockBackend(workflowBackend(() => workflowState(["completed", "waiting_for_user"])));
    renderApp({ path: "/skill/sales-kpis" });
    const sidebar = await screen.findByTestId("step-sidebar");
    const research = within(sidebar).getByTestId("step-0");
    expect(research.dataset.status).toBe("completed");
    expect(research.textContent).toContain("Completed · 1m 5s · $0.42");
    expect(within(sidebar).getByTestId("step-1").dataset.status).toBe("waiting_for_user");
    expect(within(sidebar).getByTestId("step-6").textContent).toContain("Validate (optional)");
  });

  it("says why steps are disabled", async () => {
    const reason = "Research found the scope too broad: all of sales. Reset to Research and narrow the skill.";
    mockBackend(workflowBackend(() => workflowState(["completed", "waiting_for_user"], { disabled: { steps: [2, 3, 4, 5], validateDisabled: true, reason } })));
    renderApp({ path: "/skill/sales-kpis" });
    expect((await screen.findByTestId("step-4")).dataset.status).toBe("disabled");
    expect(screen.getByTestId("disabled-reason").textContent).toBe(reason);
  });

  it("starts a pending step and shows the live agent panel while it runs", async () => {
    let statuses: StepStatus[] = [];
    const calls = mockBackend({
      ...workflowBackend(() => workflowState(statuses)),
      run_workflow_step: () => {
        statuses = ["in_progress"];
        return { agentId: "a1", runId: "r1", sessionId: null };
      },
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("start-step"));
    expect(callsOf(calls, "run_workflow_step")).toEqual([{ skillName: "sales-kpis", step: 0 }]);
    expect(await screen.findByTestId("running-view")).toBeTruthy();
    expect(screen.getByTestId("agent-output-waiting-r1")).toBeTruthy();
    // Step clicks wait while an agent runs (§5.10).
    expect((screen.getByTestId("step-3") as HTMLButtonElement).disabled).toBe(true);

    statuses = ["completed", "waiting_for_user"];
    await act(() => emitBackend({ event: "workflow-changed", payload: { skillName: "sales-kpis", step: 0, notice: null } }));
    await waitFor(() => expect(screen.getByTestId("step-0").dataset.status).toBe("completed"));
  });

  it("shows a refused start inline and keeps the step pending", async () => {
    mockBackend({
      ...workflowBackend(() => workflowState([])),
      run_workflow_step: () => {
        throw { code: "api_key_missing", message: "No API key is set", fixHint: "Add one in Settings → General." };
      },
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("start-step"));
    expect((await screen.findByTestId("step-action-error")).textContent).toContain("Add one in Settings → General.");
    expect(screen.getByTestId("pending-view")).toBeTruthy();
  });

  it("Retry on a failed step previews the reset, resets, then runs the step again", async () => {
    let statuses: StepStatus[] = ["error"];
    const calls = mockBackend({
      ...workflowBackend(() => workflowState(statuses)),
      preview_step_reset: () => ({
        target: 0,
        checkpoint: true,
        agentsToStop: [],
        steps: [{ step: 0, name: "Research", delete: ["context/research-plan.md"], edit: [] }],
      }),
      reset_workflow_step: () => {
        statuses = [];
        return { checkpointSha: "abc", deleted: ["context/research-plan.md"], edited: [] };
      },
      run_workflow_step: () => {
        statuses = ["in_progress"];
        return { agentId: "a1", runId: "r2", sessionId: null };
      },
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    expect((await screen.findByTestId("error-view")).textContent).toContain("The agent stopped: out of turns");
    await user.click(screen.getByTestId("retry-step"));
    const dialog = await screen.findByTestId("reset-dialog");
    expect(within(dialog).getByText("delete context/research-plan.md")).toBeTruthy();
    expect(callsOf(calls, "reset_workflow_step")).toEqual([]);
    await user.click(within(dialog).getByRole("button", { name: "Delete 1 files and reset" }));
    await screen.findByTestId("running-view");
    expect(callsOf(calls, "reset_workflow_step")).toEqual([{ skillName: "sales-kpis", step: 0 }]);
    expect(callsOf(calls, "run_workflow_step")).toEqual([{ skillName: "sales-kpis", step: 0 }]);
  });

  it("Retry with nothing to delete resets and runs without asking", async () => {
    let statuses: StepStatus[] = ["error"];
    const calls = mockBackend({
      ...workflowBackend(() => workflowState(statuses)),
      preview_step_reset: () => ({ target: 0, checkpoint: false, agentsToStop: [], steps: [{ step: 0, name: "Research", delete: [], edit: [] }] }),
      reset_workflow_step: () => {
        statuses = [];
        return { checkpointSha: null, deleted: [], edited: [] };
      },
      run_workflow_step: () => {
        statuses = ["in_progress"];
        return { agentId: "a1", runId: "r2", sessionId: null };
      },
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("retry-step"));
    await screen.findByTestId("running-view");
    expect(screen.queryByTestId("reset-dialog")).toBeNull();
    expect(callsOf(calls, "run_workflow_step")).toHaveLength(1);
  });

  it("edits a decision of a completed step 4 through update_decision", async () => {
    const decisions = JSON.stringify({
      decisions: [
        { id: "D1", title: "Stage conversion rule", sources: ["Q1"], question: "How is a conversion counted?", decision: "Count entries", implication: "Settle window", status: "resolved", edited_by_user: false },
      ],
    });
    const calls = mockBackend({
      ...workflowBackend(() => workflowState(["completed", "completed", "skipped", "skipped", "completed"], { selectedStep: 4 }), {
        "sales-kpis/context/decisions.json": decisions,
      }),
      update_decision: () => ({}),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    const text = await screen.findByTestId("decision-D1-text");
    await user.clear(text);
    await user.type(text, "Count entries not reverted within 7 days");
    await user.tab();
    await waitFor(() =>
      expect(callsOf(calls, "update_decision")).toEqual([
        { skillName: "sales-kpis", id: "D1", patch: { decision: "Count entries not reverted within 7 days" } },
      ]),
    );
  });

  it("asks before leaving while an agent runs, and Stop and leave stops it", async () => {
    const calls = mockBackend({
      ...workflowBackend(() => workflowState(["in_progress"])),
      cancel_agent_run: () => null,
    });
    const { history } = renderApp({ path: "/skill/sales-kpis" });
    await screen.findByTestId("running-view");
    act(() => history.push("/"));
    const dialog = await screen.findByTestId("leave-dialog");
    expect(within(dialog).getByText("An agent is running")).toBeTruthy();
    await act(async () => within(dialog).getByTestId("leave-stop").click());
    await screen.findByTestId("library-page");
    expect(callsOf(calls, "cancel_agent_run")).toEqual([{ runId: "run-0" }]);
  });
});
