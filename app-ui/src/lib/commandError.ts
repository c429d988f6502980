import type { CommandError } from "../bindings";

/** What every generated command returns (tauri-specta's `typedError`). */
type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: CommandError };

/** Turns a command's result into a value or a rejection with its CommandError, the shape TanStack Query expects. */
export async function unwrap<T>(call: Promise<CommandResult<T>>): Promise<T> {
  const result = await call;
  if (result.status === "error") throw result.error;
  return result.data;
}

/** The bindings rethrow JavaScript errors (a broken IPC bridge) as they are; show those as internal errors. */
export function toCommandError(error: unknown): CommandError {
  if (isCommandError(error)) return error;
  return { code: "internal", message: error instanceof Error ? error.message : String(error) };
}

function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<CommandError>).code === "string" &&
    typeof (value as Partial<CommandError>).message === "string"
  );
}
