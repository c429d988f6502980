import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap } from "./commandError";

/** Fresh until an event or a mutation says otherwise: several parts of the window read these. */
const UNTIL_INVALIDATED = { staleTime: Number.POSITIVE_INFINITY } as const;

/**
 * Queries the shell shares. Keys start with the command name, so the event bridge
 * (`useEventBridge`) invalidates them by command.
 */
export function useSettings() {
  return useQuery({ queryKey: ["get_settings"], queryFn: () => unwrap(commands.getSettings()), ...UNTIL_INVALIDATED });
}

type SettingsPatch = Parameters<typeof commands.saveSettings>[0];

export function useSaveSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => unwrap(commands.saveSettings(patch)),
    onSuccess: (view) => queryClient.setQueryData(["get_settings"], view),
  });
}

export function useStartupDeps() {
  return useQuery({ queryKey: ["check_startup_deps"], queryFn: () => unwrap(commands.checkStartupDeps()), ...UNTIL_INVALIDATED });
}

export function useActiveAgents() {
  return useQuery({ queryKey: ["list_active_agents"], queryFn: () => unwrap(commands.listActiveAgents()), ...UNTIL_INVALIDATED });
}

/** The last reconciliation report; `reconciliation-finished` replaces it in the cache. */
export function useReconcileReport() {
  return useQuery({ queryKey: ["reconcile_startup"], queryFn: () => unwrap(commands.reconcileStartup(false)), ...UNTIL_INVALIDATED });
}

export function useAllTags() {
  return useQuery({ queryKey: ["get_all_tags"], queryFn: () => unwrap(commands.getAllTags()), ...UNTIL_INVALIDATED });
}

/** Agents run in mock mode when chosen, or when no API key is stored (ARCHITECTURE.md deviations). */
export function useMockMode(): boolean {
  const settings = useSettings();
  if (!settings.data) return false;
  return settings.data.settings.agentBackend === "mock" || !settings.data.anthropicApiKey.set;
}
