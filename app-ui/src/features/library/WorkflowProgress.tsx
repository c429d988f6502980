import type { SkillSummary } from "../../bindings";
import { STATUS_LABELS } from "./sources";

/** Steps 0–5 of the build workflow (agents-and-workflow.md §5.1); `currentStep` 6 means all are done. */
const STEP_COUNT = 6;

type Workflow = NonNullable<SkillSummary["workflow"]>;

export function WorkflowProgress({ workflow }: { workflow: Workflow }) {
  const shownStep = Math.min(workflow.currentStep + 1, STEP_COUNT);
  const percentDone = Math.round((workflow.currentStep / STEP_COUNT) * 100);
  return (
    <div data-testid="workflow-progress">
      <div className="flex justify-between text-xs text-muted-foreground">
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
        className="mt-1 h-1.5 overflow-hidden rounded-full bg-muted"
      >
        <div className="h-full rounded-full bg-primary" style={{ width: `${percentDone}%` }} />
      </div>
    </div>
  );
}
