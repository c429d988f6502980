import type { AgentInfo, AgentKind } from "../bindings";

const KIND_LABELS: Record<AgentKind, string> = {
  workflow_step: "Workflow step",
  validate: "Validate",
  gate: "Answer check",
  refine: "Refine",
  test_with: "Test (with skill)",
  test_without: "Test (without skill)",
  test_eval: "Test evaluator",
  feedback: "Feedback",
};

export function agentLabel(agent: Pick<AgentInfo, "kind" | "skillName">): string {
  return agent.skillName ? `${agent.skillName} · ${KIND_LABELS[agent.kind]}` : KIND_LABELS[agent.kind];
}

/** "3 min" / "45 s" since an ISO time. */
export function elapsed(since: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(since)) / 1000));
  if (Number.isNaN(seconds)) return "";
  return seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
