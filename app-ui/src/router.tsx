import {
  createHashHistory,
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  type RouterHistory,
} from "@tanstack/react-router";
import { RouteError } from "./app/RouteError";
import { Shell } from "./app/Shell";
import { RunLogPage } from "./features/agent/RunLogPage";
import { HistoryPage } from "./features/history/HistoryPage";
import { LibraryPage } from "./features/library/LibraryPage";
import { RefinePage } from "./features/refine/RefinePage";
import { SettingsPage } from "./features/settings/SettingsPage";
import { TestPage } from "./features/test/TestPage";
import { WorkflowPage } from "./features/workflow/WorkflowPage";

/** `?skill=` of the refine and test pages. */
function skillSearch(search: Record<string, unknown>): { skill?: string } {
  return typeof search.skill === "string" ? { skill: search.skill } : {};
}

/** Refine also takes `?findings=`, the tester's handoff that prefills the composer. */
function refineSearch(search: Record<string, unknown>): { skill?: string; findings?: string } {
  return { ...skillSearch(search), ...(typeof search.findings === "string" ? { findings: search.findings } : {}) };
}

const rootRoute = createRootRoute({ component: Shell });

/**
 * The route table (agents-and-workflow.md §9.4). A page whose commands do not exist yet renders
 * only its title; its owner replaces `component` here.
 */
const routes = [
  createRoute({ getParentRoute: () => rootRoute, path: "/", component: LibraryPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/skill/$name", component: WorkflowPage }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/skill/$name/history",
    component: HistoryPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/refine",
    validateSearch: refineSearch,
    component: RefinePage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/test",
    validateSearch: skillSearch,
    component: TestPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/usage",
    // Lazy: Recharts is most of its weight, and only this page draws charts.
    component: lazyRouteComponent(() => import("./features/usage/UsagePage"), "UsagePage"),
  }),
  createRoute({ getParentRoute: () => rootRoute, path: "/runs/$runId", component: RunLogPage }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/settings",
    validateSearch: (search: Record<string, unknown>): { tab?: string } =>
      typeof search.tab === "string" ? { tab: search.tab } : {},
    component: SettingsPage,
  }),
] as const;

const routeTree = rootRoute.addChildren(routes);

/**
 * Hash history: the page is served from Tauri's asset protocol, where a reload of `/skill/x`
 * must still find index.html; tests pass a memory history.
 */
export function createAppRouter(history: RouterHistory = createHashHistory()) {
  return createRouter({ routeTree, history, defaultPreload: false, defaultErrorComponent: RouteError });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module "@tanstack/react-router" {
  interface Register {
    router: AppRouter;
  }
}
