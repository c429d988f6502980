import type { SkillSummary, WorkflowStatus } from "../../bindings";

/** Steps 0–5 of the build workflow (agents-and-workflow.md §5.1); `currentStep` 6 means all are done. */
const STEP_COUNT = 6;

const STATUS_LABELS: Record<WorkflowStatus, string> = {
  pending: "Pending",
  in_progress: "In progress",
  completed: "Completed",
};

type Workflow = NonNullable<SkillSummary["workflow"]>;

export function WorkflowProgress({ workflow }: { workflow: Workflow }) {
  const shownStep = Math.min(workflow.currentStep + 1, STEP_COUNT);
  const percentDone = Math.round((workflow.currentStep / STEP_COUNT) * 100);
  return (
    <div data-testid="workflow-progress">
      <div className="flex justify-between text-xs text-slate-500">
        <span>
          Step {shownStep} of {STEP_COUNT}
        </span>
        <span>{STATUS_LABELS[workflow.status]}</span>
      </div>
      <div
        role="progressbar"
        aria-label="Workflow progress"
        aria-valuemin={0}
        aria-valuemax={STEP_COUNT}
        aria-valuenow={workflow.currentStep}
        className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full rounded-full bg-indigo-500" style={{ width: `${percentDone}%` }} />
      </div>
    </div>
  );
}
