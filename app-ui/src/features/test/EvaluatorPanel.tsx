import { Link } from "@tanstack/react-router";
import { Button } from "../../components/ui/button";
import type { RunView } from "../../stores/agentRuns";
import { LiveAgentPanel } from "../agent";
import { evaluationOf, findingsDraft } from "./evaluation";

const ARROW: Record<string, string> = { a_better: "▲", b_better: "▼", same: "●" };

/** The evaluator's run, then its rows (▲ with the skill better, ▼ without) and recommendations. */
export function EvaluatorPanel({ skill, run }: { skill: string; run: RunView }) {
  const evaluation = run.outcome ? evaluationOf(run) : null;
  const findings = evaluation ? findingsDraft(evaluation) : "";
  return (
    <section aria-label="Evaluation" className="space-y-3" data-testid="test-evaluation">
      <h2 className="text-lg font-semibold">Evaluation</h2>
      <div className="h-64 overflow-hidden rounded-lg border border-border">
        <LiveAgentPanel runId={run.runId} />
      </div>
      {evaluation && (
        <>
          <ul className="space-y-1 text-sm" data-testid="test-comparisons">
            {evaluation.comparisons.map((row) => (
              <li key={row.dimension} data-direction={row.direction}>
                <span aria-label={row.direction.replace("_", " ")}>{ARROW[row.direction] ?? "●"}</span> <strong>{row.dimension}</strong>: {row.note}
              </li>
            ))}
          </ul>
          {evaluation.recommendations.length > 0 && (
            <ul className="list-disc pl-5 text-sm" data-testid="test-recommendations">
              {evaluation.recommendations.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          )}
          {findings && (
            <Button asChild variant="primary">
              <Link to="/refine" search={{ skill, findings }} data-testid="test-refine-findings">
                Refine with these findings
              </Link>
            </Button>
          )}
        </>
      )}
    </section>
  );
}
