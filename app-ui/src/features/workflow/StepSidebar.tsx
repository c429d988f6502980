import { AlertCircle, CheckCircle2, Circle, CircleSlash, Loader2, PauseCircle, SkipForward } from "lucide-react";
import type { StepStatus, WorkflowState } from "../../bindings";
import { cn } from "../../lib/utils";
import { VALIDATE_STEP } from "./workflowQueries";

const STATUS_LABEL: Record<StepStatus | "disabled", string> = {
  pending: "Pending",
  in_progress: "Running",
  waiting_for_user: "Waiting for you",
  completed: "Completed",
  skipped: "Skipped",
  error: "Error",
  disabled: "Disabled",
};

function StatusIcon({ status }: { status: StepStatus | "disabled" }) {
  const props = { className: "size-4 shrink-0", "aria-hidden": true } as const;
  switch (status) {
    case "completed":
      return <CheckCircle2 {...props} className="size-4 shrink-0 text-emerald-600" />;
    case "in_progress":
      return <Loader2 {...props} className="size-4 shrink-0 animate-spin text-indigo-600" />;
    case "waiting_for_user":
      return <PauseCircle {...props} className="size-4 shrink-0 text-amber-600" />;
    case "error":
      return <AlertCircle {...props} className="size-4 shrink-0 text-rose-600" />;
    case "skipped":
      return <SkipForward {...props} />;
    case "disabled":
      return <CircleSlash {...props} />;
    default:
      return <Circle {...props} />;
  }
}

export function formatDuration(startedAt: string | null, completedAt: string | null): string | null {
  if (!startedAt || !completedAt) return null;
  const seconds = Math.max(0, Math.round((Date.parse(completedAt) - Date.parse(startedAt)) / 1000));
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** Steps 1–6 plus "Validate (optional)", each with its status, duration and cost (§9.4). */
export function StepSidebar({
  state,
  costs,
  selected,
  onSelect,
  locked,
}: {
  state: WorkflowState;
  costs: Map<number, number | null> | undefined;
  selected: number;
  onSelect: (step: number) => void;
  /** An agent runs: step clicks are disabled (§5.10). */
  locked: boolean;
}) {
  const disabled = new Set(state.disabled.steps);
  const rows = [
    ...state.steps.map((step) => ({
      step: step.step,
      name: step.name,
      status: disabled.has(step.step) ? ("disabled" as const) : step.status,
      duration: formatDuration(step.startedAt ?? null, step.completedAt ?? null),
    })),
    {
      step: VALIDATE_STEP,
      name: "Validate (optional)",
      status: state.disabled.validateDisabled ? ("disabled" as const) : ("pending" as const),
      duration: null,
    },
  ];
  return (
    <nav aria-label="Workflow steps" className="w-64 shrink-0" data-testid="step-sidebar">
      <ol className="space-y-1">
        {rows.map((row) => {
          const cost = costs?.get(row.step);
          return (
            <li key={row.step}>
              <button
                type="button"
                onClick={() => onSelect(row.step)}
                disabled={locked && row.step !== selected}
                aria-current={row.step === selected ? "step" : undefined}
                data-testid={`step-${row.step}`}
                data-status={row.status}
                className={cn(
                  "flex w-full items-start gap-2 rounded-lg px-3 py-2 text-left text-sm hover:bg-muted disabled:cursor-not-allowed disabled:opacity-60",
                  row.step === selected && "bg-muted font-medium",
                )}
              >
                <StatusIcon status={row.status} />
                <span className="min-w-0 flex-1">
                  <span className="block">{row.step < VALIDATE_STEP ? `${row.step + 1}. ${row.name}` : row.name}</span>
                  <span className="block text-xs text-muted-foreground">
                    {STATUS_LABEL[row.status]}
                    {row.duration && ` · ${row.duration}`}
                    {cost != null && ` · $${cost.toFixed(2)}`}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
      {state.disabled.reason && (
        <p className="mt-3 rounded-lg bg-muted p-2 text-xs text-muted-foreground" data-testid="disabled-reason">
          {state.disabled.reason}
        </p>
      )}
    </nav>
  );
}
