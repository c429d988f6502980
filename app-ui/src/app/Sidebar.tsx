import { Link } from "@tanstack/react-router";
import { BarChart3, FlaskConical, Library, Settings, UserRound } from "lucide-react";
import type { ReactNode } from "react";
import { useSettings } from "../lib/queries";
import { cn } from "../lib/utils";
import { useUiPrefs } from "../stores/uiPrefs";

type NavItem = { to: "/" | "/test" | "/usage" | "/settings"; label: string; icon: ReactNode; testId: string };

/** The pages `Ctrl/Cmd+1…3` switch between, in sidebar order (§9.3). */
export const MAIN_PAGES: NavItem[] = [
  { to: "/", label: "Skills", icon: <Library aria-hidden="true" />, testId: "nav-library" },
  { to: "/test", label: "Test", icon: <FlaskConical aria-hidden="true" />, testId: "nav-test" },
  { to: "/usage", label: "Usage", icon: <BarChart3 aria-hidden="true" />, testId: "nav-usage" },
];

const SETTINGS: NavItem = { to: "/settings", label: "Settings", icon: <Settings aria-hidden="true" />, testId: "nav-settings" };

function NavLink({ item, open }: { item: NavItem; open: boolean }) {
  return (
    <Link
      to={item.to}
      data-testid={item.testId}
      aria-label={open ? undefined : item.label}
      activeOptions={{ exact: item.to === "/" }}
      className={cn(
        "flex items-center gap-2 rounded-lg px-2.5 py-1.5 text-sm font-medium text-muted-foreground hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring [&_svg]:size-4",
        "data-[status=active]:bg-muted data-[status=active]:text-foreground",
      )}
    >
      {item.icon}
      {open && item.label}
    </Link>
  );
}

/** Skills, Test, Usage; Settings and the GitHub account at the bottom (§9.3). `Ctrl/Cmd+B` folds it. */
export function Sidebar() {
  const open = useUiPrefs((state) => state.sidebarOpen);
  const login = useSettings().data?.settings.githubUserLogin;
  return (
    <nav aria-label="Main" data-testid="sidebar" className={cn("flex shrink-0 flex-col gap-1 border-r border-border bg-card p-2", open ? "w-48" : "w-14")}>
      {MAIN_PAGES.map((item) => (
        <NavLink key={item.to} item={item} open={open} />
      ))}
      <div className="mt-auto flex flex-col gap-1">
        <NavLink item={SETTINGS} open={open} />
        {login && (
          <p className="flex items-center gap-2 px-2.5 py-1.5 text-xs text-muted-foreground" data-testid="github-account">
            <UserRound className="size-4" aria-hidden="true" />
            {open ? login : <span className="sr-only">{login}</span>}
          </p>
        )}
      </div>
    </nav>
  );
}
