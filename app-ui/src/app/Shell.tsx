import { Outlet } from "@tanstack/react-router";
import { Header } from "./Header";
import { ReconciliationDialog } from "./ReconciliationDialog";
import { Sidebar } from "./Sidebar";
import { StartupWarnings } from "./StartupWarnings";
import { useShortcuts } from "./useShortcuts";

/** The frame around every page: sidebar, header, startup notices and the reconciliation dialog. */
export function Shell() {
  useShortcuts();
  return (
    <div className="flex h-screen flex-col">
      <Header />
      <div className="flex min-h-0 flex-1">
        <Sidebar />
        <main className="min-w-0 flex-1 overflow-y-auto px-6 py-6" id="main">
          <StartupWarnings />
          <Outlet />
        </main>
      </div>
      <ReconciliationDialog />
    </div>
  );
}
