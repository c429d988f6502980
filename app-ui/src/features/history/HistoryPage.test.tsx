import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SkillCommit, SkillDiff } from "../../bindings";
import { callsOf, mockBackend } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { HISTORY_PAGE } from "./historyQueries";
import { parsePatch } from "./parsePatch";

function commit(index: number, overrides: Partial<SkillCommit> = {}): SkillCommit {
  const sha = String(index).padStart(2, "0").repeat(20);
  return {
    sha,
    shortSha: sha.slice(0, 8),
    summary: `sales-kpis: change ${index}`,
    body: "",
    authorName: "Ada",
    authorEmail: "ada@example.com",
    timestamp: "2026-11-25T09:00:00.000Z",
    event: null,
    ...overrides,
  };
}

const PATCH = "diff --git a/SKILL.md b/SKILL.md\n--- a/SKILL.md\n+++ b/SKILL.md\n@@ -1,3 +1,3 @@\n # Sales\n-old line\n+new line\n context\n";
function diff(from: string, to: string | null): SkillDiff {
  return {
    fromSha: from,
    toSha: to,
    stats: { filesChanged: 2, additions: 3, deletions: 1 },
    files: [
      { path: "SKILL.md", oldPath: null, status: "modified", binary: false, additions: 1, deletions: 1, patch: PATCH, oldContent: null, newContent: null, truncated: false },
      { path: "references/new.md", oldPath: null, status: "added", binary: false, additions: 2, deletions: 0, patch: "@@ -0,0 +1,2 @@\n+a\n+b\n", oldContent: null, newContent: "a\nb\n", truncated: false },
    ],
  };
}

const THREE = [commit(3), commit(2, { event: "restored" }), commit(1, { summary: "sales-kpis: created" })];

describe("History page", () => {
  it("numbers the lines of a patch on both sides", () => {
    const [hunk] = parsePatch(PATCH);
    expect(hunk?.lines).toEqual([
      { kind: "context", text: "# Sales", oldNumber: 1, newNumber: 1 },
      { kind: "removed", text: "old line", oldNumber: 2, newNumber: null },
      { kind: "added", text: "new line", oldNumber: null, newNumber: 2 },
      { kind: "context", text: "context", oldNumber: 3, newNumber: 3 },
    ]);
  });

  it("lists the commits and diffs the newest against its predecessor, then against now", async () => {
    const calls = mockBackend({
      get_skill_history: () => THREE,
      get_skill_diff: ({ fromSha, toSha }) => diff(fromSha as string, toSha as string | null),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis/history" });
    const list = await screen.findByTestId("history-commits");
    expect(within(list).getAllByRole("button").map((button) => button.querySelector("span")?.textContent)).toEqual(THREE.map((c) => c.summary));
    expect(within(list).getByText("restored")).toBeTruthy();

    await screen.findByTestId("history-diff");
    expect(callsOf(calls, "get_skill_diff")).toEqual([{ skillName: "sales-kpis", fromSha: THREE[1]?.sha, toSha: THREE[0]?.sha }]);
    expect(screen.getByTestId("history-diff-stats").textContent).toBe("2 files changed, +3 −1");
    const skillMd = within(screen.getByTestId("diff-file-SKILL.md"));
    expect(skillMd.getByText("modified")).toBeTruthy();
    expect(skillMd.getByText("new line").closest("tr")?.getAttribute("data-kind")).toBe("added");
    expect(within(screen.getByTestId("diff-file-references/new.md")).getByText("added")).toBeTruthy();

    await user.click(screen.getByTestId("history-compare-current"));
    await waitFor(() => expect(callsOf(calls, "get_skill_diff").at(-1)).toEqual({ skillName: "sales-kpis", fromSha: THREE[0]?.sha, toSha: null }));

    await user.click(screen.getByTestId(`commit-${THREE[2]?.shortSha}`));
    expect(await screen.findByTestId("history-first-commit")).toBeTruthy();
  });

  it("pages with beforeSha and asks for the predecessor of the last loaded commit", async () => {
    const first = Array.from({ length: HISTORY_PAGE }, (_, index) => commit(90 - index));
    const calls = mockBackend({
      get_skill_history: ({ limit, beforeSha }) => {
        if (beforeSha === null) return first;
        if (limit === 1) return [commit(7)];
        return [commit(7), commit(6)];
      },
      get_skill_diff: ({ fromSha, toSha }) => diff(fromSha as string, toSha as string | null),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis/history" });
    await screen.findByTestId("history-diff");
    const last = first.at(-1) as SkillCommit;
    await user.click(screen.getByTestId(`commit-${last.shortSha}`));
    await waitFor(() => expect(callsOf(calls, "get_skill_diff").at(-1)).toEqual({ skillName: "sales-kpis", fromSha: commit(7).sha, toSha: last.sha }));
    expect(callsOf(calls, "get_skill_history")).toContainEqual({ skillName: "sales-kpis", limit: 1, beforeSha: last.sha });

    await user.click(screen.getByTestId("history-more"));
    expect(await screen.findByTestId(`commit-${commit(6).shortSha}`)).toBeTruthy();
    expect(callsOf(calls, "get_skill_history")).toContainEqual({ skillName: "sales-kpis", limit: HISTORY_PAGE, beforeSha: last.sha });
    expect(screen.queryByTestId("history-more")).toBeNull();
  });

  it("restores only after confirming, saying agents stop and a checkpoint comes first", async () => {
    const calls = mockBackend({
      get_skill_history: () => THREE,
      get_skill_diff: ({ fromSha, toSha }) => diff(fromSha as string, toSha as string | null),
      restore_skill_version: () => ({ checkpointSha: "c".repeat(40), restoredFrom: THREE[1]?.sha, commitSha: "d".repeat(40) }),
    });
    const { user } = renderApp({ path: "/skill/sales-kpis/history" });
    await user.click(await screen.findByTestId(`commit-${THREE[1]?.shortSha}`));
    await user.click(screen.getByTestId("history-restore"));
    const dialog = await screen.findByTestId("restore-dialog");
    expect(dialog.textContent).toContain("Agents working on this skill are stopped");
    expect(dialog.textContent).toContain("checkpoint");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(callsOf(calls, "restore_skill_version")).toEqual([]);

    await user.click(screen.getByTestId("history-restore"));
    await user.click(await screen.findByTestId("restore-confirm"));
    await waitFor(() => expect(screen.queryByTestId("restore-dialog")).toBeNull());
    expect(callsOf(calls, "restore_skill_version")).toEqual([{ skillName: "sales-kpis", sha: THREE[1]?.sha }]);
    expect(await screen.findByText("Committed dddddddd. Checkpoint cccccccc.")).toBeTruthy();
    // The list is reread: the restore is a new commit.
    await waitFor(() => expect(callsOf(calls, "get_skill_history").length).toBeGreaterThan(1));
  });

  it("keeps the dialog open with the backend's reason when the restore is refused", async () => {
    mockBackend({
      get_skill_history: () => THREE,
      get_skill_diff: ({ fromSha, toSha }) => diff(fromSha as string, toSha as string | null),
      restore_skill_version: () => {
        throw { code: "conflict", message: "A refine session of 'sales-kpis' is open", fixHint: "Save or discard it first.", details: { reason: "refine_unsaved" } };
      },
    });
    const { user } = renderApp({ path: "/skill/sales-kpis/history" });
    await user.click(await screen.findByTestId("history-restore"));
    await user.click(await screen.findByTestId("restore-confirm"));
    expect((await screen.findByTestId("restore-error")).textContent).toContain("Save or discard it first.");
    expect(screen.getByTestId("restore-dialog")).toBeTruthy();
  });
});
