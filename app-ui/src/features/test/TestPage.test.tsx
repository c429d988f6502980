import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { EvalReport } from "../../bindings";
import { callsOf, emitBackend, mockBackend, skill } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { findingsDraft, meanSd, parseEvaluation } from "./evaluation";

const LOCK = { skillName: "sales-kpis", instanceId: "me", pid: 1, purpose: "test", acquiredAt: "2026-11-25T09:00:00Z", mine: true };
const VERDICT = '```json\n{"comparisons":[{"dimension":"accuracy","direction":"a_better","note":"uses ARR"},{"dimension":"brevity","direction":"b_better","note":"shorter"}],"recommendations":["Trim the intro"]}\n```';
const arm = (mean: number | null, sd: number | null) => ({ runs: 2, passRates: [], mean, sd });
function report(status: string, trialsDone: number): EvalReport {
  return {
    testId: "t1",
    skillName: "sales-kpis",
    runsPerArm: 2,
    status,
    stopReason: status === "stopped_budget" ? "per-skill cap $1.00 reached" : null,
    caps: { perRunUsd: 0.5, perSkillUsd: 1 },
    spentUsd: 0.8,
    trialsDone,
    trialsTotal: 4,
    cases: [{ caseId: "arr-question", prompt: "What is ARR?", with: arm(0.9, 0.1414), without: arm(0.5, 0), assertions: [] }],
  };
}

function backend() {
  return mockBackend({
    list_skills: () => [skill({ name: "sales-kpis", workflow: { currentStep: 5, status: "completed" } })],
    acquire_lock: () => LOCK,
    release_lock: () => null,
    check_lock: () => ({ state: "mine", holder: null }),
    prepare_skill_test: () => ({ testId: "t1", withDir: "/c/with", withoutDir: "/c/without" }),
    start_skill_test: () => ({ with: { agentId: "aw", runId: "rw", sessionId: null }, without: { agentId: "ao", runId: "ro", sessionId: null } }),
    stop_skill_test: () => ({ stopped: 2, forced: 0 }),
    cleanup_skill_test: () => null,
    run_skill_evals: ({ resume }) => (resume ? report("complete", 4) : report("stopped_budget", 2)),
    // The refine page the findings lead to.
    start_refine_session: ({ skillName }) => ({ sessionId: "s1", skillName, baselineCommit: "b1", files: [] }),
    get_skill_content_for_refine: () => [],
    get_refine_diff: () => ({ baseSha: "b1", stat: { files: 0, insertions: 0, deletions: 0 }, files: [] }),
    close_refine_session: () => ({ commitSha: null, discardedSha: null }),
  });
}

describe("Test page", () => {
  it("reads the evaluator's verdict and turns it into refine findings", () => {
    const evaluation = parseEvaluation(VERDICT);
    expect(evaluation.comparisons.map((c) => c.direction)).toEqual(["a_better", "b_better"]);
    expect(findingsDraft(evaluation)).toBe("Apply these test findings:\n- Trim the intro\n- Without the skill, brevity was better: shorter");
    expect(parseEvaluation("Plan A wins.")).toEqual({ comparisons: [], recommendations: [] });
    expect(meanSd(0.9, 0.1414)).toBe("0.90 ± 0.14");
    expect(meanSd(null, null)).toBe("—");
  });

  it("runs both plans, shows the evaluator's rows and hands the findings to refine", async () => {
    const calls = backend();
    const { user, history } = renderApp({ path: "/test?skill=sales-kpis" });
    await user.selectOptions(await screen.findByTestId("test-mode", {}, { timeout: 5000 }), "embedded");
    await user.type(screen.getByTestId("test-prompt"), "What is ARR?");
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>("test-run").disabled).toBe(false));
    await user.click(screen.getByTestId("test-run"));
    await waitFor(() => expect(callsOf(calls, "start_skill_test")).toEqual([{ testId: "t1", prompt: "What is ARR?" }]));
    expect(callsOf(calls, "prepare_skill_test")).toEqual([{ skillName: "sales-kpis", mode: "embedded" }]);
    expect(within(await screen.findByTestId("test-with")).getByTestId("agent-output-waiting-rw")).toBeTruthy();
    expect(within(screen.getByTestId("test-without")).getByTestId("agent-output-waiting-ro")).toBeTruthy();

    await act(async () => {
      await emitBackend({ event: "agent-run-started", payload: { agentId: "ae", runId: "re", skillName: "sales-kpis", kind: "test_eval", label: "evaluate", model: "sonnet", startedAt: "2026-11-25T09:01:00Z", transcriptPath: null } });
      await emitBackend({ event: "agent-message", payload: { agentId: "ae", runId: "re", seq: 1, gap: false, items: [{ kind: "text", message_id: "m1", text: VERDICT, parent_tool_use_id: null }] } });
      await emitBackend({ event: "agent-exit", payload: { agentId: "ae", runId: "re", outcome: "completed", error: null, summary: null } });
    });
    const rows = await screen.findByTestId("test-comparisons");
    expect(within(rows).getAllByRole("listitem").map((row) => row.getAttribute("data-direction"))).toEqual(["a_better", "b_better"]);
    expect(screen.getByTestId("test-recommendations").textContent).toBe("Trim the intro");

    await user.click(screen.getByTestId("test-refine-findings"));
    await waitFor(() => expect(history.location.pathname).toBe("/refine"));
    const input = await screen.findByTestId<HTMLTextAreaElement>("refine-input");
    expect(input.value).toBe("Apply these test findings:\n- Trim the intro\n- Without the skill, brevity was better: shorter");
    expect(callsOf(calls, "send_refine_message")).toEqual([]);
    await waitFor(() => expect(callsOf(calls, "cleanup_skill_test")).toEqual([{ testId: "t1" }]));
  });

  it("runs evals with N and the caps, shows mean ± sd per case and arm, and resumes after a budget stop", async () => {
    const calls = backend();
    const { user } = renderApp({ path: "/test?skill=sales-kpis" });
    const runs = await screen.findByTestId("evals-runs", {}, { timeout: 5000 });
    await user.clear(runs);
    await user.type(runs, "2");
    await user.type(screen.getByTestId("evals-cap-run"), "0.5");
    await user.type(screen.getByTestId("evals-cap-skill"), "1");
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>("evals-run").disabled).toBe(false));
    await user.click(screen.getByTestId("evals-run"));
    expect((await screen.findByTestId("evals-status")).textContent).toContain("2 of 4 trials, stopped at the cost cap");
    expect(callsOf(calls, "run_skill_evals")).toEqual([{ testId: "t1", runs: 2, caps: { perRunUsd: 0.5, perSkillUsd: 1 }, resume: false }]);
    const row = within(screen.getByTestId("evals-case-arr-question")).getAllByRole("cell").map((cell) => cell.textContent);
    expect(row).toEqual(["0.90 ± 0.14", "0.50 ± 0.00"]);

    await user.click(screen.getByTestId("evals-resume"));
    await waitFor(() => expect(screen.getByTestId("evals-status").textContent).toContain("4 of 4 trials, complete"));
    expect(callsOf(calls, "run_skill_evals").at(-1)).toEqual({ testId: "t1", runs: 2, caps: { perRunUsd: 0.5, perSkillUsd: 1 }, resume: true });
    expect(screen.queryByTestId("evals-resume")).toBeNull();
  });
});
