import type { SkillSource, WorkflowStatus } from "../../bindings";

export const SOURCE_LABELS: Record<SkillSource, string> = {
  "skill-builder": "Skill Builder",
  marketplace: "Marketplace",
  imported: "Imported",
};

export const STATUS_LABELS: Record<WorkflowStatus, string> = {
  pending: "Pending",
  in_progress: "In progress",
  completed: "Completed",
};
