import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CommandError, SkillFilter, SkillSummary } from "../../bindings";
import { callsOf, mockBackend, skill } from "../../test/backend";
import { renderApp } from "../../test/renderApp";

const NO_FILTER: SkillFilter = { source: null, tag: null, search: null, status: null, sort: "recently_updated" };

async function pick(user: ReturnType<typeof renderApp>["user"], testId: string, option: string) {
  await user.click(screen.getByTestId(testId));
  await user.click(await screen.findByRole("option", { name: option }));
}

describe("Skills Library", () => {
  it("shows the empty state when the library has no skills", async () => {
    const calls = mockBackend({ list_skills: () => [] });
    renderApp();

    const empty = await screen.findByTestId("library-empty");
    expect(within(empty).getByText("No skills yet")).toBeTruthy();
    expect(within(empty).getByRole("button", { name: "Create your first skill" })).toBeTruthy();
    expect(callsOf(calls, "list_skills")).toEqual([{ filter: NO_FILTER }]);
  });

  it("lists skills with source, domain, tags, workflow progress and locks", async () => {
    mockBackend({
      list_skills: () => [
        skill({
          name: "sales-kpis",
          domain: "Sales analytics",
          description: "Pipeline and quota metrics.",
          tags: ["kpi", "sales"],
          workflow: { currentStep: 2, status: "in_progress" },
        }),
        skill({ name: "pdf-tools", source: "marketplace", workflow: null, tags: ["documents"] }),
        skill({
          name: "legacy-etl",
          source: "imported",
          workflow: null,
          lock: {
            state: "other",
            holder: { instanceId: "inst-2", pid: 4123, purpose: "workflow", acquiredAt: "2026-11-25T09:12:00.000Z" },
          },
        }),
      ],
      list_active_agents: () => [
        { agentId: "a1", kind: "workflow_step", skillName: "sales-kpis", runId: "r1", startedAt: "2026-11-25T09:00:00Z", model: "sonnet", pid: 1 },
      ],
    });
    const { user } = renderApp();

    const list = await screen.findByTestId("skill-list");
    expect(within(list).getAllByTestId(/^skill-card-/)).toHaveLength(3);

    const sales = within(screen.getByTestId("skill-card-sales-kpis"));
    expect(sales.getByText("Skill Builder")).toBeTruthy();
    expect(sales.getByText("Sales analytics")).toBeTruthy();
    expect(sales.getByText("Pipeline and quota metrics.")).toBeTruthy();
    expect(within(sales.getByRole("list", { name: "Tags" })).getAllByRole("listitem").map((tag) => tag.textContent)).toEqual(["kpi", "sales"]);
    expect(sales.getByText("Step 3 of 6")).toBeTruthy();
    expect(sales.getByText("In progress")).toBeTruthy();
    expect(sales.queryByTestId("lock-badge")).toBeNull();
    expect(await sales.findByTestId("skill-running")).toBeTruthy();
    expect(sales.getByRole("link", { name: "Continue" })).toBeTruthy();

    const pdf = within(screen.getByTestId("skill-card-pdf-tools"));
    expect(pdf.getByText("Marketplace")).toBeTruthy();
    expect(pdf.queryByTestId("workflow-progress")).toBeNull();

    const legacy = within(screen.getByTestId("skill-card-legacy-etl"));
    expect(legacy.getByText("Imported")).toBeTruthy();
    expect(legacy.getByTestId("lock-badge").getAttribute("aria-label")).toBe("Open in another window (pid 4123)");
    await user.click(legacy.getByTestId("skill-actions-legacy-etl"));
    expect((await screen.findByTestId("delete-skill-legacy-etl")).getAttribute("aria-disabled")).toBe("true");
    expect(screen.getByTestId("edit-skill-legacy-etl").getAttribute("aria-disabled")).toBe("true");
  });

  it("sends search, source, status and sort to list_skills, and clears them", async () => {
    const calls = mockBackend({
      list_skills: ({ filter }) => ((filter as SkillFilter).source === "imported" ? [] : [skill({ name: "sales-kpis" })]),
    });
    const { user } = renderApp();
    await screen.findByTestId("skill-card-sales-kpis");

    await user.type(screen.getByTestId("library-search"), "  sales ");
    await waitFor(() => expect(callsOf(calls, "list_skills").at(-1)).toEqual({ filter: { ...NO_FILTER, search: "sales" } }));

    await pick(user, "library-status-filter", "In progress");
    await pick(user, "library-sort", "Name");
    await waitFor(() =>
      expect(callsOf(calls, "list_skills").at(-1)).toEqual({ filter: { ...NO_FILTER, search: "sales", status: "in_progress", sort: "name" } }),
    );

    await pick(user, "library-source-filter", "Imported");
    const noMatch = await screen.findByTestId("library-no-match");
    await user.click(within(noMatch).getByRole("button", { name: "Clear filters" }));
    expect(await screen.findByTestId("skill-card-sales-kpis")).toBeTruthy();
    expect((screen.getByTestId("library-search") as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(callsOf(calls, "list_skills").at(-1)).toEqual({ filter: NO_FILTER }));
  });

  it("filters by type and by every chosen tag in the window", async () => {
    mockBackend({
      list_skills: () => [
        skill({ name: "sales-kpis", tags: ["kpi", "sales"] }),
        skill({ name: "sales-forecast", tags: ["sales"] }),
        skill({ name: "dbt-models", skillType: "platform", tags: ["kpi", "sales"] }),
      ],
      get_all_tags: () => ["kpi", "sales"],
    });
    const { user } = renderApp();
    await screen.findByTestId("skill-card-sales-kpis");

    await user.click(screen.getByTestId("library-tag-filter"));
    await user.click(await screen.findByRole("checkbox", { name: "kpi" }));
    await user.click(screen.getByRole("checkbox", { name: "sales" }));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("skill-card-sales-forecast")).toBeNull());
    expect(screen.getByTestId("skill-card-sales-kpis")).toBeTruthy();
    expect(screen.getByTestId("skill-card-dbt-models")).toBeTruthy();

    await pick(user, "library-type-filter", "platform");
    await waitFor(() => expect(screen.queryByTestId("skill-card-sales-kpis")).toBeNull());
    expect(screen.getByTestId("skill-card-dbt-models")).toBeTruthy();
  });

  it("renders only a window of 10,000 skills, in the list layout", async () => {
    const many: SkillSummary[] = Array.from({ length: 10_000 }, (_, i) => skill({ name: `skill-${String(i).padStart(5, "0")}` }));
    mockBackend({ list_skills: () => many });
    renderApp();

    await screen.findByTestId("skill-card-skill-00000");
    const rendered = screen.getAllByTestId(/^skill-card-/);
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(40);
    expect(screen.queryByTestId("skill-card-skill-09999")).toBeNull();
    // 10 or more skills default to the list layout (§9.4); the whole list is as tall as every row.
    expect(screen.getByTestId("library-view-list").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("skill-list").style.height).toBe(`${10_000 * 56}px`);
  });

  it("shows the backend error with its fix hint, and retries", async () => {
    let fail = true;
    mockBackend({
      list_skills: () => {
        if (fail) {
          throw { code: "not_configured", message: "No skills folder is set.", fixHint: "Choose a skills folder in Settings." } satisfies CommandError;
        }
        return [];
      },
    });
    const { user } = renderApp();

    const error = await screen.findByTestId("library-error");
    expect(within(error).getByText("No skills folder is set.")).toBeTruthy();
    expect(within(error).getByText("Choose a skills folder in Settings.")).toBeTruthy();

    fail = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("library-empty")).toBeTruthy();
  });

  it("deletes a skill after confirmation", async () => {
    let library = [skill({ name: "sales-kpis" }), skill({ name: "pdf-tools" })];
    const calls = mockBackend({
      list_skills: () => library,
      delete_skill: ({ name }) => {
        library = library.filter((s) => s.name !== name);
        return { checkpointSha: null, trashPath: null, removed: [`skills/${String(name)}`] };
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("skill-card-sales-kpis");

    await user.click(screen.getByTestId("skill-actions-sales-kpis"));
    await user.click(await screen.findByTestId("delete-skill-sales-kpis"));
    expect(await screen.findByRole("dialog", { name: "Delete sales-kpis?" })).toBeTruthy();
    expect(callsOf(calls, "delete_skill")).toEqual([]);
    await user.click(screen.getByTestId("delete-skill-confirm"));

    await waitFor(() => expect(screen.queryByTestId("skill-card-sales-kpis")).toBeNull());
    expect(screen.getByTestId("skill-card-pdf-tools")).toBeTruthy();
    expect(callsOf(calls, "delete_skill")).toEqual([{ name: "sales-kpis", deleteFiles: true }]);
  });

  it("edits details: renames, retags and patches only what changed", async () => {
    let library = [skill({ name: "sales-kpis", domain: "Sales", tags: ["kpi"] })];
    const calls = mockBackend({
      list_skills: () => library,
      rename_skill: ({ newName }) => {
        library = [skill({ ...library[0], name: String(newName) })];
        return library[0];
      },
      update_skill_tags: ({ tags }) => tags,
      update_skill_metadata: () => library[0],
    });
    const { user } = renderApp();
    await screen.findByTestId("skill-card-sales-kpis");

    await user.click(screen.getByTestId("skill-actions-sales-kpis"));
    await user.click(await screen.findByTestId("edit-skill-sales-kpis"));
    const name = await screen.findByTestId("edit-skill-name");
    await user.clear(name);
    await user.type(name, "sales-metrics");
    await user.type(screen.getByTestId("edit-skill-tags"), ", Quota");
    await user.click(screen.getByTestId("edit-skill-save"));

    await screen.findByTestId("skill-card-sales-metrics");
    expect(callsOf(calls, "rename_skill")).toEqual([{ oldName: "sales-kpis", newName: "sales-metrics" }]);
    expect(callsOf(calls, "update_skill_tags")).toEqual([{ name: "sales-metrics", tags: ["kpi", "quota"] }]);
    expect(callsOf(calls, "update_skill_metadata")).toEqual([]);
  });
});
