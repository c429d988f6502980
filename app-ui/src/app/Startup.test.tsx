import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Discovery, Orphan, StartupDeps } from "../bindings";
import { callsOf, mockBackend, report, settingsView } from "../test/backend";
import { renderApp } from "../test/renderApp";

const CLAUDE_MISSING: StartupDeps = {
  allOk: false,
  checks: [
    { id: "node", name: "Node.js", ok: true, blocking: true, detail: "v22.13.0", fixHint: null },
    { id: "claude_code", name: "Claude Code", ok: false, blocking: true, detail: "claude was not found", fixHint: "Reinstall Skill Builder." },
  ],
};

describe("startup", () => {
  it("shows failed blocking checks with their fix hint, and Retry checks again", async () => {
    let deps = CLAUDE_MISSING;
    const calls = mockBackend({ check_startup_deps: () => deps });
    const { user } = renderApp();

    const row = await screen.findByTestId("startup-check-claude_code");
    expect(within(row).getByText("claude was not found")).toBeTruthy();
    expect(within(row).getByText("Reinstall Skill Builder.")).toBeTruthy();
    expect(screen.queryByTestId("library-page")).toBeNull();

    deps = { ...CLAUDE_MISSING, allOk: true, checks: CLAUDE_MISSING.checks.map((check) => ({ ...check, ok: true, fixHint: null })) };
    await user.click(screen.getByTestId("startup-retry"));
    expect(await screen.findByTestId("library-page")).toBeTruthy();
    expect(callsOf(calls, "check_startup_deps")).toHaveLength(2);
  });

  it("lets the user go on without agents", async () => {
    mockBackend({ check_startup_deps: () => CLAUDE_MISSING });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("startup-continue"));
    expect(await screen.findByTestId("library-page")).toBeTruthy();
    // The failed check stays visible as a notice in the shell.
    expect(within(screen.getByTestId("startup-warnings")).getByText(/claude was not found/)).toBeTruthy();
  });

  it("does not stop at checks that only warn", async () => {
    mockBackend({
      check_startup_deps: () => ({
        allOk: false,
        checks: [{ id: "secrets", name: "Secret storage", ok: false, blocking: false, detail: "no keychain", fixHint: "Install a Secret Service." }],
      }),
    });
    renderApp();
    expect(await screen.findByTestId("library-page")).toBeTruthy();
    expect(within(screen.getByTestId("startup-warnings")).getByText("Install a Secret Service.")).toBeTruthy();
  });

  it("asks for the key and the folder on a first start, then saves them", async () => {
    let view = settingsView({ skillsPath: null, splashShown: false }, false);
    const calls = mockBackend({
      get_settings: () => view,
      test_api_key: () => ({ outcome: "valid", httpStatus: 200, message: "The key works." }),
      save_settings: () => {
        view = settingsView({ skillsPath: "/data/skills", splashShown: true });
        return view;
      },
    });
    const { user } = renderApp();

    await screen.findByTestId("setup-screen");
    await waitFor(() => expect((screen.getByTestId("setup-folder") as HTMLInputElement).value).toBe("/home/ada/.vibedata"));
    await user.type(screen.getByTestId("setup-api-key"), "sk-ant-test-1234");
    await user.click(screen.getByTestId("setup-test-key"));
    expect(await screen.findByText("The key works.")).toBeTruthy();
    await user.clear(screen.getByTestId("setup-folder"));
    await user.type(screen.getByTestId("setup-folder"), "/data/skills");
    await user.click(screen.getByTestId("setup-get-started"));

    expect(await screen.findByTestId("library-page")).toBeTruthy();
    expect(callsOf(calls, "test_api_key")).toEqual([{ apiKey: "sk-ant-test-1234" }]);
    expect(callsOf(calls, "save_settings")).toEqual([
      { patch: { splashShown: true, anthropicApiKey: { set: "sk-ant-test-1234" }, skillsPath: "/data/skills" } },
    ]);
  });
});

const orphan: Orphan = {
  skillName: "old-skill",
  source: "skill-builder",
  kind: "folder_missing",
  missing: ["SKILL.md"],
  detectedStep: null,
  restorable: false,
  actions: ["keep", "delete_record"],
};
const discovery: Discovery = { folder: "hand-made", kind: "imported", detectedStep: null, frontmatterName: "hand-made", warnings: [], actions: ["register", "ignore"] };

describe("reconciliation dialog", () => {
  it("offers each orphan's and discovery's actions and shows the report each answer returns", async () => {
    const calls = mockBackend({
      reconcile_startup: () => report({ orphans: [orphan], discoveries: [discovery] }),
      resolve_orphan: () => report({ discoveries: [discovery] }),
      resolve_discovered: () => report(),
    });
    const { user } = renderApp();

    const dialog = await screen.findByRole("dialog", { name: "The skills folder and the library disagree" });
    const row = within(dialog).getByTestId("orphan-old-skill");
    expect(within(row).getByText("Its folder is missing.")).toBeTruthy();
    await user.click(within(row).getByRole("button", { name: "Keep" }));
    await waitFor(() => expect(screen.queryByTestId("orphan-old-skill")).toBeNull());

    await user.click(screen.getByRole("tab", { name: /New folders/ }));
    await user.click(within(await screen.findByTestId("discovery-hand-made")).getByRole("button", { name: "Register" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    expect(callsOf(calls, "resolve_orphan")).toEqual([{ skillName: "old-skill", action: "keep" }]);
    expect(callsOf(calls, "resolve_discovered")).toEqual([{ folderName: "hand-made", action: "register", registerAs: "imported" }]);
  });

  it("can be left for later", async () => {
    mockBackend({ reconcile_startup: () => report({ orphans: [orphan] }) });
    const { user } = renderApp();
    await screen.findByTestId("reconciliation-dialog");
    await user.click(screen.getByTestId("reconciliation-later"));
    await waitFor(() => expect(screen.queryByTestId("reconciliation-dialog")).toBeNull());
    expect(screen.getByTestId("library-page")).toBeTruthy();
  });
});
