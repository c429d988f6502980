import { useCallback, useMemo, useState } from "react";
import type { RunOutcome, Value } from "../../bindings";
import type { RunError } from "../../lib/events";
import type { RunItem, StreamingBlock } from "../../stores/agentRuns";
import type { Expansion } from "./OutputRow";
import { OutputList } from "./OutputList";
import { PanelHeader } from "./PanelHeader";
import { buildRows, type Row, runFigures } from "./rows";

/** What the panel draws: a live run of `useAgentRuns` or a run read back from its transcript. */
export type PanelRun = {
  runId: string;
  label: string;
  model: string;
  items: RunItem[];
  deltas: Record<string, StreamingBlock>;
  progress: string | null;
  outcome: RunOutcome | null;
  error: RunError | null;
  summary: Value | null;
  gap: boolean;
  truncatedBefore: boolean;
};

type AgentOutputPanelProps = {
  run: PanelRun;
  /** Shown while the run has no outcome; a run log passes none. */
  onStop?: () => void;
  stopping?: boolean;
  /** Replaces "running" while the run has no outcome (a run log read from its transcript). */
  statusLabel?: string;
};

function summaryNumber(summary: Value | null, field: string): number | null {
  if (!summary || typeof summary !== "object" || Array.isArray(summary)) return null;
  const value = summary[field];
  return typeof value === "number" ? value : null;
}

function withoutThinking(rows: Row[]): Row[] {
  return rows
    .filter((row) => row.type !== "thinking" && !(row.type === "streaming" && row.block === "thinking"))
    .map((row) => (row.type === "tool" && row.children.length > 0 ? { ...row, children: withoutThinking(row.children) } : row));
}

/**
 * The agent output panel (agents-and-workflow.md §9.4): header figures, the progress line, and
 * the run's items as a virtualised list with folded streaming text, collapsed tool calls and
 * delegated agents nested under the call that started them. The workflow page embeds it; the
 * running-agents drawer and the run log viewer use it too.
 */
export function AgentOutputPanel({ run, onStop, stopping, statusLabel = "running" }: AgentOutputPanelProps) {
  const [showThinking, setShowThinking] = useState(false);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback(
    (key: string) =>
      setOpen((current) => {
        const next = new Set(current);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  const expansion = useMemo<Expansion>(() => ({ isOpen: (key) => open.has(key), toggle }), [open, toggle]);

  const rows = useMemo(() => {
    const built = buildRows(run.items, run.deltas);
    const visible = showThinking ? built : withoutThinking(built);
    const markers: Row[] = [];
    if (run.truncatedBefore) markers.push({ type: "marker", key: "marker:truncated", marker: "truncated" });
    const tail: Row[] = run.gap ? [{ type: "marker", key: "marker:gap", marker: "gap" }] : [];
    return [...markers, ...visible, ...tail];
  }, [run.items, run.deltas, run.truncatedBefore, run.gap, showThinking]);

  const figures = useMemo(() => {
    const fromItems = runFigures(run.items);
    return {
      label: run.label,
      model: run.model || fromItems.model || "",
      status: run.outcome ?? statusLabel,
      turns: summaryNumber(run.summary, "numTurns") ?? fromItems.turns,
      contextTokens: fromItems.contextTokens,
      costUsd: summaryNumber(run.summary, "costUsd"),
    };
  }, [run.items, run.label, run.model, run.outcome, run.summary, statusLabel]);

  return (
    <section className="flex h-full min-h-0 flex-col rounded-xl border border-border bg-card" aria-label={`Agent output: ${run.label || run.runId}`} data-testid={`agent-output-${run.runId}`}>
      <PanelHeader figures={figures} showThinking={showThinking} onShowThinking={setShowThinking} onStop={run.outcome === null ? onStop : undefined} stopping={stopping} />
      {run.progress && (
        <p className="border-b border-border px-3 py-1 text-xs text-muted-foreground" role="status" data-testid="agent-output-progress">
          {run.progress}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="flex-1 p-3 text-sm text-muted-foreground">{run.outcome === null && onStop ? "Waiting for output…" : "This run produced no output."}</p>
      ) : (
        <OutputList rows={rows} expansion={expansion} label="Agent output" />
      )}
      {run.error && (
        <div className="border-t border-border px-3 py-2 text-sm" role="alert" data-testid="agent-output-error">
          <p className="font-medium text-rose-700 dark:text-rose-400">{run.error.message}</p>
          <p className="text-xs text-muted-foreground">{run.error.category}</p>
        </div>
      )}
    </section>
  );
}
