import { useNavigate } from "@tanstack/react-router";
import { useEffect } from "react";
import { useUiPrefs } from "../stores/uiPrefs";
import { MAIN_PAGES } from "./Sidebar";

/** `Ctrl/Cmd+B` sidebar, `Ctrl/Cmd+,` Settings, `Ctrl/Cmd+1…3` the main pages (§9.3). */
export function useShortcuts() {
  const navigate = useNavigate();
  const toggleSidebar = useUiPrefs((state) => state.toggleSidebar);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const page = MAIN_PAGES[Number(event.key) - 1];
      if (event.key === "b" || event.key === "B") toggleSidebar();
      else if (event.key === ",") void navigate({ to: "/settings" });
      else if (page) void navigate({ to: page.to });
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [navigate, toggleSidebar]);
}
