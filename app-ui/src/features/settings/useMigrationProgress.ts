import { listen } from "@tauri-apps/api/event";
import { useCallback, useEffect, useState } from "react";
import { type BackendEvent, toBackendEvent } from "../../lib/events";

export type MigrationProgress = Extract<BackendEvent, { event: "skills-path-migration" }>["payload"];

/**
 * The `skills-path-migration` events of a skills-folder copy (backend.md §6.6). They matter only
 * while this form waits for its `save_settings`, so the form listens itself rather than keeping
 * them in a window-wide store.
 */
export function useMigrationProgress() {
  const [progress, setProgress] = useState<MigrationProgress | null>(null);
  useEffect(() => {
    let stop: (() => void) | null = null;
    let disposed = false;
    void listen<unknown>("skills-path-migration", (raw) => {
      const event = toBackendEvent("skills-path-migration", raw.payload);
      if (event.event === "skills-path-migration") setProgress(event.payload);
    }).then(
      (unlisten) => (disposed ? unlisten() : (stop = unlisten)),
      () => undefined,
    );
    return () => {
      disposed = true;
      stop?.();
    };
  }, []);
  const reset = useCallback(() => setProgress(null), []);
  return { progress, reset };
}
