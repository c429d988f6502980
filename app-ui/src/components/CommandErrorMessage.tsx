import type { CommandError } from "../bindings";

/** A backend error as the user should see it: what went wrong, then how to fix it. */
export function CommandErrorMessage({ error, testId, id }: { error: CommandError; testId: string; id?: string }) {
  return (
    <div role="alert" id={id} data-testid={testId} className="rounded-lg border border-rose-200 bg-rose-50 dark:border-rose-800 dark:bg-rose-950 px-3 py-2 text-sm">
      <p className="font-medium text-rose-800 dark:text-rose-200">{error.message}</p>
      {error.fixHint && <p className="mt-1 text-rose-700 dark:text-rose-300">{error.fixHint}</p>}
    </div>
  );
}
