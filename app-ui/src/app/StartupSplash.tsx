import { CheckCircle2, Loader2, XCircle } from "lucide-react";
import type { DepStatus } from "../bindings";
import { CommandErrorMessage } from "../components/CommandErrorMessage";
import { Button } from "../components/ui/button";
import { toCommandError } from "../lib/commandError";
import { useStartupDeps } from "../lib/queries";

function CheckRow({ check }: { check: DepStatus }) {
  return (
    <li data-testid={`startup-check-${check.id}`} className="flex gap-2 text-sm">
      {check.ok ? (
        <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-emerald-700 dark:text-emerald-400" aria-label="ok" />
      ) : (
        <XCircle className="mt-0.5 size-4 shrink-0 text-rose-700 dark:text-rose-400" aria-label="failed" />
      )}
      <div>
        <p className="font-medium">{check.name}</p>
        {!check.ok && (
          <>
            <p className="text-muted-foreground">{check.detail}</p>
            {check.fixHint && <p className="text-foreground">{check.fixHint}</p>}
          </>
        )}
      </div>
    </li>
  );
}

/**
 * The dependency check (§9.2): shown while `check_startup_deps` runs and, when a blocking check
 * fails, with each check's detail and fix hint, Retry, and a way on without agents.
 */
export function StartupSplash({ onContinue, waiting = false }: { onContinue: () => void; waiting?: boolean }) {
  const deps = useStartupDeps();
  return (
    <main className="grid min-h-screen place-items-center p-6" data-testid="startup-splash">
      <div className="w-full max-w-lg rounded-xl bg-card p-6 shadow-sm ring-1 ring-border">
        <h1 className="text-lg font-semibold">Skill Builder</h1>
        {waiting || deps.isPending || deps.isFetching ? (
          <p role="status" className="mt-4 flex items-center gap-2 text-sm text-muted-foreground">
            <Loader2 className="size-4 animate-spin" aria-hidden="true" />
            {waiting ? "Starting…" : "Checking dependencies…"}
          </p>
        ) : (
          <>
            <p className="mt-1 text-sm text-muted-foreground">Agents cannot run until the failed checks are fixed.</p>
            {deps.isError ? (
              <div className="mt-4">
                <CommandErrorMessage error={toCommandError(deps.error)} testId="startup-error" />
              </div>
            ) : (
              <ul className="mt-4 space-y-3">
                {deps.data.checks.map((check) => (
                  <CheckRow key={check.id} check={check} />
                ))}
              </ul>
            )}
            <div className="mt-6 flex justify-end gap-2">
              <Button onClick={onContinue} data-testid="startup-continue">
                Continue without agents
              </Button>
              <Button variant="primary" onClick={() => void deps.refetch()} data-testid="startup-retry">
                Retry
              </Button>
            </div>
          </>
        )}
      </div>
    </main>
  );
}
