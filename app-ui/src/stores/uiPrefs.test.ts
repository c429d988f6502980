import { describe, expect, it } from "vitest";
import { DEFAULT_PREFS, useUiPrefs } from "./uiPrefs";

describe("useUiPrefs", () => {
  it("takes the known keys of saved prefs and ignores the rest", () => {
    useUiPrefs.getState().hydrate({ theme: "dark", sidebarOpen: "yes", libraryView: "list", panel: 3 });
    const { theme, sidebarOpen, libraryView, hydrated } = useUiPrefs.getState();
    expect({ theme, sidebarOpen, libraryView, hydrated }).toEqual({ theme: "dark", sidebarOpen: DEFAULT_PREFS.sidebarOpen, libraryView: "list", hydrated: true });
  });

  it("falls back to the defaults when nothing was saved", () => {
    useUiPrefs.getState().hydrate(null);
    expect(useUiPrefs.getState().theme).toBe("system");
    useUiPrefs.getState().toggleSidebar();
    expect(useUiPrefs.getState().sidebarOpen).toBe(false);
  });
});
