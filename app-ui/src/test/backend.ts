import { mockIPC } from "@tauri-apps/api/mocks";
import type { SkillSummary } from "../bindings";

type Args = Record<string, unknown>;
type Handler = (args: Args) => unknown;
type Call = { cmd: string; args: Args };

/**
 * Answers Tauri IPC with the given per-command handlers and records every call.
 * A handler rejects a command the way Rust does by throwing a CommandError object.
 */
export function mockBackend(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Args;
    calls.push({ cmd, args });
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unexpected command ${cmd}`);
    return handler(args);
  });
  return calls;
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
