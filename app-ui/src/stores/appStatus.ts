import { create } from "zustand";

type AppStatusState = {
  /** The user went past a dependency check with failures ("Continue without agents"). */
  depsAcknowledged: boolean;
  /** The close guard's dialog is open (a close was requested with agents running, §9.5). */
  closeGuardOpen: boolean;
  /** The reconciliation dialog was dismissed for this window. */
  reconciliationDismissed: boolean;
  acknowledgeDeps: () => void;
  setCloseGuardOpen: (open: boolean) => void;
  dismissReconciliation: () => void;
};

/** Startup and shutdown state of the window (§9.1 `useAppStatus`); backend data stays in queries. */
export const useAppStatus = create<AppStatusState>()((set) => ({
  depsAcknowledged: false,
  closeGuardOpen: false,
  reconciliationDismissed: false,
  acknowledgeDeps: () => set({ depsAcknowledged: true }),
  setCloseGuardOpen: (closeGuardOpen) => set({ closeGuardOpen }),
  dismissReconciliation: () => set({ reconciliationDismissed: true }),
}));
