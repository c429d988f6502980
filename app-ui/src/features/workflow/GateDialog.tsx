import { useMutation } from "@tanstack/react-query";
import { commands, type GateChoice, type Value } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { toCommandError, unwrap } from "../../lib/commandError";

/** What the gate produced: the evaluation, or why it could not be made (`gate-result`, §5.6). */
export type GateOutcome = { gate: number; evaluation: Value | null; error: string | null };

type Evaluation = {
  verdict: "sufficient" | "mixed" | "insufficient";
  counts?: Record<string, number>;
  reasoning?: string;
  per_question?: { id: string; verdict: string; note?: string }[];
};

type Option = { choice: GateChoice; label: string; primary?: boolean };

/** The choices of §5.6's table, by gate and verdict. */
export function gateOptions(gate: number, verdict: Evaluation["verdict"]): Option[] {
  const letMe: Option = { choice: "let_me_answer", label: "Let me answer" };
  if (gate === 1) {
    if (verdict === "sufficient")
      return [
        { choice: "research_anyway", label: "Run detailed research", primary: true },
        { choice: "skip", label: "Skip to decisions" },
      ];
    if (verdict === "mixed") return [letMe, { choice: "autofill_and_research", label: "Auto-fill and research", primary: true }];
    return [letMe, { choice: "autofill_and_skip", label: "Auto-fill and skip to decisions", primary: true }];
  }
  if (verdict === "sufficient")
    return [
      { choice: "let_me_answer", label: "Back to review" },
      { choice: "continue_to_decisions", label: "Continue to decisions", primary: true },
    ];
  return [letMe, { choice: "autofill_and_continue", label: "Auto-fill and continue", primary: true }];
}

function listOf(evaluation: Evaluation, verdict: string) {
  return (evaluation.per_question ?? []).filter((entry) => entry.verdict === verdict);
}

/**
 * The gate's decision dialog (§5.6): counts, the unanswered and vague lists, and the choices for
 * the verdict; on a failed gate, Retry, Continue without evaluation and Let me answer. Esc is
 * "Let me answer".
 */
export function GateDialog({
  name,
  outcome,
  onClose,
  onRetry,
}: {
  name: string;
  outcome: GateOutcome | null;
  onClose: () => void;
  onRetry: () => void;
}) {
  const apply = useMutation({
    mutationFn: (choice: GateChoice) => unwrap(commands.applyGateDecision(name, outcome?.gate ?? 1, choice)),
    onSuccess: () => onClose(),
  });
  const choose = (choice: GateChoice) => apply.mutate(choice);
  const evaluation = outcome?.evaluation as Evaluation | null | undefined;
  const unanswered = evaluation ? listOf(evaluation, "not_answered") : [];
  const vague = evaluation ? listOf(evaluation, "vague") : [];
  return (
    <Dialog open={outcome !== null} onOpenChange={(open) => !open && !apply.isPending && choose("let_me_answer")}>
      <DialogContent
        title={outcome?.error ? "Could not evaluate your answers" : "How complete are your answers?"}
        data-testid="gate-dialog"
        className="max-w-lg"
      >
        {outcome?.error ? (
          <p className="text-sm" data-testid="gate-error">
            Could not evaluate your answers ({outcome.error}).
          </p>
        ) : evaluation ? (
          <div className="space-y-2 text-sm">
            <p data-testid="gate-verdict">
              Verdict: <strong>{evaluation.verdict}</strong>
              {evaluation.counts && ` · ${evaluation.counts.answered ?? 0} of ${evaluation.counts.total ?? 0} answered`}
            </p>
            {evaluation.reasoning && <p className="text-muted-foreground">{evaluation.reasoning}</p>}
            {unanswered.length > 0 && <p data-testid="gate-unanswered">Unanswered: {unanswered.map((entry) => entry.id).join(", ")}</p>}
            {vague.length > 0 && (
              <ul data-testid="gate-vague" className="list-disc pl-5">
                {vague.map((entry) => (
                  <li key={entry.id}>
                    Vague: {entry.id}
                    {entry.note && ` — ${entry.note}`}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : null}
        {apply.isError && (
          <div className="mt-3">
            <CommandErrorMessage error={toCommandError(apply.error)} testId="gate-apply-error" />
          </div>
        )}
        <DialogFooter className="flex-wrap">
          {outcome?.error ? (
            <>
              <Button onClick={() => choose("let_me_answer")} data-testid="gate-let_me_answer">
                Let me answer
              </Button>
              <Button onClick={() => choose("continue_unevaluated")} disabled={apply.isPending} data-testid="gate-continue_unevaluated">
                Continue without evaluation
              </Button>
              <Button variant="primary" onClick={onRetry} data-testid="gate-retry">
                Retry
              </Button>
            </>
          ) : (
            evaluation &&
            gateOptions(outcome?.gate ?? 1, evaluation.verdict).map((option) => (
              <Button
                key={option.choice}
                variant={option.primary ? "primary" : "secondary"}
                disabled={apply.isPending}
                onClick={() => choose(option.choice)}
                data-testid={`gate-${option.choice}`}
              >
                {option.label}
              </Button>
            ))
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
