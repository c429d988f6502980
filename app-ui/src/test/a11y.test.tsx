import { act, screen } from "@testing-library/react";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { mockBackend, report, settingsView, skill } from "./backend";
import { clarifications, workflowBackend, workflowState } from "../features/workflow/fixtures";
import { renderApp } from "./renderApp";

/**
 * Serious and critical axe violations of what is on screen. jsdom lays nothing out, so axe
 * cannot judge colour contrast here; the themes' tokens are chosen for WCAG AA instead.
 */
async function seriousViolations(): Promise<string[]> {
  const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

const LOCK = { skillName: "sales-kpis", instanceId: "me", pid: 1, purpose: "workflow", acquiredAt: "2026-11-25T09:00:00Z", mine: true };
const LIBRARY = [
  skill({ name: "sales-kpis", domain: "Sales", tags: ["kpi"], workflow: { currentStep: 2, status: "in_progress" } }),
  skill({
    name: "legacy-etl",
    source: "imported",
    workflow: null,
    lock: { state: "other", holder: { instanceId: "x", pid: 4123, purpose: "workflow", acquiredAt: "2026-11-25T09:00:00Z" } },
  }),
];
const AGENT = { agentId: "a1", kind: "workflow_step", skillName: "sales-kpis", runId: "r1", startedAt: "2026-11-25T09:00:00Z", model: "sonnet", pid: 1 };

const PAGES: [string, string][] = [
  ["/", "library-page"],
  ["/skill/sales-kpis", "workflow-page-sales-kpis"],
  ["/skill/sales-kpis/history", "history-page"],
  ["/refine?skill=sales-kpis", "refine-session"],
  ["/test", "test-page"],
  ["/test?skill=sales-kpis", "evals-panel"],
  ["/usage", "usage-page"],
  ["/settings?tab=general", "settings-page"],
];

describe("accessibility (axe)", () => {
  it.each(PAGES)("%s has no serious violations", async (path, testId) => {
    mockBackend({
      list_skills: () => LIBRARY,
      list_active_agents: () => [AGENT],
      get_settings: () => settingsView({ agentBackend: "mock" }),
      acquire_lock: () => LOCK,
      release_lock: () => null,
      check_lock: () => ({ state: "mine", holder: null }),
      get_workflow_state: () => workflowState(["completed"]),
      get_usage_by_step: () => [],
      verify_step_output: () => ({ stepId: 0, ok: true, files: [], missing: [], errors: [], warnings: [] }),
      read_file: () => ({ content: "# Research plan", sha256: "x", sizeBytes: 15, modifiedAt: null }),
      start_refine_session: () => ({ sessionId: "s1", skillName: "sales-kpis", baselineCommit: "b1", files: ["SKILL.md"] }),
      get_skill_content_for_refine: () => [{ path: "SKILL.md", content: "# Sales\n", bytes: 8 }],
      get_refine_diff: () => ({ baseSha: "b1", stat: { files: 0, insertions: 0, deletions: 0 }, files: [] }),
      close_refine_session: () => ({ commitSha: null, discardedSha: null }),
    });
    renderApp({ path });
    await screen.findByTestId(testId);
    await screen.findByTestId("running-agents");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the empty library has no serious violations", async () => {
    mockBackend({});
    renderApp();
    await screen.findByTestId("library-empty");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the startup splash with a failed check has no serious violations", async () => {
    mockBackend({
      check_startup_deps: () => ({
        allOk: false,
        checks: [{ id: "node", name: "Node.js", ok: false, blocking: true, detail: "not found", fixHint: "Install Node.js 22." }],
      }),
    });
    renderApp();
    await screen.findByTestId("startup-check-node");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the setup screen has no serious violations", async () => {
    mockBackend({ get_settings: () => settingsView({ skillsPath: null, splashShown: false }, false) });
    renderApp();
    await screen.findByTestId("setup-screen");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the reconciliation dialog has no serious violations", async () => {
    mockBackend({
      reconcile_startup: () =>
        report({
          orphans: [{ skillName: "old", source: "skill-builder", kind: "folder_missing", missing: [], detectedStep: null, restorable: false, actions: ["keep"] }],
        }),
    });
    renderApp();
    await screen.findByTestId("reconciliation-dialog");
    expect(await seriousViolations()).toEqual([]);
  });

  it("every step of the new-skill dialog has no serious violations", async () => {
    mockBackend({ suggest_skill_fields: () => ({}) });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("create-skill-open"));
    await screen.findByTestId("create-skill-dialog");
    for (let step = 0; step < 4; step += 1) {
      expect(await seriousViolations()).toEqual([]);
      if (step < 3) await user.click(screen.getByTestId("create-skill-next"));
    }
  });
});

describe("accessibility (axe) of usage, history and settings with data", () => {
  const RUN = {
    runId: "run-1", agentId: "a1", skillName: "sales-kpis", kind: "workflow_step", stepId: 0, workflowSessionId: "ses-1",
    model: "claude-sonnet-4-5", models: "claude-sonnet-4-5", status: "completed", inputTokens: 10, outputTokens: 20,
    cacheReadTokens: 0, cacheWriteTokens: 0, totalCostUsd: 0.25, durationMs: 4000, numTurns: 3, toolUseCount: 1,
    compactionCount: 0, stopReason: null, errorCategory: null, startedAt: "2026-11-25T09:00:00.000Z", completedAt: null,
  };
  const COMMITS = [1, 2].map((index) => ({
    sha: String(index).repeat(40), shortSha: String(index).repeat(8), summary: `change ${index}`, body: "", authorName: "Ada",
    authorEmail: "ada@example.com", timestamp: "2026-11-25T09:00:00.000Z", event: index === 1 ? "restored" : null,
  }));
  const PATCH = "@@ -1,2 +1,2 @@\n # Sales\n-old\n+new\n";

  function backend() {
    mockBackend({
      list_workspace_skills: () => [{ name: "pdf-forms", origin: "upload", isActive: true, domain: null, skillType: null, description: "Fills PDF forms", version: null, model: null, argumentHint: null, userInvocable: null, disableModelInvocation: null, sourceRepo: null, sourceRef: null, sourceCommit: null, sourcePath: null, uploadFileName: null, contentSha256: "ab" }],
      get_usage_summary: () => ({ totalCostUsd: 1.5, runCount: 3, sessionCount: 1, avgCostPerRun: 0.5, avgCostPerSession: 1.5, inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 }),
      get_usage_by_step: () => [{ bucket: "step", stepId: 0, label: "Research", totalCostUsd: 1.5, runCount: 3 }],
      get_usage_by_model: () => [{ model: "claude-sonnet-4-5", totalCostUsd: 1.5, runCount: 3 }],
      get_recent_workflow_sessions: () => [
        { sessionId: "ses-1", kind: "workflow", skillName: "sales-kpis", steps: [0], runCount: 1, totalCostUsd: 0.25, inputTokens: 10, outputTokens: 20, durationMs: 4000, startedAt: "2026-11-25T09:00:00.000Z", endedAt: null },
      ],
      get_session_agent_runs: () => [RUN],
      get_skill_history: () => COMMITS,
      get_skill_diff: () => ({
        fromSha: COMMITS[1]?.sha, toSha: COMMITS[0]?.sha, stats: { filesChanged: 1, additions: 1, deletions: 1 },
        files: [{ path: "SKILL.md", oldPath: null, status: "modified", binary: false, additions: 1, deletions: 1, patch: PATCH, oldContent: null, newContent: null, truncated: false }],
      }),
      list_models: () => [{ id: "claude-opus-4-5", displayName: "Claude Opus 4.5" }],
    });
  }

  it("the usage page with charts and an expanded session", async () => {
    backend();
    const { user } = renderApp({ path: "/usage" });
    await user.click(await screen.findByTestId("session-toggle-ses-1"));
    await screen.findByTestId("session-runs-ses-1");
    await screen.findByTestId("usage-daily-chart");
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByTestId("usage-reset"));
    await screen.findByTestId("reset-usage-dialog");
    expect(await seriousViolations()).toEqual([]);
    // The lazy Recharts chunk loads cold here; the full suite on a shared machine took over 5 s.
  }, 15_000);

  it("the run log viewer with an expanded tool call", async () => {
    mockBackend({
      get_run_transcript: () => ({
        runId: "run-1", transcriptPath: "/ws/logs/x.jsonl", page: 0, hasMore: true,
        messages: [
          { seq: 1, items: [{ kind: "text", message_id: "m1", text: "Reading **the plan**", parent_tool_use_id: null }] },
          { seq: 2, items: [{ kind: "tool_use", message_id: "m2", tool_use_id: "t1", name: "Read", input: { file_path: "plan.md" }, parent_tool_use_id: null }] },
          { seq: 3, items: [{ kind: "tool_result", tool_use_id: "t1", is_error: false, text: "plan", truncated: false }] },
        ],
      }),
    });
    const { user } = renderApp({ path: "/runs/run-1" });
    await user.click(await screen.findByTestId("tool-toggle-t1"));
    await screen.findByTestId("tool-detail-t1");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the live agent output drawer", async () => {
    mockBackend({
      list_active_agents: () => [AGENT],
      get_agent_snapshot: () => ({
        agentId: "a1", state: "running",
        runs: [{ runId: "r1", label: "research", startedAt: AGENT.startedAt, outcome: null, summary: null, messages: [{ seq: 1, items: [{ kind: "text", message_id: "m1", text: "Working", parent_tool_use_id: null }] }], firstSeq: 1, lastSeq: 1, truncatedBefore: false }],
      }),
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("running-agents"));
    await user.click(await screen.findByTestId("agent-output-open-a1"));
    await screen.findByText("Working");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the history page with a diff and the restore dialog", async () => {
    backend();
    const { user } = renderApp({ path: "/skill/sales-kpis/history" });
    await screen.findByTestId("history-diff");
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByTestId("history-restore"));
    await screen.findByTestId("restore-dialog");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the refine page with a diff and its save and discard dialogs", async () => {
    const change = { path: "references/new.md", status: "added", binary: false, patch: "", hunks: [{ oldStart: 0, newStart: 1, lines: [{ op: "insert", text: "New\n" }] }] };
    mockBackend({
      list_skills: () => LIBRARY,
      acquire_lock: () => LOCK,
      release_lock: () => null,
      start_refine_session: () => ({ sessionId: "s1", skillName: "sales-kpis", baselineCommit: "b1", files: ["SKILL.md"] }),
      get_skill_content_for_refine: () => [{ path: "SKILL.md", content: "# Sales\n", bytes: 8 }],
      get_refine_diff: () => ({ baseSha: "b1", stat: { files: 1, insertions: 1, deletions: 0 }, files: [change] }),
      close_refine_session: () => ({ commitSha: null, discardedSha: null }),
    });
    const { user } = renderApp({ path: "/refine?skill=sales-kpis" });
    await user.click(await screen.findByTestId("refine-tab-diff"));
    await screen.findByTestId("refine-diff-view-session");
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByTestId("refine-save"));
    await screen.findByTestId("refine-save-dialog");
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(screen.getByTestId("refine-discard"));
    await screen.findByTestId("refine-discard-dialog");
    expect(await seriousViolations()).toEqual([]);
  });

  it.each(["general", "models", "building", "skills", "github", "advanced"])("the settings tab %s", async (tab) => {
    backend();
    renderApp({ path: `/settings?tab=${tab}` });
    await screen.findByTestId(`settings-panel-${tab}`);
    expect(await seriousViolations()).toEqual([]);
  });
});

describe("accessibility (axe) of the workflow page", () => {
  it("the Q&A editor and the gate dialog", async () => {
    const statuses = ["completed", "waiting_for_user"] as const;
    mockBackend({
      ...workflowBackend(() => workflowState([...statuses]), { "sales-kpis/context/clarifications.json": JSON.stringify(clarifications()) }),
      complete_review_step: () => ({ gate: null, next: null, evaluation: { verdict: "mixed", per_question: [{ id: "Q3", verdict: "not_answered" }] } }),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await screen.findByTestId("question-Q1");
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByTestId("complete-step"));
    await screen.findByTestId("gate-dialog");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the error view and the reset dialog", async () => {
    mockBackend({
      ...workflowBackend(() => workflowState(["error"])),
      preview_step_reset: () => ({ target: 0, checkpoint: true, agentsToStop: ["Step 1 run (running)"], steps: [{ step: 0, name: "Research", delete: ["context/research-plan.md"], edit: [{ path: "context/clarifications.json", summary: "remove 7 refinements" }] }] }),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("reset-step"));
    await screen.findByTestId("reset-dialog");
    expect(await seriousViolations()).toEqual([]);
  });

  it("the leave dialog", async () => {
    mockBackend(workflowBackend(() => workflowState(["in_progress"])));
    const { history } = renderApp({ path: "/skill/sales-kpis" });
    await screen.findByTestId("running-view");
    act(() => history.push("/"));
    await screen.findByTestId("leave-dialog");
    expect(await seriousViolations()).toEqual([]);
  });
});
