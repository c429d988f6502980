import { act, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AppSettingsView } from "../../bindings";
import { callsOf, emitBackend, mockBackend, settingsView } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { SETTINGS_TABS } from "./settingsTabs";

type User = ReturnType<typeof renderApp>["user"];

async function pick(user: User, testId: string, option: string) {
  await user.click(screen.getByTestId(testId));
  await user.click(await screen.findByRole("option", { name: option }));
}

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe("Settings page", () => {
  it.each(SETTINGS_TABS.map((tab) => tab.id))("opens the %s tab named by ?tab=", async (tab) => {
    mockBackend({ list_models: () => [] });
    renderApp({ path: `/settings?tab=${tab}` });
    expect(await screen.findByTestId(`settings-panel-${tab}`)).toBeTruthy();
    expect(screen.getByTestId(`settings-tab-${tab}`).getAttribute("aria-selected")).toBe("true");
  });

  it("falls back to General for an unknown tab, and writes the chosen tab to the URL", async () => {
    mockBackend({ list_models: () => [] });
    const { user, history } = renderApp({ path: "/settings?tab=nope" });
    await screen.findByTestId("settings-panel-general");
    await user.click(screen.getByTestId("settings-tab-advanced"));
    await screen.findByTestId("settings-panel-advanced");
    expect(history.location.search).toContain("tab=advanced");
  });

  it("saves each field as a patch of that field alone", async () => {
    const calls = mockBackend({ save_settings: ({ patch }) => settingsView(patch as Partial<AppSettingsView["settings"]>) });
    const { user } = renderApp({ path: "/settings?tab=general" });
    const industry = await screen.findByTestId("settings-industry-input");
    await user.type(industry, "Retail{Enter}");
    await waitFor(() => expect(callsOf(calls, "save_settings")).toEqual([{ patch: { industry: "Retail" } }]));
    expect((await screen.findByTestId("settings-industry-status")).textContent).toBe("Saved");

    await user.click(screen.getByTestId("settings-tab-models"));
    const parallel = await screen.findByTestId("settings-parallel-input");
    await user.clear(parallel);
    await user.type(parallel, "6");
    await user.tab();
    await user.click(screen.getByTestId("settings-thinking-input"));
    await user.click(screen.getByTestId("settings-tab-building"));
    const dimensions = await screen.findByTestId("settings-dimensions-input");
    await user.clear(dimensions);
    await user.type(dimensions, "12{Enter}");
    await waitFor(() =>
      expect(callsOf(calls, "save_settings").slice(1)).toEqual([{ patch: { maxParallelAgents: 6 } }, { patch: { extendedThinking: true } }, { patch: { maxDimensions: 12 } }]),
    );
  });

  it("does not save an unchanged field, and clears an emptied optional one with null", async () => {
    const calls = mockBackend({ get_settings: () => settingsView({ maxBudgetUsd: 5 }) });
    const { user } = renderApp({ path: "/settings?tab=models" });
    const budget = await screen.findByTestId("settings-budget-input");
    await user.click(budget);
    await user.tab();
    expect(callsOf(calls, "save_settings")).toEqual([]);
    await user.clear(budget);
    await user.tab();
    await waitFor(() => expect(callsOf(calls, "save_settings")).toEqual([{ patch: { maxBudgetUsd: null } }]));
  });

  it("keeps a refused value in the field with the backend's reason", async () => {
    mockBackend({
      save_settings: () => {
        throw { code: "invalid_input", message: "maxParallelAgents must be between 1 and 8", fixHint: "Pick 1 to 8.", details: { field: "maxParallelAgents" } };
      },
    });
    const { user } = renderApp({ path: "/settings?tab=models" });
    const parallel = await screen.findByTestId("settings-parallel-input");
    await user.clear(parallel);
    await user.type(parallel, "99{Enter}");
    expect((await screen.findByTestId("settings-parallel-error")).textContent).toContain("Pick 1 to 8.");
    expect((parallel as HTMLInputElement).value).toBe("99");
  });

  it("tests the typed API key, then saves it as a secret update", async () => {
    const calls = mockBackend({ test_api_key: () => ({ outcome: "invalid", httpStatus: 401, message: "The key was rejected." }) });
    const { user } = renderApp({ path: "/settings" });
    expect((await screen.findByTestId("settings-api-key")).textContent).toContain("A key ending in abcd is stored");
    await user.click(screen.getByTestId("settings-api-key-test"));
    expect(callsOf(calls, "test_api_key")).toEqual([{ apiKey: null }]);
    await user.type(screen.getByTestId("settings-api-key-input"), "sk-ant-new");
    await user.click(screen.getByTestId("settings-api-key-test"));
    expect((await screen.findByTestId("settings-api-key-result")).getAttribute("data-outcome")).toBe("invalid");
    expect(callsOf(calls, "test_api_key").at(-1)).toEqual({ apiKey: "sk-ant-new" });
    await user.click(screen.getByTestId("settings-api-key-save"));
    await waitFor(() => expect(callsOf(calls, "save_settings")).toEqual([{ patch: { anthropicApiKey: { set: "sk-ant-new" } } }]));
    expect((screen.getByTestId("settings-api-key-input") as HTMLInputElement).value).toBe("");
  });

  it("offers the models from list_models after the aliases, and saves the choice", async () => {
    const calls = mockBackend({ list_models: () => [{ id: "claude-opus-4-5", displayName: "Claude Opus 4.5" }] });
    const { user } = renderApp({ path: "/settings?tab=models" });
    await waitFor(() => expect(screen.getByTestId("settings-model").textContent).toContain("Aliases follow"));
    await user.click(screen.getByTestId("settings-model-input"));
    expect((await screen.findAllByRole("option")).map((option) => option.textContent)).toEqual([
      "Sonnet (newest)",
      "Opus (newest)",
      "Haiku (newest)",
      "Claude Opus 4.5 (claude-opus-4-5)",
    ]);
    await user.click(screen.getByRole("option", { name: "Claude Opus 4.5 (claude-opus-4-5)" }));
    await waitFor(() => expect(callsOf(calls, "save_settings")).toEqual([{ patch: { preferredModel: "claude-opus-4-5" } }]));
  });

  it("falls back to the aliases when list_models fails", async () => {
    mockBackend({
      list_models: () => {
        throw { code: "network", message: "No connection" };
      },
    });
    renderApp({ path: "/settings?tab=models" });
    await waitFor(() => expect(screen.getByTestId("settings-model").textContent).toContain("Only the aliases: No connection"));
  });

  it("applies the log level live with set_log_level", async () => {
    const calls = mockBackend({ set_log_level: () => null });
    const { user } = renderApp({ path: "/settings?tab=advanced" });
    await screen.findByTestId("settings-log-level-input");
    await pick(user, "settings-log-level-input", "debug");
    await waitFor(() => expect(callsOf(calls, "set_log_level")).toEqual([{ level: "debug" }]));
    expect(callsOf(calls, "save_settings")).toEqual([]);
    expect((await screen.findByTestId("settings-log-level-status")).textContent).toBe("Applied");
  });

  it("turns mock agents on as agentBackend", async () => {
    const calls = mockBackend({});
    const { user } = renderApp({ path: "/settings?tab=advanced" });
    await user.click(await screen.findByTestId("settings-mock-input"));
    await waitFor(() => expect(callsOf(calls, "save_settings")).toEqual([{ patch: { agentBackend: "mock" } }]));
  });

  it("changes the skills folder with progress, then shows the verified copy", async () => {
    const done = deferred<AppSettingsView>();
    const calls = mockBackend({ save_settings: () => done.promise });
    const { user } = renderApp({ path: "/settings?tab=advanced" });
    await user.type(await screen.findByTestId("settings-skills-folder-input"), "/mnt/new-skills");
    await user.click(screen.getByTestId("settings-skills-folder-change"));
    expect(callsOf(calls, "save_settings")).toEqual([{ patch: { skillsPath: { path: "/mnt/new-skills", mode: "copy" } } }]);

    await act(() => emitBackend({ event: "skills-path-migration", payload: { phase: "copying", filesDone: 3, filesTotal: 12 } }));
    const bar = await screen.findByRole("progressbar", { name: "Skills folder change" });
    expect(bar.getAttribute("aria-valuenow")).toBe("3");
    expect(screen.getByTestId("skills-folder-progress-text").textContent).toBe("Copying: 3 of 12 files");
    await act(() => emitBackend({ event: "skills-path-migration", payload: { phase: "verifying", filesDone: 12, filesTotal: 12 } }));
    expect((await screen.findByTestId("skills-folder-progress-text")).textContent).toBe("Verifying: 12 of 12 files");

    const view = settingsView({ skillsPath: "/mnt/new-skills" });
    done.resolve({ ...view, skillsPathMigration: { mode: "copy", from: "/home/ada/skills", to: "/mnt/new-skills", filesCopied: 12, commitSha: "e".repeat(40) } });
    const result = await screen.findByTestId("skills-folder-result");
    expect(result.textContent).toBe("Copied and verified 12 files into /mnt/new-skills. The old folder /home/ada/skills is left untouched. Commit eeeeeeee.");
    expect(screen.queryByTestId("skills-folder-progress")).toBeNull();
    expect(screen.getByTestId("settings-skills-folder-current").textContent).toBe("/mnt/new-skills");
  });

  it("shows why a skills-folder change was refused, keeping the path", async () => {
    mockBackend({
      save_settings: () => {
        throw { code: "conflict", message: "The target folder is not empty", fixHint: "Choose an empty folder, or use the skills already there.", details: { reason: "target_not_empty" } };
      },
    });
    const { user } = renderApp({ path: "/settings?tab=advanced" });
    const input = await screen.findByTestId("settings-skills-folder-input");
    await user.type(input, "/mnt/full");
    await pick(user, "settings-skills-folder-mode", "Use the skills already there");
    await user.click(screen.getByTestId("settings-skills-folder-change"));
    expect((await screen.findByTestId("settings-skills-folder-error")).textContent).toContain("use the skills already there");
    expect((input as HTMLInputElement).value).toBe("/mnt/full");
  });

  it("signs in with the device flow: shows the code and URL, polls at GitHub's interval", async () => {
    let polls = 0;
    const calls = mockBackend({
      github_start_device_flow: () => ({ deviceCode: "dc", userCode: "ABCD-1234", verificationUri: "https://github.com/login/device", expiresIn: 900, interval: 0 }),
      github_poll_for_token: () => (++polls < 2 ? { status: "slow_down", interval: 0, user: null } : { status: "success", interval: null, user: { login: "ada", avatarUrl: null, email: null } }),
    });
    const { user } = renderApp({ path: "/settings?tab=github" });
    await user.click(await screen.findByTestId("github-signin-start"));
    expect((await screen.findByTestId("github-user-code")).textContent).toBe("ABCD-1234");
    expect(screen.getByRole("link", { name: "https://github.com/login/device" })).toBeTruthy();
    await waitFor(() => expect(callsOf(calls, "github_poll_for_token")).toHaveLength(2));
    expect(callsOf(calls, "github_poll_for_token")[0]).toEqual({ deviceCode: "dc", interval: 0 });
    await waitFor(() => expect(screen.queryByTestId("github-device-code")).toBeNull());
  });

  it("lists workspace skills, toggles one and deletes another after confirmation", async () => {
    const row = (name: string, isActive: boolean) => ({ name, origin: "upload", isActive, domain: null, skillType: null, description: null, version: null, model: null, argumentHint: null, userInvocable: null, disableModelInvocation: null, sourceRepo: null, sourceRef: null, sourceCommit: null, sourcePath: null, uploadFileName: null, contentSha256: "ab" });
    let rows = [row("pdf-forms", true), row("old-notes", false)];
    const calls = mockBackend({
      list_workspace_skills: () => rows,
      toggle_skill_active: () => null,
      delete_workspace_skill: ({ name }) => {
        rows = rows.filter((r) => r.name !== name);
        return null;
      },
    });
    const { user } = renderApp({ path: "/settings?tab=skills" });
    await user.click(await screen.findByTestId("workspace-active-pdf-forms"));
    await waitFor(() => expect(callsOf(calls, "toggle_skill_active")).toEqual([{ target: { registry: "workspace", name: "pdf-forms" }, active: false }]));
    await user.click(screen.getByTestId("workspace-delete-old-notes"));
    await user.click(await screen.findByTestId("workspace-delete-confirm"));
    await waitFor(() => expect(screen.queryByTestId("workspace-skill-old-notes")).toBeNull());
    expect(callsOf(calls, "delete_workspace_skill")).toEqual([{ name: "old-notes" }]);
  });
});
