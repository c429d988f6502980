import type { CommandError } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError } from "../../lib/commandError";
import { parseClarifications } from "./clarifications";
import { LeaveGuard } from "./LeaveGuard";
import { QaEditor } from "./QaEditor";
import { useAnswerAutosave } from "./useAnswerAutosave";
import { useSkillFile } from "./workflowQueries";

/**
 * A review step waiting for the user: the Q&A editor and Complete step, which saves what is
 * pending first; "Evaluating…" while the gate runs. A scope the research rejected shows its
 * reason instead (§5.5).
 */
export function ReviewView({
  name,
  step,
  evaluating,
  completing,
  completeError,
  onComplete,
  readOnly,
}: {
  name: string;
  step: number;
  evaluating: boolean;
  completing: boolean;
  completeError: CommandError | null;
  onComplete: (flush: () => Promise<void>) => void;
  readOnly: boolean;
}) {
  const file = useSkillFile(name, "context/clarifications.json");
  const doc = file.data ? parseClarifications(file.data.content) : null;
  const autosave = useAnswerAutosave(name, doc?.revision ?? 0);
  if (file.isError) return <CommandErrorMessage error={toCommandError(file.error)} testId="clarifications-error" />;
  if (!doc) return <p className="text-sm text-muted-foreground">Loading the questions…</p>;
  if (doc.scope.recommendation !== "ok") {
    return (
      <div className="rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="scope-warning">
        <p className="font-semibold">{doc.scope.recommendation === "too_broad" ? "The scope is too broad" : "The topic is not relevant"}</p>
        {doc.scope.reason && <p className="mt-1">{doc.scope.reason}</p>}
        {doc.scope.suggested_action && <p className="mt-1">{doc.scope.suggested_action}</p>}
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <LeaveGuard unsaved={autosave.hasUnsaved} agentRunning={false} onSave={autosave.flush} onStop={async () => undefined} />
      <QaEditor name={name} step={step} doc={doc} autosave={autosave} readOnly={readOnly || evaluating} />
      {completeError && <CommandErrorMessage error={completeError} testId="complete-error" />}
      <div className="flex justify-end">
        <Button variant="primary" disabled={readOnly || evaluating || completing} onClick={() => onComplete(autosave.flush)} data-testid="complete-step">
          {evaluating ? "Evaluating…" : "Complete step"}
        </Button>
      </div>
    </div>
  );
}
