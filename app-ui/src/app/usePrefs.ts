import { useEffect, useRef } from "react";
import { useSaveSettings, useSettings } from "../lib/queries";
import { prefsOf, type Theme, useUiPrefs } from "../stores/uiPrefs";

/** How long prefs settle before they are saved (a sidebar toggled twice saves once). */
const SAVE_DELAY_MS = 500;

function prefersDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

function applyTheme(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && prefersDark());
  document.documentElement.classList.toggle("dark", dark);
}

/** Applies the theme to <html>, following the system when the theme is "system". */
export function useTheme() {
  const theme = useUiPrefs((state) => state.theme);
  useEffect(() => {
    applyTheme(theme);
    if (theme !== "system" || typeof window.matchMedia !== "function") return;
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => applyTheme("system");
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, [theme]);
}

/**
 * Reads the prefs from settings (`ui_prefs`) once, then saves each change back as a patch that
 * keeps the keys other parts of the app keep there.
 */
export function usePrefsPersistence() {
  const settings = useSettings();
  const { mutate } = useSaveSettings();
  const saved = settings.data?.settings.uiPrefs;
  const loaded = settings.isSuccess;
  // The latest saved prefs, read when a change is saved; a ref, so a settings refetch does not
  // cancel a save that is waiting.
  const savedRef = useRef(saved);

  useEffect(() => {
    savedRef.current = saved;
    if (loaded && !useUiPrefs.getState().hydrated) useUiPrefs.getState().hydrate(saved);
  }, [loaded, saved]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = useUiPrefs.subscribe((state, previous) => {
      if (!state.hydrated || !previous.hydrated) return;
      const next = prefsOf(state);
      if (JSON.stringify(next) === JSON.stringify(prefsOf(previous))) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const base = savedRef.current;
        const others = typeof base === "object" && base !== null && !Array.isArray(base) ? base : {};
        mutate({ uiPrefs: { ...others, ...next } });
      }, SAVE_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [mutate]);
}
