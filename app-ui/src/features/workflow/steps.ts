/** What each step reads and writes (agents-and-workflow.md §5.1), for the pending view. */
export const STEP_INFO: Record<number, { reads: string; writes: string; agent: boolean; output?: string }> = {
  0: { reads: "Your description and context", writes: "context/research-plan.md, context/clarifications.json", agent: true, output: "context/research-plan.md" },
  1: { reads: "context/clarifications.json", writes: "Your answers", agent: false, output: "context/clarifications.md" },
  2: { reads: "Your answers and their evaluation", writes: "context/refinements.json", agent: true, output: "context/clarifications.md" },
  3: { reads: "The refinement questions", writes: "Your refinement answers", agent: false, output: "context/clarifications.md" },
  4: { reads: "context/clarifications.json, context/research-plan.md", writes: "context/decisions.json", agent: true, output: "context/decisions.md" },
  5: { reads: "The decisions and answers", writes: "SKILL.md, references/, evals/evals.json", agent: true, output: "SKILL.md" },
  6: { reads: "The skill folder and its decisions", writes: "context/validation.json", agent: true, output: "context/validation-report.md" },
};

/** The gate after a review step: step 1 → gate 1, step 3 → gate 2 (§5.6). */
export function gateOf(step: number): number {
  return step === 3 ? 2 : 1;
}
