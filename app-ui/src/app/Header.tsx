import { useRouterState } from "@tanstack/react-router";
import { PanelLeft } from "lucide-react";
import { Badge } from "../components/ui/badge";
import { Button } from "../components/ui/button";
import { Tooltip } from "../components/ui/tooltip";
import { useMockMode } from "../lib/queries";
import { useUiPrefs } from "../stores/uiPrefs";
import { RunningAgents } from "./RunningAgents";
import { ThemeMenu } from "./ThemeMenu";

function pageTitle(path: string): string {
  if (path.startsWith("/skill/")) return path.endsWith("/history") ? "History" : "Workflow";
  const titles: Record<string, string> = { "/refine": "Refine", "/test": "Test", "/usage": "Usage", "/settings": "Settings" };
  return titles[path] ?? "Skills";
}

/** Title, running agents with Stop, the Mock badge and the theme (§9.3). */
export function Header() {
  const path = useRouterState({ select: (state) => state.location.pathname });
  const mock = useMockMode();
  const toggleSidebar = useUiPrefs((state) => state.toggleSidebar);
  return (
    <header className="flex items-center gap-3 border-b border-border bg-card px-4 py-2">
      <Button variant="ghost" size="icon" aria-label="Toggle sidebar (Ctrl+B)" onClick={toggleSidebar} data-testid="sidebar-toggle">
        <PanelLeft aria-hidden="true" />
      </Button>
      <span className="text-sm font-semibold tracking-tight">Skill Builder</span>
      <span className="text-sm text-muted-foreground" aria-hidden="true">
        /
      </span>
      <span className="text-sm text-muted-foreground" data-testid="page-title">
        {pageTitle(path)}
      </span>
      <div className="ml-auto flex items-center gap-2">
        <RunningAgents />
        {mock && (
          <Tooltip content="Agents are simulated: no API calls, no cost.">
            <Badge tabIndex={0} data-testid="mock-badge" className="bg-amber-50 text-amber-900 border-amber-600/30 dark:bg-amber-950 dark:text-amber-100">
              Mock
            </Badge>
          </Tooltip>
        )}
        <ThemeMenu />
      </div>
    </header>
  );
}
