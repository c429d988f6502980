// The window's console.* lines go to the app's log file too (through `write_window_log`), at the
// run-time log level the backend applies, so one log tells what happened on both sides.
import { commands, type LogLevel } from "../bindings";

const METHODS: ReadonlyArray<[keyof Console & ("error" | "warn" | "info" | "log" | "debug"), LogLevel]> = [
  ["error", "error"],
  ["warn", "warn"],
  ["info", "info"],
  ["log", "info"],
  ["debug", "debug"],
];

/** One console argument as text: errors keep their stack, objects become JSON when they can. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Wraps the console so each call also reaches the log file. `send` failing (no backend, a
 * closed window) never throws into the page, and a line logged while sending is not sent again.
 */
export function forwardConsole(
  target: Console = console,
  send: (level: LogLevel, message: string) => Promise<unknown> = commands.writeWindowLog,
): () => void {
  let sending = false;
  const originals = METHODS.map(([method]) => [method, target[method]] as const);
  for (const [method, level] of METHODS) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => {
      original(...args);
      if (sending) return;
      sending = true;
      try {
        void send(level, args.map(describe).join(" ")).catch(() => undefined);
      } catch {
        // Outside Tauri there is no IPC; the console line was still printed.
      } finally {
        sending = false;
      }
    };
  }
  return () => {
    for (const [method, original] of originals) target[method] = original;
  };
}

/** Whether the page runs inside the Tauri window (not a plain browser or a test). */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
