import type { Value } from "../../bindings";
import type { RunView } from "../../stores/agentRuns";

export type Comparison = { dimension: string; direction: string; note: string };
export type Evaluation = { comparisons: Comparison[]; recommendations: string[] };

/** The evaluator's last text block: its JSON verdict (agents-and-workflow.md §7.2 step 2). */
function lastText(run: RunView): string {
  for (let index = run.items.length - 1; index >= 0; index -= 1) {
    const item = run.items[index]?.item as { kind?: unknown; text?: unknown } | undefined;
    if (item?.kind === "text" && typeof item.text === "string") return item.text;
  }
  return "";
}

function isComparison(value: Value): value is Comparison {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.dimension === "string" && typeof value.direction === "string";
}

/**
 * Reads the evaluator's JSON (fenced or bare) the way `skill_test_agents::comparison` does; text
 * that is not JSON gives no rows, and the evaluator's panel still shows it.
 */
export function parseEvaluation(text: string): Evaluation {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1] ?? text;
  try {
    const doc = JSON.parse(fenced.trim()) as { comparisons?: Value[]; recommendations?: Value[] };
    const comparisons = (doc.comparisons ?? []).filter(isComparison).map((c) => ({ dimension: c.dimension, direction: c.direction, note: typeof c.note === "string" ? c.note : "" }));
    const recommendations = (doc.recommendations ?? []).filter((r): r is string => typeof r === "string");
    return { comparisons, recommendations };
  } catch {
    return { comparisons: [], recommendations: [] };
  }
}

export function evaluationOf(run: RunView): Evaluation {
  return parseEvaluation(lastText(run));
}

/** What "Refine with these findings" prefills: the recommendations, then where plan B was better. */
export function findingsDraft(evaluation: Evaluation): string {
  const lines = [
    ...evaluation.recommendations.map((text) => `- ${text}`),
    ...evaluation.comparisons.filter((c) => c.direction === "b_better").map((c) => `- Without the skill, ${c.dimension} was better: ${c.note}`),
  ];
  return lines.length ? `Apply these test findings:\n${lines.join("\n")}` : "";
}

/** `0.82 ± 0.05` for an arm's pass rates; `—` when nothing ran. */
export function meanSd(mean: number | null, sd: number | null): string {
  if (mean === null) return "—";
  return `${mean.toFixed(2)} ± ${(sd ?? 0).toFixed(2)}`;
}
