import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands } from "../../bindings";
import { unwrap } from "../../lib/commandError";
import { type DayWindow, toDailySeries } from "./dailySeries";

export type UsageFilterArg = NonNullable<Parameters<typeof commands.getUsageSummary>[0]>;

/** Query keys of every usage figure; `reset_usage` and finished runs make them all stale. */
export const USAGE_KEYS = [
  "get_usage_summary",
  "get_usage_by_step",
  "get_usage_by_model",
  "get_recent_workflow_sessions",
  "get_session_agent_runs",
] as const;

const KEEP = { placeholderData: keepPreviousData } as const;

export function useUsageSummary(filter: UsageFilterArg) {
  return useQuery({ queryKey: ["get_usage_summary", filter], queryFn: () => unwrap(commands.getUsageSummary(filter)), ...KEEP });
}

export function useUsageByStep(filter: UsageFilterArg) {
  return useQuery({ queryKey: ["get_usage_by_step", filter], queryFn: () => unwrap(commands.getUsageByStep(filter)), ...KEEP });
}

export function useUsageByModel(filter: UsageFilterArg) {
  return useQuery({ queryKey: ["get_usage_by_model", filter], queryFn: () => unwrap(commands.getUsageByModel(filter)), ...KEEP });
}

/**
 * Cost per day by model. There is no per-day command, so each day is one `get_usage_by_model`
 * over that day's window: the bars are the database's own sums, with the page's filter applied.
 */
export function useDailyUsage(filter: UsageFilterArg, days: DayWindow[]) {
  return useQuery({
    queryKey: ["get_usage_by_model", "daily", filter, days[0]?.from, days.length],
    queryFn: async () => {
      const perDay = await Promise.all(days.map((day) => unwrap(commands.getUsageByModel({ ...filter, from: day.from, to: day.to }))));
      return toDailySeries(days, perDay);
    },
    ...KEEP,
  });
}

export const RECENT_SESSIONS = 50;

export function useRecentSessions(filter: UsageFilterArg) {
  return useQuery({
    queryKey: ["get_recent_workflow_sessions", RECENT_SESSIONS, filter],
    queryFn: () => unwrap(commands.getRecentWorkflowSessions(RECENT_SESSIONS, filter)),
    ...KEEP,
  });
}

export function useSessionRuns(sessionId: string) {
  return useQuery({
    queryKey: ["get_session_agent_runs", sessionId],
    queryFn: () => unwrap(commands.getSessionAgentRuns(sessionId, false)),
  });
}

export function useResetUsage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.resetUsage()),
    onSuccess: () => USAGE_KEYS.forEach((key) => void queryClient.invalidateQueries({ queryKey: [key] })),
  });
}
