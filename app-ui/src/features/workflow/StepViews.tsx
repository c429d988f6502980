import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import type { StepState } from "../../bindings";
import { Button } from "../../components/ui/button";
import { LiveAgentPanel, Markdown } from "../agent";
import { DecisionsEditor } from "./DecisionsEditor";
import { STEP_INFO } from "./steps";
import { useSkillFile, useStepVerification } from "./workflowQueries";

function RunLogLink({ runId }: { runId: string | null }) {
  if (!runId) return null;
  return (
    <Button asChild>
      <Link to="/runs/$runId" params={{ runId }} data-testid="view-run-log">
        View run log
      </Link>
    </Button>
  );
}

/** Not started: what the step reads and writes, and Start step for agent steps (§9.4). */
export function PendingView({ step, disabled, onStart, starting }: { step: number; disabled: boolean; onStart: () => void; starting: boolean }) {
  const info = STEP_INFO[step];
  return (
    <div className="space-y-3 text-sm" data-testid="pending-view">
      <p>
        <span className="font-semibold">Reads:</span> {info.reads}
      </p>
      <p>
        <span className="font-semibold">Writes:</span> {info.writes}
      </p>
      {info.agent ? (
        <Button variant="primary" onClick={onStart} disabled={disabled || starting} data-testid="start-step">
          {step === 6 ? "Validate" : "Start step"}
        </Button>
      ) : (
        <p className="text-muted-foreground">This review opens when the step before it completes.</p>
      )}
    </div>
  );
}

/** The Validate action and, once it has run, its rendered report (§5.5). */
export function ValidateView({ name, disabled, onStart, starting }: { name: string; disabled: boolean; onStart: () => void; starting: boolean }) {
  const report = useSkillFile(name, "context/validation-report.md");
  return (
    <div className="space-y-4">
      <PendingView step={6} disabled={disabled} onStart={onStart} starting={starting} />
      {report.data && (
        <div className="rounded-xl border border-border bg-card p-4" data-testid="validation-report">
          <Markdown text={report.data.content} />
        </div>
      )}
    </div>
  );
}

/** A running agent: the live output panel (Stop is in its header). */
export function RunningView({ runId }: { runId: string | null }) {
  return (
    <div className="h-[60vh] overflow-hidden rounded-xl border border-border" data-testid="running-view">
      {runId ? <LiveAgentPanel runId={runId} /> : <p className="p-3 text-sm text-muted-foreground">Starting the agent…</p>}
    </div>
  );
}

/** A failed step: the category and message, Retry, Reset step and the run log (§5.2). */
export function ErrorView({ step, onRetry, onReset }: { step: StepState; onRetry: () => void; onReset: () => void }) {
  return (
    <div className="space-y-3" data-testid="error-view">
      <div role="alert" className="rounded-xl border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900 dark:bg-rose-950 dark:text-rose-100">
        <p className="font-semibold" data-testid="error-category">
          {step.errorCategory ?? "error"}
        </p>
        {step.errorMessage && <p className="mt-1">{step.errorMessage}</p>}
      </div>
      <div className="flex gap-2">
        <Button variant="primary" onClick={onRetry} data-testid="retry-step">
          Retry
        </Button>
        <Button onClick={onReset} data-testid="reset-step">
          Reset step
        </Button>
        <RunLogLink runId={step.lastRunId ?? null} />
      </div>
    </div>
  );
}

/** A completed step: its rendered output, verification warnings and what comes next (§9.4). */
export function CompletedView({
  name,
  step,
  decisionsEditable,
  actions,
  onReset,
}: {
  name: string;
  step: StepState;
  decisionsEditable: boolean;
  actions: ReactNode;
  onReset: () => void;
}) {
  const output = STEP_INFO[step.step]?.output;
  const file = useSkillFile(name, output ?? "", output !== undefined && step.step !== 4);
  const verification = useStepVerification(name, step.step, step.status === "completed" && STEP_INFO[step.step]?.agent === true);
  const warnings = verification.data?.warnings ?? [];
  return (
    <div className="space-y-4" data-testid="completed-view">
      {warnings.length > 0 && (
        <ul className="list-disc rounded-xl border border-amber-300 bg-amber-50 py-2 pr-3 pl-8 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="verification-warnings">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {step.step === 4 ? (
        <DecisionsEditor name={name} editable={decisionsEditable} />
      ) : (
        file.data && (
          <div className="rounded-xl border border-border bg-card p-4" data-testid="step-output">
            <Markdown text={file.data.content} />
          </div>
        )
      )}
      <div className="flex flex-wrap gap-2">
        {actions}
        <Button onClick={onReset} data-testid="reset-step">
          Reset to this step
        </Button>
        <RunLogLink runId={step.lastRunId ?? null} />
      </div>
    </div>
  );
}
