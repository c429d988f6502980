import type { StepStatus, WorkflowState } from "../../bindings";
import type { Clarifications } from "./clarifications";

export const LOCK = { skillName: "sales-kpis", instanceId: "me", pid: 1, purpose: "workflow", acquiredAt: "2026-11-25T09:00:00Z", mine: true };
const NAMES = ["Research", "Review", "Detailed Research", "Review", "Confirm Decisions", "Generate Skill"];

/** A workflow state with the given statuses for steps 0–5 (the rest pending). */
export function workflowState(statuses: StepStatus[], overrides: Partial<WorkflowState> = {}): WorkflowState {
  const steps = NAMES.map((name, step) => ({
    step,
    name,
    status: statuses[step] ?? "pending",
    startedAt: statuses[step] === "completed" ? "2026-11-25T09:00:00Z" : null,
    completedAt: statuses[step] === "completed" ? "2026-11-25T09:01:05Z" : null,
    lastRunId: statuses[step] && statuses[step] !== "pending" ? `run-${step}` : null,
    errorCategory: statuses[step] === "error" ? "agent_error" : null,
    errorMessage: statuses[step] === "error" ? "The agent stopped: out of turns" : null,
    gateDecision: null,
  }));
  const currentStep = steps.findIndex((s) => s.status !== "completed" && s.status !== "skipped");
  return {
    skillName: "sales-kpis",
    status: "in_progress",
    steps,
    currentStep: currentStep === -1 ? 6 : currentStep,
    selectedStep: null,
    disabled: { steps: [], validateDisabled: false, reason: null },
    activeAgent: null,
    ...overrides,
  };
}

export function clarifications(overrides: Partial<Clarifications> = {}): Clarifications {
  const choices = [
    { key: "A", text: "First entry into the next stage" },
    { key: "B", text: "Entry not reverted within 7 days" },
    { key: "C", text: "Other (please specify)", other: true },
  ];
  const empty = { text: "", choice: null, source: "none" as const, updated_at: null };
  return {
    revision: 7,
    scope: { recommendation: "ok", reason: null, suggested_action: null },
    sections: [
      {
        title: "Pipeline metrics",
        questions: [
          {
            id: "Q1",
            title: "Stage conversion definition",
            priority: "required",
            text: "How do you count a deal as converted between stages?",
            choices,
            recommendation: { choice: "B", text: "B — reverted moves are common in your CRM" },
            answer: empty,
          },
          {
            id: "Q2",
            title: "Fiscal year",
            priority: "optional",
            text: "When does your fiscal year start?",
            choices: [
              { key: "A", text: "January" },
              { key: "B", text: "April" },
            ],
            recommendation: { choice: "A", text: "January" },
            answer: { text: "April", choice: "B", source: "user", updated_at: "2026-11-25T09:00:00Z" },
          },
        ],
      },
      {
        title: "Data sources",
        questions: [
          {
            id: "Q3",
            title: "CRM",
            priority: "required",
            text: "Which CRM holds the deals?",
            choices: [
              { key: "A", text: "Salesforce" },
              { key: "B", text: "HubSpot" },
            ],
            recommendation: { choice: "A", text: "Salesforce" },
            answer: empty,
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** The backend handlers every workflow page test needs, with the state and files given. */
export function workflowBackend(state: () => WorkflowState, files: Record<string, string> = {}) {
  return {
    acquire_lock: () => LOCK,
    release_lock: () => null,
    check_lock: () => ({ state: "mine", holder: null }),
    get_workflow_state: () => state(),
    get_usage_by_step: () => [
      { bucket: "step_0", stepId: 0, label: "Research", totalCostUsd: 0.42, runCount: 1 },
    ],
    save_workflow_state: () => null,
    verify_step_output: (args: Record<string, unknown>) => ({ stepId: args.step, ok: true, files: [], missing: [], errors: [], warnings: [] }),
    read_file: (args: Record<string, unknown>) => {
      const path = (args.file as { path: string }).path;
      const content = files[path];
      if (content === undefined) throw { code: "not_found", message: `${path} does not exist` };
      return { content, sha256: "x", sizeBytes: content.length, modifiedAt: null };
    },
  };
}
