import { emit } from "@tauri-apps/api/event";
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import type { AppSettingsView, ReconciliationReport, SkillSummary, StartupDeps } from "../bindings";
import type { BackendEvent } from "../lib/events";

type Args = Record<string, unknown>;
type Handler = (args: Args) => unknown;
type Call = { cmd: string; args: Args };

export function settingsView(overrides: Partial<AppSettingsView["settings"]> = {}, keySet = true): AppSettingsView {
  return {
    settings: {
      skillsPath: "/home/ada/skills",
      preferredModel: "sonnet",
      logLevel: "info",
      extendedThinking: false,
      extendedContext: false,
      debugMode: false,
      splashShown: true,
      dashboardViewMode: null,
      uiPrefs: null,
      githubUserLogin: null,
      githubUserAvatar: null,
      githubUserEmail: null,
      marketplaceUrl: null,
      maxDimensions: 5,
      industry: null,
      functionRole: null,
      gitAutoCommit: true,
      gitAllowNested: false,
      maxParallelAgents: 3,
      agentRunTimeoutMin: 30,
      maxBudgetUsd: null,
      agentBackend: "sdk",
      claudeCodePath: null,
      transcriptRetentionDays: 30,
      anthropicBaseUrl: "https://api.anthropic.com",
      githubApiBaseUrl: "https://api.github.com",
      githubWebBaseUrl: "https://github.com",
      githubRawBaseUrl: "https://raw.githubusercontent.com",
      ...overrides,
    },
    anthropicApiKey: { set: keySet, hint: keySet ? "abcd" : null, backend: "memory" },
    githubToken: { set: false, hint: null, backend: "memory" },
    dataDir: "/home/ada/.local/share/dev.skillbuilder.desktop",
    workspacePath: "/home/ada/.local/share/dev.skillbuilder.desktop/agent-workspace",
    logFilePath: "/home/ada/.local/share/dev.skillbuilder.desktop/logs/app.log",
    gitStatus: null,
    skillsPathMigration: null,
  } as AppSettingsView;
}

export const ALL_OK: StartupDeps = {
  allOk: true,
  checks: [{ id: "node", name: "Node.js", ok: true, blocking: true, detail: "v22.13.0", fixHint: null }],
};

export function report(overrides: Partial<ReconciliationReport> = {}): ReconciliationReport {
  return {
    status: "completed",
    reason: null,
    ranAt: "2026-11-25T09:00:00.000Z",
    orphans: [],
    discoveries: [],
    unsavedRefineSessions: [],
    editedViews: [],
    notifications: [],
    autoFixed: 0,
    autoCleaned: 0,
    skippedInUse: [],
    reclaimedLocks: 0,
    prunedTranscripts: 0,
    ...overrides,
  } as ReconciliationReport;
}

/** What a started window asks for before any page does; tests override what they look at. */
const SHELL_DEFAULTS: Record<string, Handler> = {
  check_startup_deps: () => ALL_OK,
  get_settings: () => settingsView(),
  save_settings: () => settingsView(),
  reconcile_startup: () => report(),
  list_active_agents: () => [],
  get_all_tags: () => [],
  list_skills: () => [],
  get_default_skills_path: () => "/home/ada/.vibedata",
};

/**
 * Answers Tauri IPC with the given per-command handlers (over the shell's defaults) and records
 * every call. A handler rejects a command the way Rust does by throwing a CommandError object.
 * Events are mocked too: `emitBackend` delivers one as the Rust side would.
 */
export function mockBackend(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  mockWindows("main");
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Args;
      calls.push({ cmd, args });
      const handler = handlers[cmd] ?? SHELL_DEFAULTS[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

/** Emits a backend event the way `TauriSink` does: the tagged enum under the event's name. */
export async function emitBackend(event: BackendEvent): Promise<void> {
  await emit(event.event, event);
}

export function callsOf(calls: Call[], cmd: string): Args[] {
  return calls.filter((call) => call.cmd === cmd).map((call) => call.args);
}

export function skill(overrides: Partial<SkillSummary> & Pick<SkillSummary, "name">): SkillSummary {
  return {
    source: "skill-builder",
    domain: null,
    skillType: "domain",
    description: null,
    tags: [],
    workflow: { currentStep: 0, status: "pending" },
    marketplace: null,
    lock: { state: "free", holder: null },
    createdAt: "2026-11-25T09:00:00.000Z",
    updatedAt: "2026-11-25T09:00:00.000Z",
    ...overrides,
  };
}
