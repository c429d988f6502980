import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CommandError, SkillSummary } from "../../../bindings";
import { callsOf, mockBackend, skill } from "../../../test/backend";
import { renderApp } from "../../../test/renderApp";
import { SUGGEST_DEBOUNCE_MS } from "./NewSkillDialog";

type Args = Record<string, unknown>;
const LOCK = { skillName: "x", instanceId: "me", pid: 1, purpose: "workflow", acquiredAt: "2026-11-25T09:00:00Z", mine: true };
const workflowPage = { acquire_lock: () => LOCK, release_lock: () => null, check_lock: () => ({ state: "mine", holder: null }) };

async function openDialog() {
  const view = renderApp();
  await view.user.click(await screen.findByTestId("create-skill-open"));
  await screen.findByRole("dialog", { name: "New skill" });
  return view;
}

describe("new skill dialog", () => {
  it("walks the four steps and creates the skill with every answer, then opens its workflow", async () => {
    const library: SkillSummary[] = [];
    const calls = mockBackend({
      ...workflowPage,
      suggest_skill_fields: () => ({}),
      create_skill: ({ req }) => {
        const created = skill({ name: String((req as Args).name) });
        library.push(created);
        return created;
      },
    });
    const { user } = await openDialog();

    await user.type(screen.getByTestId("create-skill-name"), "sales-kpis");
    await user.type(screen.getByTestId("create-skill-tags"), "Sales, kpi");
    await user.click(screen.getByTestId("create-skill-next"));
    expect(screen.getByRole("dialog", { name: "New skill" }).textContent).toContain("Step 2 of 4: Domain");
    await user.type(screen.getByTestId("create-skill-domain"), "Sales analytics");
    await user.type(screen.getByTestId("create-skill-audience"), "RevOps");
    await user.click(screen.getByTestId("create-skill-next"));
    await user.type(screen.getByTestId("create-skill-unique-setup"), "Salesforce plus dbt");
    await user.click(screen.getByTestId("create-skill-next"));
    await user.click(screen.getByRole("checkbox", { name: "Disable model invocation" }));
    await user.click(screen.getByTestId("create-skill-submit"));

    expect(await screen.findByTestId("workflow-page-sales-kpis")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(callsOf(calls, "create_skill")).toEqual([
      {
        req: {
          name: "sales-kpis",
          skillType: "domain",
          tags: ["Sales", "kpi"],
          domain: "Sales analytics",
          intake: { audience: "RevOps", unique_setup: "Salesforce plus dbt" },
          disableModelInvocation: true,
        },
      },
    ]);
  });

  it("goes back to the name with the backend's error and keeps what was typed", async () => {
    mockBackend({
      suggest_skill_fields: () => ({}),
      create_skill: () => {
        throw {
          code: "invalid_input",
          message: "invalid name: only lowercase letters, digits and hyphens are allowed",
          fixHint: "Try a name like sales-kpis.",
          details: { field: "name", reason: "charset" },
        } satisfies CommandError;
      },
    });
    const { user } = await openDialog();
    await user.type(screen.getByTestId("create-skill-name"), "../evil");
    await user.click(screen.getByTestId("create-skill-next"));
    await user.type(screen.getByTestId("create-skill-domain"), "Security");
    await user.click(screen.getByTestId("create-skill-submit"));

    const error = await screen.findByTestId("create-skill-error");
    expect(within(error).getByText("Try a name like sales-kpis.")).toBeTruthy();
    expect((screen.getByTestId("create-skill-name") as HTMLInputElement).value).toBe("../evil");
    expect(screen.getByTestId("create-skill-name").getAttribute("aria-invalid")).toBe("true");
    await user.click(screen.getByTestId("create-skill-next"));
    expect((screen.getByTestId("create-skill-domain") as HTMLInputElement).value).toBe("Security");
  });

  it("shows a suggestion as ghost text after a pause, and Tab accepts it", async () => {
    const calls = mockBackend({ suggest_skill_fields: () => ({ description: "Sales KPIs and how to compute them." }) });
    const { user } = await openDialog();
    await user.type(screen.getByTestId("create-skill-name"), "sales-kpis");
    expect(callsOf(calls, "suggest_skill_fields")).toEqual([]);

    const ghost = await screen.findByTestId("create-skill-description-ghost", {}, { timeout: SUGGEST_DEBOUNCE_MS + 1000 });
    expect(ghost.textContent).toBe("Sales KPIs and how to compute them.");
    // One request, made after typing stopped.
    expect(callsOf(calls, "suggest_skill_fields")).toEqual([
      { req: expect.objectContaining({ fields: ["description"], skillName: "sales-kpis", skillType: "domain" }) },
    ]);

    const description = screen.getByTestId("create-skill-description") as HTMLTextAreaElement;
    await user.type(description, "Sales");
    expect(screen.getByTestId("create-skill-description-ghost").textContent).toBe("Sales KPIs and how to compute them.");
    await user.keyboard("{Tab}");
    expect(description.value).toBe("Sales KPIs and how to compute them.");
    expect(document.activeElement).toBe(description);
    expect(screen.queryByTestId("create-skill-description-ghost")).toBeNull();
  });

  it("drops an answer that arrives after a newer request", async () => {
    const pending: { req: Args; resolve: (value: unknown) => void }[] = [];
    mockBackend({
      suggest_skill_fields: ({ req }) => new Promise((resolve) => pending.push({ req: req as Args, resolve })),
    });
    const { user } = await openDialog();
    await user.type(screen.getByTestId("create-skill-name"), "sales");
    await waitFor(() => expect(pending).toHaveLength(1), { timeout: SUGGEST_DEBOUNCE_MS + 1000 });
    await user.type(screen.getByTestId("create-skill-name"), "-kpis");
    await waitFor(() => expect(pending).toHaveLength(2), { timeout: SUGGEST_DEBOUNCE_MS + 1000 });
    expect(pending.map((call) => call.req.skillName)).toEqual(["sales", "sales-kpis"]);

    pending[1].resolve({ description: "Fresh answer" });
    expect((await screen.findByTestId("create-skill-description-ghost")).textContent).toBe("Fresh answer");
    pending[0].resolve({ description: "Stale answer" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByTestId("create-skill-description-ghost").textContent).toBe("Fresh answer");
  });

  it("suggests a name as a chip that fills the field", async () => {
    mockBackend({ suggest_skill_fields: () => ({ name: "pipeline-metrics" }) });
    const { user } = await openDialog();
    await user.click(screen.getByTestId("suggest-names"));
    await user.click(await within(await screen.findByTestId("name-suggestions")).findByRole("button", { name: "pipeline-metrics" }));
    expect((screen.getByTestId("create-skill-name") as HTMLInputElement).value).toBe("pipeline-metrics");
  });

  it("works from the keyboard alone: each step focuses its first field, Enter creates", async () => {
    const calls = mockBackend({
      ...workflowPage,
      suggest_skill_fields: () => ({}),
      create_skill: ({ req }) => skill({ name: String((req as Args).name) }),
    });
    const { user } = renderApp();
    (await screen.findByTestId("create-skill-open")).focus();
    await user.keyboard("{Enter}");
    expect(document.activeElement).toBe(await screen.findByTestId("create-skill-name"));
    await user.keyboard("sales-kpis");
    screen.getByTestId("create-skill-next").focus();
    await user.keyboard("{Enter}");
    expect(document.activeElement).toBe(screen.getByTestId("create-skill-domain"));
    await user.keyboard("Sales analytics{Enter}");

    expect(await screen.findByTestId("workflow-page-sales-kpis")).toBeTruthy();
    expect(callsOf(calls, "create_skill")).toEqual([{ req: { name: "sales-kpis", skillType: "domain", domain: "Sales analytics" } }]);
  });
});
