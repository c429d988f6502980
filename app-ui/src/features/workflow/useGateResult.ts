import { listen } from "@tauri-apps/api/event";
import { useEffect, useRef } from "react";
import { type GateResultEvent, toBackendEvent } from "../../lib/events";

/** Calls `onResult` for this skill's `gate-result` events while the page is open (§5.6). */
export function useGateResult(name: string, onResult: (result: GateResultEvent) => void) {
  const handler = useRef(onResult);
  useEffect(() => {
    handler.current = onResult;
  });
  useEffect(() => {
    let stop: (() => void) | null = null;
    let disposed = false;
    void listen<unknown>("gate-result", (raw) => {
      const event = toBackendEvent("gate-result", raw.payload);
      if (event.event === "gate-result" && event.payload.skillName === name) handler.current(event.payload);
    }).then(
      (unlisten) => (disposed ? unlisten() : (stop = unlisten)),
      () => undefined,
    );
    return () => {
      disposed = true;
      stop?.();
    };
  }, [name]);
}
