import { Link } from "@tanstack/react-router";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { toCommandError } from "../../lib/commandError";
import { formatCount, formatDateTime, formatDuration, formatUsd } from "./format";
import { useSessionRuns } from "./usageQueries";

/** The runs of one session (`get_session_agent_runs`); each run id links to its run log. */
export function SessionRuns({ sessionId }: { sessionId: string }) {
  const runs = useSessionRuns(sessionId);
  if (runs.isError) return <CommandErrorMessage error={toCommandError(runs.error)} testId={`session-runs-error-${sessionId}`} />;
  if (!runs.data) return <p className="px-3 py-2 text-sm text-muted-foreground">Loading runs…</p>;
  if (runs.data.length === 0) return <p className="px-3 py-2 text-sm text-muted-foreground">No runs in this view.</p>;
  return (
    <table className="w-full text-left text-xs" data-testid={`session-runs-${sessionId}`}>
      <thead className="text-muted-foreground">
        <tr>
          <th scope="col" className="px-3 py-1 font-medium">Agent</th>
          <th scope="col" className="px-3 py-1 font-medium">Model</th>
          <th scope="col" className="px-3 py-1 font-medium">Status</th>
          <th scope="col" className="px-3 py-1 text-right font-medium">Tokens in / out</th>
          <th scope="col" className="px-3 py-1 text-right font-medium">Cost</th>
          <th scope="col" className="px-3 py-1 text-right font-medium">Duration</th>
          <th scope="col" className="px-3 py-1 font-medium">Started</th>
        </tr>
      </thead>
      <tbody>
        {runs.data.map((run) => (
          <tr key={run.runId} className="border-t border-border" data-testid={`run-row-${run.runId}`}>
            <td className="px-3 py-1">
              {run.kind}
              {run.stepId !== null && ` · step ${run.stepId + 1}`}
              <Link
                to="/runs/$runId"
                params={{ runId: run.runId }}
                className="block font-mono text-muted-foreground underline-offset-2 hover:underline"
                aria-label={`Run log ${run.runId}`}
                data-testid={`run-log-link-${run.runId}`}
              >
                {run.runId}
              </Link>
            </td>
            <td className="px-3 py-1 font-mono">{run.models || run.model}</td>
            <td className="px-3 py-1">{run.status}</td>
            <td className="px-3 py-1 text-right tabular-nums">
              {formatCount(run.inputTokens)} / {formatCount(run.outputTokens)}
            </td>
            <td className="px-3 py-1 text-right tabular-nums" data-testid={`run-cost-${run.runId}`}>
              {formatUsd(run.totalCostUsd)}
            </td>
            <td className="px-3 py-1 text-right tabular-nums">{formatDuration(run.durationMs)}</td>
            <td className="px-3 py-1">{formatDateTime(run.startedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
