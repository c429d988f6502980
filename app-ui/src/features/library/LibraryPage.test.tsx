import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CommandError, CreateSkillRequest_Serialize, SkillFilter, SkillSummary } from "../../bindings";
import { callsOf, mockBackend, skill } from "../../test/backend";
import { renderApp } from "../../test/renderApp";

const NO_FILTER: SkillFilter = { source: null, tag: null, search: null, status: null };

describe("Skills Library", () => {
  it("shows the empty state when the library has no skills", async () => {
    const calls = mockBackend({ list_skills: () => [] });
    renderApp();

    expect(screen.getByTestId("library-loading")).toBeTruthy();
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
    });
    renderApp();

    const list = await screen.findByTestId("skill-list");
    expect(list.children).toHaveLength(3);

    const sales = within(screen.getByTestId("skill-card-sales-kpis"));
    expect(sales.getByText("Skill Builder")).toBeTruthy();
    expect(sales.getByText("Sales analytics")).toBeTruthy();
    expect(sales.getByText("Pipeline and quota metrics.")).toBeTruthy();
    expect(sales.getAllByRole("listitem").map((tag) => tag.textContent)).toEqual(["kpi", "sales"]);
    expect(sales.getByText("Step 3 of 6")).toBeTruthy();
    expect(sales.getByText("In progress")).toBeTruthy();
    expect(sales.queryByTestId("lock-badge")).toBeNull();

    const pdf = within(screen.getByTestId("skill-card-pdf-tools"));
    expect(pdf.getByText("Marketplace")).toBeTruthy();
    expect(pdf.getByText("documents")).toBeTruthy();
    expect(pdf.queryByTestId("workflow-progress")).toBeNull();

    const legacy = within(screen.getByTestId("skill-card-legacy-etl"));
    expect(legacy.getByText("Imported")).toBeTruthy();
    expect(legacy.getByTestId("lock-badge").getAttribute("title")).toBe("Open in another window (pid 4123)");
    expect((legacy.getByTestId("delete-skill-legacy-etl") as HTMLButtonElement).disabled).toBe(true);
  });

  it("sends the search and the source filter to list_skills", async () => {
    const calls = mockBackend({
      list_skills: ({ filter }) => ((filter as SkillFilter).source === "imported" ? [] : [skill({ name: "sales-kpis" })]),
    });
    const { user } = renderApp();
    await screen.findByTestId("skill-list");

    await user.type(screen.getByTestId("library-search"), "  sales ");
    await waitFor(() =>
      expect(callsOf(calls, "list_skills").at(-1)).toEqual({ filter: { ...NO_FILTER, search: "sales" } }),
    );

    await user.selectOptions(screen.getByTestId("library-source-filter"), "Imported");
    await waitFor(() =>
      expect(callsOf(calls, "list_skills").at(-1)).toEqual({
        filter: { ...NO_FILTER, search: "sales", source: "imported" },
      }),
    );
    const noMatch = await screen.findByTestId("library-no-match");

    await user.click(within(noMatch).getByRole("button", { name: "Clear filters" }));
    expect(await screen.findByTestId("skill-card-sales-kpis")).toBeTruthy();
    expect((screen.getByTestId("library-search") as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(callsOf(calls, "list_skills").at(-1)).toEqual({ filter: NO_FILTER }));
  });

  it("shows the backend error with its fix hint, and retries", async () => {
    let fail = true;
    mockBackend({
      list_skills: () => {
        if (fail) {
          throw {
            code: "not_configured",
            message: "No skills folder is set.",
            fixHint: "Choose a skills folder in Settings.",
          } satisfies CommandError;
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

  it("creates a skill through the dialog and refreshes the list", async () => {
    const library: SkillSummary[] = [];
    const calls = mockBackend({
      list_skills: () => library,
      create_skill: ({ req }) => {
        const { name, domain } = req as CreateSkillRequest_Serialize;
        const created = skill({ name, domain });
        library.push(created);
        return created;
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("library-empty");

    await user.click(screen.getByTestId("create-skill-open"));
    await user.type(screen.getByTestId("create-skill-name"), "sales-kpis");
    await user.type(screen.getByTestId("create-skill-domain"), "Sales analytics");
    await user.click(screen.getByTestId("create-skill-submit"));

    const card = await screen.findByTestId("skill-card-sales-kpis");
    expect(within(card).getByText("Sales analytics")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(callsOf(calls, "create_skill")).toEqual([
      { req: { name: "sales-kpis", domain: "Sales analytics" } },
    ]);
  });

  it("keeps the dialog open with the typed name when create_skill rejects the input", async () => {
    mockBackend({
      list_skills: () => [],
      create_skill: () => {
        throw {
          code: "invalid_input",
          message: "Invalid name: only lowercase letters, digits and hyphens are allowed",
          fixHint: "Try a name like sales-kpis.",
        } satisfies CommandError;
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("library-empty");

    await user.click(screen.getByTestId("create-skill-open"));
    await user.type(screen.getByTestId("create-skill-name"), "../evil");
    await user.click(screen.getByTestId("create-skill-submit"));

    const error = await screen.findByTestId("create-skill-error");
    expect(within(error).getByText(/only lowercase letters/)).toBeTruthy();
    expect(within(error).getByText("Try a name like sales-kpis.")).toBeTruthy();
    expect(screen.getByRole("dialog", { name: "New skill" })).toBeTruthy();
    expect((screen.getByTestId("create-skill-name") as HTMLInputElement).value).toBe("../evil");
  });

  it("deletes a skill after confirmation", async () => {
    let library = [skill({ name: "sales-kpis" }), skill({ name: "pdf-tools" })];
    const calls = mockBackend({
      list_skills: () => library,
      delete_skill: ({ name }) => {
        library = library.filter((s) => s.name !== name);
        return { removed: [`skills/${String(name)}`] };
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("skill-list");

    await user.click(screen.getByTestId("delete-skill-sales-kpis"));
    expect(screen.getByRole("dialog", { name: "Delete sales-kpis?" })).toBeTruthy();
    expect(callsOf(calls, "delete_skill")).toEqual([]);
    await user.click(screen.getByTestId("delete-skill-confirm"));

    await waitFor(() => expect(screen.queryByTestId("skill-card-sales-kpis")).toBeNull());
    expect(screen.getByTestId("skill-card-pdf-tools")).toBeTruthy();
    expect(callsOf(calls, "delete_skill")).toEqual([{ name: "sales-kpis", deleteFiles: true }]);
  });
});
