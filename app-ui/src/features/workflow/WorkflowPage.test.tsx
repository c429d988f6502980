import { act, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CommandError } from "../../bindings";
import { callsOf, emitBackend, mockBackend } from "../../test/backend";
import { renderApp } from "../../test/renderApp";
import { workflowBackend, workflowState } from "./fixtures";

const LOCK = { skillName: "sales-kpis", instanceId: "me", pid: 1, purpose: "workflow", acquiredAt: "2026-11-25T09:00:00Z", mine: true };

describe("workflow page lock", () => {
  it("holds the skill's lock and shows the blocking banner when another window takes it", async () => {
    let state: "mine" | "other" = "mine";
    const calls = mockBackend({
      ...workflowBackend(() => workflowState([])),
      acquire_lock: () => LOCK,
      release_lock: () => null,
      check_lock: () => ({ state, holder: state === "other" ? { instanceId: "x", pid: 4123, purpose: "workflow", acquiredAt: LOCK.acquiredAt } : null }),
    });
    renderApp({ path: "/skill/sales-kpis" });
    await screen.findByTestId("workflow-page-sales-kpis");
    await waitFor(() => expect(callsOf(calls, "check_lock")).toHaveLength(1));
    expect(callsOf(calls, "acquire_lock").at(-1)).toEqual({ name: "sales-kpis", purpose: "workflow" });
    expect(screen.queryByTestId("lock-lost-banner")).toBeNull();

    state = "other";
    await act(() => emitBackend({ event: "locks-changed", payload: { skillName: "sales-kpis" } }));
    expect(await screen.findByTestId("lock-lost-banner")).toBeTruthy();
    expect(screen.getByText("This skill was opened in another window")).toBeTruthy();
  });

  it("says who holds the skill when the lock is refused", async () => {
    mockBackend({
      ...workflowBackend(() => workflowState([])),
      acquire_lock: () => {
        throw { code: "skill_locked", message: "sales-kpis is being edited by another instance (pid 4123)" } satisfies CommandError;
      },
      release_lock: () => null,
    });
    renderApp({ path: "/skill/sales-kpis" });
    expect(await screen.findByText("sales-kpis is being edited by another instance (pid 4123)")).toBeTruthy();
    expect(screen.getByTestId("lock-lost-banner")).toBeTruthy();
  });
});
