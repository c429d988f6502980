import { create } from "zustand";

export type Theme = "light" | "dark" | "system";
export type LibraryView = "grid" | "list";

export type UiPrefs = {
  theme: Theme;
  sidebarOpen: boolean;
  /** `null` until the user picks one: list at 10 or more skills, else grid (§9.4). */
  libraryView: LibraryView | null;
};

export const DEFAULT_PREFS: UiPrefs = { theme: "system", sidebarOpen: true, libraryView: null };

type UiPrefsState = UiPrefs & {
  /** True once the prefs saved in settings (`ui_prefs`) were read; only then are changes saved back. */
  hydrated: boolean;
  hydrate: (saved: unknown) => void;
  setTheme: (theme: Theme) => void;
  toggleSidebar: () => void;
  setLibraryView: (view: LibraryView) => void;
};

function pick(saved: unknown): Partial<UiPrefs> {
  if (typeof saved !== "object" || saved === null) return {};
  const value = saved as Record<string, unknown>;
  const prefs: Partial<UiPrefs> = {};
  if (value.theme === "light" || value.theme === "dark" || value.theme === "system") prefs.theme = value.theme;
  if (typeof value.sidebarOpen === "boolean") prefs.sidebarOpen = value.sidebarOpen;
  if (value.libraryView === "grid" || value.libraryView === "list") prefs.libraryView = value.libraryView;
  return prefs;
}

/** Window preferences (§9.1 `useUiPrefs`): theme, sidebar, library view; saved in settings `ui_prefs`. */
export const useUiPrefs = create<UiPrefsState>()((set) => ({
  ...DEFAULT_PREFS,
  hydrated: false,
  hydrate: (saved) => set({ ...DEFAULT_PREFS, ...pick(saved), hydrated: true }),
  setTheme: (theme) => set({ theme }),
  toggleSidebar: () => set((state) => ({ sidebarOpen: !state.sidebarOpen })),
  setLibraryView: (libraryView) => set({ libraryView }),
}));

export function prefsOf(state: UiPrefs): UiPrefs {
  return { theme: state.theme, sidebarOpen: state.sidebarOpen, libraryView: state.libraryView };
}
