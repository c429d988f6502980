import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AgentRunRecord, UsageByModel, UsageByStep, UsageFilter, UsageSummary, WorkflowSessionRecord } from "../../bindings";
import { callsOf, emitBackend, mockBackend } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { lastDays, toDailySeries } from "./dailySeries";
import { formatCount, formatUsd } from "./format";

const SUMMARY: UsageSummary = {
  totalCostUsd: 12.34567,
  runCount: 1234,
  sessionCount: 7,
  avgCostPerRun: 0.0100046,
  avgCostPerSession: 1.763667,
  inputTokens: 1_200_000,
  outputTokens: 34_567,
  cacheReadTokens: 5,
  cacheWriteTokens: null,
};
const BY_STEP: UsageByStep[] = [
  { bucket: "step", stepId: 0, label: "Research", totalCostUsd: 9.995, runCount: 3 },
  { bucket: "refine", stepId: null, label: "Refine", totalCostUsd: 0.0042, runCount: 2 },
  { bucket: "gate", stepId: null, label: "Answer check", totalCostUsd: null, runCount: 1 },
];
const BY_MODEL: UsageByModel[] = [
  { model: "claude-sonnet-4-5", totalCostUsd: 11.5, runCount: 5 },
  { model: "claude-haiku-4-5", totalCostUsd: 0.845, runCount: 2 },
];
const SESSION: WorkflowSessionRecord = {
  sessionId: "ses-1",
  kind: "workflow",
  skillName: "sales-kpis",
  steps: [0, 1],
  runCount: 2,
  totalCostUsd: 1.005,
  inputTokens: 10,
  outputTokens: 20,
  durationMs: 65_000,
  startedAt: "2026-11-25T09:00:00.000Z",
  endedAt: null,
};
const RUN: AgentRunRecord = {
  runId: "run-1",
  agentId: "a1",
  skillName: "sales-kpis",
  kind: "workflow_step",
  stepId: 0,
  workflowSessionId: "ses-1",
  model: "claude-sonnet-4-5",
  models: "claude-sonnet-4-5",
  status: "completed",
  inputTokens: 10,
  outputTokens: 20,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  totalCostUsd: 0.25,
  durationMs: 4_000,
  numTurns: 3,
  toolUseCount: 1,
  compactionCount: 0,
  stopReason: null,
  errorCategory: null,
  startedAt: "2026-11-25T09:00:00.000Z",
  completedAt: "2026-11-25T09:00:04.000Z",
};

const DAYS = lastDays(30);
/** Two days with spend: yesterday on two models, today on one. */
function dailyByModel(filter: UsageFilter): UsageByModel[] {
  if (filter.from === DAYS[28]?.from) return [{ model: "claude-sonnet-4-5", totalCostUsd: 2.5, runCount: 1 }, { model: "claude-haiku-4-5", totalCostUsd: 0.001, runCount: 1 }];
  if (filter.from === DAYS[29]?.from) return [{ model: "claude-sonnet-4-5", totalCostUsd: 0.126, runCount: 1 }];
  return [];
}

function usageBackend(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return mockBackend({
    get_usage_summary: () => SUMMARY,
    get_usage_by_step: () => BY_STEP,
    get_usage_by_model: ({ filter }) => ((filter as UsageFilter).from ? dailyByModel(filter as UsageFilter) : BY_MODEL),
    get_recent_workflow_sessions: () => [SESSION],
    get_session_agent_runs: () => [RUN],
    reset_usage: () => ({ runs: 9, sessions: 3, marker: "2026-11-25T10:00:00.000Z" }),
    ...extra,
  });
}

function tableRows(testId: string): string[][] {
  return within(screen.getByTestId(testId))
    .getAllByRole("row")
    .slice(1)
    .map((row) => within(row).getAllByRole("cell").map((cell) => cell.textContent ?? ""));
}

describe("Usage page", () => {
  it("formats costs to the cent, keeping four decimals below a cent", () => {
    expect(formatUsd(12.34567)).toBe("$12.35");
    expect(formatUsd(9.995)).toBe("$10.00");
    expect(formatUsd(0.0042)).toBe("$0.0042");
    expect(formatUsd(null)).toBe("$0.00");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
    expect(formatCount(1_234_567)).toBe("1,234,567");
  });

  it("draws the cards from get_usage_summary", async () => {
    usageBackend();
    renderApp({ path: "/usage" });
    expect((await screen.findByTestId("usage-total-cost-value")).textContent).toBe("$12.35");
    expect(screen.getByTestId("usage-total-cost-detail").textContent).toBe("$0.01 per run");
    expect(screen.getByTestId("usage-runs-value").textContent).toBe("1,234");
    expect(screen.getByTestId("usage-runs-detail").textContent).toBe("in 7 sessions");
    expect(screen.getByTestId("usage-avg-session-value").textContent).toBe("$1.76");
    expect(screen.getByTestId("usage-tokens-value").textContent).toBe("1,234,567");
    expect(screen.getByTestId("usage-tokens-detail").textContent).toBe("1,200,000 in · 34,567 out · 5 cache read · 0 cache write");
  });

  it("charts exactly the figures the backend returned, per step, per model and per day", async () => {
    const calls = usageBackend();
    renderApp({ path: "/usage" });
    await screen.findByTestId("usage-step-chart-table");
    expect(tableRows("usage-step-chart-table")).toEqual(BY_STEP.map((row) => [row.label, formatUsd(row.totalCostUsd), String(row.runCount)]));
    expect(tableRows("usage-model-chart-table")).toEqual(BY_MODEL.map((row) => [row.model, formatUsd(row.totalCostUsd), String(row.runCount)]));

    // The drawn bars: their lengths are in the ratio of the returned costs.
    const widths = [...screen.getByTestId("usage-model-chart").querySelectorAll("path.recharts-rectangle")].map((bar) => Number(bar.getAttribute("width")));
    expect(widths).toHaveLength(2);
    expect(widths[0]! / widths[1]!).toBeCloseTo(11.5 / 0.845, 1);

    await screen.findByTestId("usage-daily-table");
    // Yesterday's stack: a segment per model, heights in the ratio of their costs.
    const segments = [...screen.getByTestId("usage-daily-chart").querySelectorAll("path.recharts-rectangle")].map((bar) => Number(bar.getAttribute("height")));
    expect(segments).toHaveLength(3);
    // Series in model order (haiku, then sonnet), each by day.
    expect(segments[1]! / segments[2]!).toBeCloseTo(2.5 / 0.126, 1);
    expect(segments[1]! / segments[0]!).toBeCloseTo(2.5 / 0.001, -1);
    expect(tableRows("usage-daily-table")).toEqual([
      [DAYS[28]?.day, "claude-haiku-4-5", "$0.0010"],
      [DAYS[28]?.day, "claude-sonnet-4-5", "$2.50"],
      [DAYS[29]?.day, "claude-sonnet-4-5", "$0.13"],
    ]);
    // One by-model query per day, each over that day's window and the page's filter.
    const daily = callsOf(calls, "get_usage_by_model").filter((args) => (args.filter as UsageFilter).from);
    expect(daily.map((args) => [(args.filter as UsageFilter).from, (args.filter as UsageFilter).to])).toEqual(DAYS.map((day) => [day.from, day.to]));
    expect(daily.every((args) => (args.filter as UsageFilter).includeMock === false)).toBe(true);
  });

  it("builds chart rows with the returned numbers untouched", () => {
    const days = lastDays(2, new Date(2026, 10, 25, 15, 0));
    expect(days.map((day) => day.day)).toEqual(["2026-11-24", "2026-11-25"]);
    expect(new Date(days[1]!.from).getTime() - new Date(days[0]!.to).getTime()).toBe(1);
    const series = toDailySeries(days, [[{ model: "b", totalCostUsd: 0.123456, runCount: 1 }], [{ model: "a", totalCostUsd: null, runCount: 1 }]]);
    expect(series).toEqual({ models: ["a", "b"], rows: [{ day: "2026-11-24", b: 0.123456 }, { day: "2026-11-25", a: 0 }] });
  });

  it("sends the toggles as the usage filter", async () => {
    const calls = usageBackend();
    const { user } = renderApp({ path: "/usage" });
    await screen.findByTestId("usage-cards");
    expect(callsOf(calls, "get_usage_summary").at(-1)).toEqual({ filter: { hideCancelled: false, includeMock: false, from: null, to: null, skillName: null } });
    await user.click(screen.getByTestId("usage-hide-cancelled"));
    await user.click(screen.getByTestId("usage-include-mock"));
    await waitFor(() =>
      expect(callsOf(calls, "get_usage_summary").at(-1)).toEqual({ filter: { hideCancelled: true, includeMock: true, from: null, to: null, skillName: null } }),
    );
    expect(callsOf(calls, "get_recent_workflow_sessions").at(-1)).toEqual({ limit: 50, filter: { hideCancelled: true, includeMock: true, from: null, to: null, skillName: null } });
  });

  it("expands a session to its runs", async () => {
    const calls = usageBackend();
    const { user } = renderApp({ path: "/usage" });
    expect((await screen.findByTestId("session-cost-ses-1")).textContent).toBe("$1.01");
    const toggle = screen.getByTestId("session-toggle-ses-1");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await user.click(toggle);
    expect((await screen.findByTestId("run-cost-run-1")).textContent).toBe("$0.25");
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(callsOf(calls, "get_session_agent_runs")).toEqual([{ sessionId: "ses-1", includeReset: false }]);
  });

  it("links each run of a session to its run log", async () => {
    usageBackend({ get_run_transcript: () => ({ runId: "run-1", transcriptPath: "/ws/logs/x.jsonl", page: 0, hasMore: false, messages: [] }) });
    const { user } = renderApp({ path: "/usage" });
    await user.click(await screen.findByTestId("session-toggle-ses-1"));
    await user.click(await screen.findByTestId("run-log-link-run-1"));
    expect(await screen.findByTestId("run-log-page")).toBeTruthy();
    expect(screen.getByText("run-1")).toBeTruthy();
  });

  it("resets usage only after confirmation, then refetches the figures", async () => {
    let reset = false;
    const calls = usageBackend({
      reset_usage: () => {
        reset = true;
        return { runs: 9, sessions: 3, marker: "2026-11-25T10:00:00.000Z" };
      },
      get_usage_summary: () => (reset ? { ...SUMMARY, totalCostUsd: 0, runCount: 0 } : SUMMARY),
    });
    const { user } = renderApp({ path: "/usage" });
    await screen.findByTestId("usage-cards");
    await user.click(screen.getByTestId("usage-reset"));
    await screen.findByTestId("reset-usage-dialog");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(callsOf(calls, "reset_usage")).toHaveLength(0);

    await user.click(screen.getByTestId("usage-reset"));
    await user.click(await screen.findByTestId("reset-usage-confirm"));
    await waitFor(() => expect(screen.getByTestId("usage-total-cost-value").textContent).toBe("$0.00"));
    expect(callsOf(calls, "reset_usage")).toHaveLength(1);
    expect(screen.queryByTestId("reset-usage-dialog")).toBeNull();
    expect(await screen.findByText("9 runs and 3 sessions hidden.")).toBeTruthy();
  });

  it("refetches the figures when a run ends", async () => {
    let ended = false;
    usageBackend({ get_usage_summary: () => (ended ? { ...SUMMARY, runCount: 1235 } : SUMMARY) });
    renderApp({ path: "/usage" });
    expect((await screen.findByTestId("usage-runs-value")).textContent).toBe("1,234");
    ended = true;
    await act(() => emitBackend({ event: "agent-exit", payload: { agentId: "a1", runId: "run-2", outcome: "completed", error: null, summary: null } }));
    await waitFor(() => expect(screen.getByTestId("usage-runs-value").textContent).toBe("1,235"));
  });

  it("shows a backend error with its fix hint", async () => {
    usageBackend({
      get_usage_summary: () => {
        throw { code: "database", message: "The database is busy", fixHint: "Try again in a moment." };
      },
    });
    renderApp({ path: "/usage" });
    const error = await screen.findByTestId("usage-error");
    expect(error.textContent).toContain("Try again in a moment.");
  });
});
