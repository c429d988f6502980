import { screen } from "@testing-library/react";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { mockBackend, report, settingsView, skill } from "./backend";
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
  ["/refine?skill=sales-kpis", "refine-page"],
  ["/test", "test-page"],
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
