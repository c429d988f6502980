import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { StepStatus } from "../../bindings";
import { callsOf, emitBackend, mockBackend } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { clarifications, workflowBackend, workflowState } from "./fixtures";

const FILE = "sales-kpis/context/clarifications.json";

function reviewBackend(doc = clarifications(), extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  let statuses: StepStatus[] = ["completed", "waiting_for_user"];
  const files = { [FILE]: JSON.stringify(doc), "sales-kpis/context/clarifications.md": "# Clarifications: sales-kpis\n\n### Q1: Stage conversion definition" };
  const calls = mockBackend({
    ...workflowBackend(() => workflowState(statuses), files),
    save_clarification_answers: (args) => ({ revision: (args.revision as number) + 1 }),
    ...extra,
  });
  return { calls, files, setStatuses: (next: StepStatus[]) => (statuses = next) };
}

describe("structured Q&A editor", () => {
  it("counts answered questions and fills an answer from a chip or the recommendation", async () => {
    const { calls } = reviewBackend();
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    expect((await screen.findByTestId("answered-counter")).textContent).toBe("1 / 3 answered");

    await user.click(screen.getByTestId("use-recommendation-Q1"));
    expect((screen.getByTestId("answer-Q1") as HTMLTextAreaElement).value).toBe("B — reverted moves are common in your CRM");
    expect(screen.getByTestId("choice-Q1-B").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("answered-counter").textContent).toBe("2 / 3 answered");

    await user.click(screen.getByTestId("choice-Q3-B"));
    expect((screen.getByTestId("answer-Q3") as HTMLTextAreaElement).value).toBe("HubSpot");
    expect(screen.getByTestId("answered-counter").textContent).toBe("3 / 3 answered");
    // Both edits go out together in one debounced save, with the document's revision.
    await waitFor(() => expect(callsOf(calls, "save_clarification_answers")).toHaveLength(1), { timeout: 3000 });
    expect(callsOf(calls, "save_clarification_answers")[0]).toEqual({
      skillName: "sales-kpis",
      revision: 7,
      answers: [
        { id: "Q1", text: "B — reverted moves are common in your CRM", choice: "B" },
        { id: "Q3", text: "HubSpot", choice: "B" },
      ],
    });
    await waitFor(() => expect(screen.getByTestId("save-status").textContent).toBe("Saved"));
  });

  it("autosaves typing once, a second after the last keystroke, then on the new revision", async () => {
    const { calls } = reviewBackend();
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    const answer = await screen.findByTestId("answer-Q3");
    await user.type(answer, "Salesforce");
    expect(screen.getByTestId("save-status").textContent).toBe("Unsaved changes…");
    expect(callsOf(calls, "save_clarification_answers")).toHaveLength(0);
    await waitFor(() => expect(callsOf(calls, "save_clarification_answers")).toHaveLength(1), { timeout: 3000 });
    expect(callsOf(calls, "save_clarification_answers")[0].answers).toEqual([{ id: "Q3", text: "Salesforce", choice: null }]);

    await user.type(answer, " CRM");
    await waitFor(() => expect(callsOf(calls, "save_clarification_answers")).toHaveLength(2), { timeout: 3000 });
    expect(callsOf(calls, "save_clarification_answers")[1]).toMatchObject({ revision: 8, answers: [{ id: "Q3", text: "Salesforce CRM" }] });
  });

  it("keeps the drafts on a stale revision and saves them again after a reload", async () => {
    let stale = true;
    const { calls, files } = reviewBackend(clarifications(), {
      save_clarification_answers: (args) => {
        if (stale) throw { code: "conflict", message: "The answers changed in another place", details: { reason: "stale_revision" } };
        return { revision: (args.revision as number) + 1 };
      },
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.type(await screen.findByTestId("answer-Q3"), "Salesforce");
    expect(await screen.findByTestId("save-error", {}, { timeout: 3000 })).toBeTruthy();
    expect((screen.getByTestId("answer-Q3") as HTMLTextAreaElement).value).toBe("Salesforce");

    stale = false;
    files[FILE] = JSON.stringify(clarifications({ revision: 9 }));
    await user.click(screen.getByTestId("reload-reapply"));
    await waitFor(() => expect(callsOf(calls, "save_clarification_answers")).toHaveLength(2), { timeout: 3000 });
    expect(callsOf(calls, "save_clarification_answers")[1]).toMatchObject({ revision: 9, answers: [{ id: "Q3", text: "Salesforce" }] });
  });

  it("asks before leaving with unsaved answers; Save and leave saves them first", async () => {
    const { calls } = reviewBackend();
    const { user, history } = renderApp({ path: "/skill/sales-kpis" });
    await user.type(await screen.findByTestId("answer-Q3"), "Salesforce");
    act(() => history.push("/"));
    const dialog = await screen.findByTestId("leave-dialog");
    expect(within(dialog).getByText("Unsaved answers")).toBeTruthy();
    await user.click(within(dialog).getByTestId("leave-save"));
    await screen.findByTestId("library-page");
    expect(callsOf(calls, "save_clarification_answers")).toHaveLength(1);
  });

  it("Stay keeps the page and the draft", async () => {
    reviewBackend();
    const { user, history } = renderApp({ path: "/skill/sales-kpis" });
    await user.type(await screen.findByTestId("answer-Q3"), "Salesforce");
    act(() => history.push("/"));
    await user.click(await screen.findByTestId("leave-stay"));
    await waitFor(() => expect(screen.queryByTestId("leave-dialog")).toBeNull());
    expect((screen.getByTestId("answer-Q3") as HTMLTextAreaElement).value).toBe("Salesforce");
  });

  it("filters to unanswered questions", async () => {
    reviewBackend();
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await screen.findByTestId("question-Q2");
    await user.click(screen.getByTestId("filter-unanswered"));
    expect(screen.queryByTestId("question-Q2")).toBeNull();
    expect(screen.getByTestId("question-Q1")).toBeTruthy();
  });

  it("fills empty answers with recommendations through autofill", async () => {
    const { calls, files } = reviewBackend(clarifications(), {
      autofill_clarifications: () => {
        const doc = clarifications({ revision: 8 });
        const q3 = doc.sections[1].questions[0];
        q3.answer = { text: "Salesforce", choice: "A", source: "recommendation", updated_at: null };
        files[FILE] = JSON.stringify(doc);
        return { filled: 1, ids: ["Q3"] };
      },
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("fill-recommendations"));
    expect(callsOf(calls, "autofill_clarifications")).toEqual([{ skillName: "sales-kpis" }]);
    await act(() => emitBackend({ event: "workflow-changed", payload: { skillName: "sales-kpis", step: 1, notice: null } }));
    expect(await screen.findByTestId("autofilled-Q3")).toBeTruthy();
    expect((screen.getByTestId("answer-Q3") as HTMLTextAreaElement).value).toBe("Salesforce");
  });

  it("shows the rendered Markdown read-only in its tab", async () => {
    reviewBackend();
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByRole("tab", { name: "Markdown" }));
    const markdown = await screen.findByTestId("qa-markdown");
    expect(within(markdown).getByRole("heading", { name: "Clarifications: sales-kpis" })).toBeTruthy();
    expect(within(markdown).queryByRole("textbox")).toBeNull();
  });
});

describe("gate dialog", () => {
  const EVALUATION = {
    verdict: "mixed",
    counts: { total: 3, clear: 1, needs_refinement: 0, vague: 1, not_answered: 1, answered: 1 },
    per_question: [
      { id: "Q1", verdict: "vague", note: '"standard" does not say which.' },
      { id: "Q2", verdict: "clear", note: "" },
      { id: "Q3", verdict: "not_answered", note: "" },
    ],
  };

  it("Complete step evaluates, then offers the verdict's choices and applies one", async () => {
    const { calls } = reviewBackend(clarifications(), {
      complete_review_step: () => ({ gate: { agentId: "g1", runId: "rg", sessionId: null }, next: null, evaluation: null }),
      apply_gate_decision: () => ({ filled: 1, started: { agentId: "a2", runId: "r2", sessionId: null } }),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("complete-step"));
    expect((await screen.findByTestId("complete-step")).textContent).toBe("Evaluating…");
    expect(callsOf(calls, "complete_review_step")).toEqual([{ skillName: "sales-kpis", step: 1 }]);

    await act(() => emitBackend({ event: "gate-result", payload: { skillName: "sales-kpis", gate: 1, evaluation: EVALUATION, error: null } }));
    const dialog = await screen.findByTestId("gate-dialog");
    expect(within(dialog).getByTestId("gate-unanswered").textContent).toBe("Unanswered: Q3");
    expect(within(dialog).getByTestId("gate-vague").textContent).toContain('Vague: Q1 — "standard" does not say which.');
    await user.click(within(dialog).getByRole("button", { name: "Auto-fill and research" }));
    await waitFor(() => expect(callsOf(calls, "apply_gate_decision")).toEqual([{ skillName: "sales-kpis", gate: 1, choice: "autofill_and_research" }]));
    await waitFor(() => expect(screen.queryByTestId("gate-dialog")).toBeNull());
  });

  it("Complete step saves the pending answers before it completes the review", async () => {
    const { calls } = reviewBackend(clarifications(), {
      complete_review_step: () => ({ gate: null, next: null, evaluation: null }),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.type(await screen.findByTestId("answer-Q3"), "Salesforce");
    await user.click(screen.getByTestId("complete-step"));
    await waitFor(() => expect(callsOf(calls, "complete_review_step")).toHaveLength(1));
    const order = calls.map((call) => call.cmd).filter((cmd) => cmd === "save_clarification_answers" || cmd === "complete_review_step");
    expect(order).toEqual(["save_clarification_answers", "complete_review_step"]);
  });

  it("Escape means Let me answer", async () => {
    const { calls } = reviewBackend(clarifications(), {
      complete_review_step: () => ({ gate: null, next: null, evaluation: { verdict: "sufficient", per_question: [] } }),
      apply_gate_decision: () => ({ filled: 0, started: null }),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("complete-step"));
    const dialog = await screen.findByTestId("gate-dialog");
    expect(within(dialog).getByRole("button", { name: "Run detailed research" })).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(callsOf(calls, "apply_gate_decision")).toEqual([{ skillName: "sales-kpis", gate: 1, choice: "let_me_answer" }]));
  });

  it("a failed gate offers Retry and Continue without evaluation", async () => {
    const { calls } = reviewBackend(clarifications(), {
      complete_review_step: () => ({ gate: { agentId: "g1", runId: "rg", sessionId: null }, next: null, evaluation: null }),
      run_answer_evaluator: () => ({ agent: { agentId: "g2", runId: "rg2", sessionId: null }, evaluation: null }),
      apply_gate_decision: () => ({ filled: 0, started: null }),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis" });
    await user.click(await screen.findByTestId("complete-step"));
    await screen.findByText("Evaluating…");
    await act(() => emitBackend({ event: "gate-result", payload: { skillName: "sales-kpis", gate: 1, evaluation: null, error: "the evaluation file is invalid" } }));
    expect((await screen.findByTestId("gate-error")).textContent).toBe("Could not evaluate your answers (the evaluation file is invalid).");
    await user.click(screen.getByTestId("gate-retry"));
    await waitFor(() => expect(callsOf(calls, "run_answer_evaluator")).toEqual([{ skillName: "sales-kpis", gate: 1 }]));
    await act(() => emitBackend({ event: "gate-result", payload: { skillName: "sales-kpis", gate: 1, evaluation: null, error: "timed out" } }));
    await user.click(await screen.findByTestId("gate-continue_unevaluated"));
    await waitFor(() => expect(callsOf(calls, "apply_gate_decision")).toEqual([{ skillName: "sales-kpis", gate: 1, choice: "continue_unevaluated" }]));
  });
});
