import { ChevronDown, ChevronRight } from "lucide-react";
import { useState } from "react";
import type { WorkflowSessionRecord } from "../../bindings";
import { formatCount, formatDateTime, formatDuration, formatUsd } from "./format";
import { SessionRuns } from "./SessionRuns";

function steps(session: WorkflowSessionRecord): string {
  return session.steps.length === 0 ? "" : ` · steps ${session.steps.map((step) => step + 1).join(", ")}`;
}

function SessionRow({ session }: { session: WorkflowSessionRecord }) {
  const [open, setOpen] = useState(false);
  const Icon = open ? ChevronDown : ChevronRight;
  return (
    <li className="border-t border-border first:border-t-0" data-testid={`session-${session.sessionId}`}>
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="flex w-full items-center gap-3 px-3 py-2 text-left text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
        data-testid={`session-toggle-${session.sessionId}`}
      >
        <Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
        <span className="min-w-0 flex-1">
          <span className="font-mono font-medium">{session.skillName}</span>
          <span className="text-muted-foreground">
            {" "}
            · {session.kind}
            {steps(session)} · {formatDateTime(session.startedAt)}
          </span>
        </span>
        <span className="tabular-nums text-muted-foreground">{formatCount(session.runCount)} runs</span>
        <span className="w-20 text-right tabular-nums text-muted-foreground">{formatDuration(session.durationMs)}</span>
        <span className="w-20 text-right font-medium tabular-nums" data-testid={`session-cost-${session.sessionId}`}>
          {formatUsd(session.totalCostUsd)}
        </span>
      </button>
      {open && (
        <div className="bg-background pb-2">
          <SessionRuns sessionId={session.sessionId} />
        </div>
      )}
    </li>
  );
}

/** Recent sessions with their totals; each expands to its runs (§9.4). */
export function RecentSessions({ sessions }: { sessions: WorkflowSessionRecord[] }) {
  return (
    <section aria-labelledby="recent-sessions-title" className="rounded-xl border border-border bg-card" data-testid="recent-sessions">
      <h2 id="recent-sessions-title" className="border-b border-border px-3 py-2 text-sm font-medium">
        Recent sessions
      </h2>
      {sessions.length === 0 ? (
        <p className="px-3 py-6 text-center text-sm text-muted-foreground" data-testid="recent-sessions-empty">
          No sessions in this view.
        </p>
      ) : (
        <ul>
          {sessions.map((session) => (
            <SessionRow key={session.sessionId} session={session} />
          ))}
        </ul>
      )}
    </section>
  );
}
