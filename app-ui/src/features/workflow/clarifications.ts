/**
 * The shape of `context/clarifications.json` the Q&A editor reads (agents-and-workflow.md §5.9).
 * bindings.ts has no artifact types (the file is read with `read_file`), so the fields the editor
 * uses are typed here; the backend validates the document, this only parses what it wrote.
 */
export type Choice = { key: string; text: string; other?: boolean };
export type Answer = { text: string; choice: string | null; source: "none" | "user" | "recommendation"; updated_at: string | null };
export type Item = {
  id: string;
  title: string;
  text?: string;
  rationale?: string;
  priority?: "required" | "optional";
  choices: Choice[];
  recommendation: { choice: string | null; text: string } | null;
  answer: Answer;
  refinements?: Item[];
};
export type Clarifications = {
  revision: number;
  scope: { recommendation: "ok" | "too_broad" | "not_relevant"; reason: string | null; suggested_action: string | null };
  sections: { title: string; questions: Item[] }[];
};

/** What the user typed and not yet saved (or saved but not yet read back). */
export type Draft = { text: string; choice: string | null };

export function parseClarifications(content: string): Clarifications {
  return JSON.parse(content.replace(/^\uFEFF/, "")) as Clarifications;
}

/** Review step 1 answers the questions, step 3 the refinements (§5.1). */
export function itemsInScope(doc: Clarifications, step: number): Item[] {
  const questions = doc.sections.flatMap((section) => section.questions);
  if (step !== 3) return questions;
  const refinements = (item: Item): Item[] => (item.refinements ?? []).flatMap((r) => [r, ...refinements(r)]);
  return questions.flatMap(refinements);
}

export function currentAnswer(item: Item, drafts: Record<string, Draft>): Draft {
  return drafts[item.id] ?? { text: item.answer.text, choice: item.answer.choice };
}

export function isAnswered(item: Item, drafts: Record<string, Draft>): boolean {
  return currentAnswer(item, drafts).text.trim() !== "";
}
