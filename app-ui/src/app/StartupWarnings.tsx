import { useState } from "react";
import { Button } from "../components/ui/button";
import { useReconcileReport, useStartupDeps } from "../lib/queries";
import { toCommandError } from "../lib/commandError";

/**
 * Non-blocking startup notices (§9.2): failed checks that do not stop agents, and a reconciliation
 * that failed or was skipped. They never block the app.
 */
export function StartupWarnings() {
  const deps = useStartupDeps();
  const report = useReconcileReport();
  const [dismissed, setDismissed] = useState(false);
  if (dismissed) return null;
  const failed = (deps.data?.checks ?? []).filter((check) => !check.ok);
  const reconcileProblem = report.isError
    ? toCommandError(report.error).message
    : report.data?.status === "skipped"
      ? (report.data.reason ?? "The skills folder was not compared with the library.")
      : null;
  if (failed.length === 0 && reconcileProblem === null) return null;
  return (
    <div role="status" data-testid="startup-warnings" className="mb-6 rounded-xl border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      <ul className="space-y-1.5">
        {failed.map((check) => (
          <li key={check.id}>
            <span className="font-medium">{check.name}:</span> {check.detail}
            {check.fixHint && <span className="block">{check.fixHint}</span>}
          </li>
        ))}
        {reconcileProblem && (
          <li>
            <span className="font-medium">Library check:</span> {reconcileProblem}
          </li>
        )}
      </ul>
      <div className="mt-2 flex gap-2">
        <Button size="sm" onClick={() => void deps.refetch()}>
          Retry
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setDismissed(true)}>
          Dismiss
        </Button>
      </div>
    </div>
  );
}
