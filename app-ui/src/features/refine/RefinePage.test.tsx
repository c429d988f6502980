import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { RefineDiff } from "../../bindings";
import { callsOf, emitBackend, mockBackend, skill } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { commandSuggestions, parseComposer, saveMessage } from "./refineQueries";

const LOCK = { skillName: "sales-kpis", instanceId: "me", pid: 1, purpose: "refine", acquiredAt: "2026-11-25T09:00:00Z", mine: true };
const SKILLS = [
  skill({ name: "sales-kpis", workflow: { currentStep: 5, status: "completed" } }),
  skill({ name: "legacy-etl", lock: { state: "other", holder: { instanceId: "x", pid: 9, purpose: "workflow", acquiredAt: "2026-11-25T09:00:00Z" } } }),
];
const FILES = [
  { path: "SKILL.md", content: "# Sales KPIs\n", bytes: 13 },
  { path: "references/glossary.md", content: "ARR: annual recurring revenue\n", bytes: 30 },
];
const EMPTY: RefineDiff = { baseSha: "b1", stat: { files: 0, insertions: 0, deletions: 0 }, files: [] };
const TURN: RefineDiff = {
  baseSha: null,
  stat: { files: 1, insertions: 2, deletions: 0 },
  files: [{ path: "references/new.md", status: "added", binary: false, patch: "", hunks: [{ oldStart: 0, newStart: 1, lines: [{ op: "insert", text: "New file\n" }, { op: "insert", text: "second\n" }] }] }],
};
const SESSION: RefineDiff = {
  baseSha: "b1",
  stat: { files: 2, insertions: 3, deletions: 1 },
  files: [
    { path: "SKILL.md", status: "modified", binary: false, patch: "", hunks: [{ oldStart: 1, newStart: 1, lines: [{ op: "delete", text: "# Sales\n" }, { op: "insert", text: "# Sales KPIs\n" }] }] },
    ...TURN.files,
  ],
};

/** A backend with one session `s1`; after a finished turn the diffs hold the changes. */
function backend() {
  let turnDone = false;
  const calls = mockBackend({
    list_skills: () => SKILLS,
    acquire_lock: () => LOCK,
    release_lock: () => null,
    check_lock: () => ({ state: "mine", holder: null }),
    start_refine_session: ({ skillName }) => ({ sessionId: "s1", skillName, baselineCommit: "b1", files: FILES.map((f) => f.path) }),
    get_skill_content_for_refine: () => FILES,
    send_refine_message: () => ({ agentId: "a1", runId: "r1", sessionId: "s1" }),
    get_refine_diff: ({ scope }) => (!turnDone ? EMPTY : scope === "session" ? SESSION : TURN),
    close_refine_session: () => ({ commitSha: "c0ffee0000", discardedSha: null }),
  });
  return { calls, finishTurn: () => (turnDone = true) };
}

async function finishRun(finishTurn: () => void) {
  finishTurn();
  await act(() => emitBackend({ event: "agent-exit", payload: { agentId: "a1", runId: "r1", outcome: "completed", error: null, summary: null } }));
}

describe("Refine page", () => {
  it("parses the composer's commands and prefills the save message", () => {
    expect(parseComposer("/validate")).toEqual({ command: "validate", text: "Validate the skill and fix what the checks report." });
    expect(parseComposer("/rewrite  tighten the intro")).toEqual({ command: "rewrite", text: "tighten the intro" });
    expect(parseComposer("/unknown x")).toEqual({ command: null, text: "/unknown x" });
    expect(parseComposer("  add a glossary ")).toEqual({ command: null, text: "add a glossary" });
    expect(commandSuggestions("/")).toEqual(["rewrite", "validate"]);
    expect(commandSuggestions("/v")).toEqual(["validate"]);
    expect(commandSuggestions("/validate x")).toEqual([]);
    expect(saveMessage(["first", "Add a glossary\nwith ARR"])).toBe("Add a glossary");
    expect(saveMessage(["x".repeat(100)])).toHaveLength(72);
  });

  it("disables locked skills, takes the lock before the session and previews the files", async () => {
    const { calls } = backend();
    renderApp({ path: "/refine?skill=sales-kpis" });
    await screen.findByTestId("refine-session", {}, { timeout: 5000 });
    const picker = screen.getByTestId<HTMLSelectElement>("refine-skill-picker");
    const option = (name: string) => within(picker).getByRole<HTMLOptionElement>("option", { name: new RegExp(name) });
    expect(option("legacy-etl").disabled).toBe(true);
    expect(option("sales-kpis").disabled).toBe(false);
    const order = calls.map((call) => call.cmd).filter((cmd) => cmd === "acquire_lock" || cmd === "start_refine_session");
    expect(order).toEqual(["acquire_lock", "start_refine_session"]);
    expect(callsOf(calls, "acquire_lock")).toEqual([{ name: "sales-kpis", purpose: "refine" }]);
    expect((await screen.findByTestId("refine-file-content")).textContent).toBe("# Sales KPIs\n");
  });

  it("sends a /validate turn, streams it, shows the turn and session diffs, and saves with the prefilled message", async () => {
    const { calls, finishTurn } = backend();
    const { user } = renderApp({ path: "/refine?skill=sales-kpis" });
    const input = await screen.findByTestId("refine-input", {}, { timeout: 5000 });
    expect(screen.getByTestId<HTMLButtonElement>("refine-save").disabled).toBe(true);

    await user.type(input, "/");
    await user.click(screen.getByTestId("refine-command-validate"));
    expect(screen.getByTestId("refine-command-badge").textContent).toBe("/validate");
    await user.type(input, "check the glossary{Enter}");
    await waitFor(() => expect(callsOf(calls, "send_refine_message")).toEqual([{ sessionId: "s1", text: "check the glossary", command: "validate", targets: [] }]));
    expect(await screen.findByTestId("agent-output-waiting-r1")).toBeTruthy();
    expect(screen.getByTestId("refine-status").textContent).toContain("Agent running");

    await finishRun(finishTurn);
    await waitFor(() => expect(screen.getByTestId("refine-status").textContent).toContain("2 unsaved files"));
    await user.click(screen.getByTestId("refine-tab-diff"));
    const turn = await screen.findByTestId("refine-diff-view-last_turn");
    expect(within(turn).getByTestId("refine-diff-file-references/new.md").textContent).toContain("added");
    expect(within(turn).getByText("New file").closest("tr")?.getAttribute("data-op")).toBe("insert");
    await user.click(screen.getByTestId("refine-diff-session"));
    expect((await screen.findByTestId("refine-diff-view-session-stat")).textContent).toBe("2 files changed, +3 −1");

    await user.click(screen.getByTestId("refine-save"));
    const message = await screen.findByTestId<HTMLInputElement>("refine-save-message");
    expect(message.value).toBe("check the glossary");
    await user.clear(message);
    await user.type(message, "Glossary checked");
    await user.click(screen.getByTestId("refine-save-confirm"));
    await waitFor(() => expect(callsOf(calls, "close_refine_session")).toEqual([{ sessionId: "s1", save: true, message: "Glossary checked" }]));
    // The saved session is not closed again; a fresh one starts.
    await waitFor(() => expect(callsOf(calls, "start_refine_session")).toHaveLength(2));
    expect(callsOf(calls, "close_refine_session")).toHaveLength(1);
  });

  it("lists the files before a discard, and guards leaving with unsaved changes", async () => {
    const { calls, finishTurn } = backend();
    const { user, history } = renderApp({ path: "/refine?skill=sales-kpis" });
    const input = await screen.findByTestId("refine-input", {}, { timeout: 5000 });
    await user.type(input, "add a file{Enter}");
    await waitFor(() => expect(callsOf(calls, "send_refine_message")).toHaveLength(1));
    await finishRun(finishTurn);
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>("refine-discard").disabled).toBe(false));

    await user.click(screen.getByTestId("refine-discard"));
    const files = await screen.findByTestId("refine-discard-files");
    expect(within(files).getAllByRole("listitem").map((item) => item.textContent)).toEqual(["SKILL.md", "references/new.md"]);
    await user.click(screen.getByRole("button", { name: "Cancel" }));

    await user.click(screen.getByTestId("nav-usage"));
    await screen.findByTestId("refine-leave-dialog");
    await user.click(screen.getByTestId("refine-leave-stay"));
    expect(history.location.pathname).toBe("/refine");
    expect(callsOf(calls, "close_refine_session")).toEqual([]);

    await user.click(screen.getByTestId("nav-usage"));
    await user.click(await screen.findByTestId("refine-leave-discard"));
    await waitFor(() => expect(history.location.pathname).toBe("/usage"));
    expect(callsOf(calls, "close_refine_session")[0]).toEqual({ sessionId: "s1", save: false, message: null });
  });
});
