import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { commands } from "../bindings";
import { unwrap } from "../lib/commandError";
import { type BackendEvent, listenBackend } from "../lib/events";
import { frameBatcher } from "../lib/frames";
import { useAgentRuns } from "../stores/agentRuns";
import { toast } from "../stores/toasts";

/** Which cached command results an event makes stale (query keys start with the command name). */
function invalidate(queryClient: QueryClient, event: BackendEvent) {
  const stale = (...keys: string[]) => keys.forEach((key) => void queryClient.invalidateQueries({ queryKey: [key] }));
  switch (event.event) {
    case "settings-changed":
      return stale("get_settings", "check_startup_deps");
    case "locks-changed":
      return stale("list_skills", "check_lock", "get_locked_skills");
    case "skills-changed":
      return stale("list_skills", "get_all_tags");
    case "reconciliation-finished":
      queryClient.setQueryData(["reconcile_startup"], event.payload);
      event.payload.notifications.forEach((note) => toast(note));
      return stale("list_skills");
    case "agent-exit":
      // A finished run adds to the usage figures.
      return stale("list_active_agents", "get_usage_summary", "get_usage_by_step", "get_usage_by_model", "get_recent_workflow_sessions", "get_session_agent_runs");
    case "agent-state":
    case "agent-run-started":
      return stale("list_active_agents");
    case "workflow-changed":
      if (event.payload.notice) toast(event.payload.notice);
      // Statuses, the step's files, its cost and the library card's progress.
      return stale("get_workflow_state", "read_file", "verify_step_output", "get_usage_by_step", "list_skills");
    case "gate-result":
      return stale("get_workflow_state", "read_file");
    case "backend-degraded":
      toast(`The ${event.payload.actor} stopped unexpectedly`, event.payload.restarted ? "It was restarted; try again." : event.payload.reason, "error");
      return;
    default:
      return;
  }
}

function isAgentEvent(event: BackendEvent): boolean {
  return event.event.startsWith("agent-");
}

async function replay(): Promise<void> {
  const agents = await unwrap(commands.listActiveAgents());
  const snapshots = await Promise.all(agents.map((agent) => unwrap(commands.getAgentSnapshot(agent.agentId))));
  snapshots.forEach((snapshot, i) => useAgentRuns.getState().applySnapshot(snapshot, agents[i]));
}

/**
 * Subscribes to the backend's events for the window's lifetime: they invalidate queries, and the
 * `agent-*` ones reach the agent-run store in frame batches. On mount (or a webview reload) the
 * live agents' snapshots are applied first and the events that arrived meanwhile after them
 * (agents-and-workflow.md §4.4); a `gap` refetches that agent's snapshot.
 */
export function useEventBridge() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let disposed = false;
    let unlisten: (() => void) | null = null;
    const agentEvents = frameBatcher<BackendEvent>((batch) => {
      useAgentRuns.getState().apply(batch);
      for (const event of batch) {
        if (event.event === "agent-message" && event.payload.gap) {
          void unwrap(commands.getAgentSnapshot(event.payload.agentId))
            .then((snapshot) => useAgentRuns.getState().applySnapshot(snapshot))
            .catch(() => undefined);
        }
      }
    });
    agentEvents.hold();
    void listenBackend((event) => {
      invalidate(queryClient, event);
      if (isAgentEvent(event)) agentEvents.push(event);
    }).then(async (stop) => {
      if (disposed) {
        stop();
        return;
      }
      unlisten = stop;
      // A failed replay loses only the history on screen; live events still flow.
      await replay().catch(() => undefined);
      agentEvents.release();
    }, () => {
      // No event channel (a plain browser): queries still work, they just are not pushed.
      agentEvents.release();
    });
    return () => {
      disposed = true;
      unlisten?.();
    };
  }, [queryClient]);
}
