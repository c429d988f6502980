import { AlertTriangle, Bot, Brain, ChevronRight, Info, Loader2, Wrench, XCircle } from "lucide-react";
import { memo } from "react";
import { Button } from "../../components/ui/button";
import { cn } from "../../lib/utils";
import { Markdown } from "./Markdown";
import { type Row, type ToolRow, toolSummary } from "./rows";

/** Which tool calls are open; kept by the panel so a row scrolled out and back stays as it was. */
export type Expansion = { isOpen: (key: string) => boolean; toggle: (key: string) => void };

function ToolCall({ row, expansion }: { row: ToolRow; expansion: Expansion }) {
  const open = expansion.isOpen(row.key);
  const summary = toolSummary(row.input);
  const delegated = row.children.length > 0;
  const Icon = delegated || row.name === "Agent" || row.name === "Task" ? Bot : Wrench;
  return (
    <div className="rounded-lg border border-border bg-card text-sm" data-testid={`tool-call-${row.toolUseId}`}>
      <Button
        variant="ghost"
        size="sm"
        className="w-full justify-start gap-2 text-left font-normal text-foreground"
        aria-expanded={open}
        onClick={() => expansion.toggle(row.key)}
        data-testid={`tool-toggle-${row.toolUseId}`}
      >
        <ChevronRight className={cn("transition-transform", open && "rotate-90")} aria-hidden="true" />
        <Icon aria-hidden="true" />
        <span className="font-mono font-medium">{row.name}</span>
        <span className="min-w-0 flex-1 truncate text-muted-foreground">{summary}</span>
        {delegated && <span className="text-muted-foreground">{row.children.length} items</span>}
        {row.result === null ? (
          <Loader2 className="animate-spin text-muted-foreground" aria-label="running" />
        ) : row.result.isError ? (
          <XCircle className="text-rose-600" aria-label="failed" />
        ) : null}
      </Button>
      {open && (
        <div className="space-y-2 border-t border-border p-2" data-testid={`tool-detail-${row.toolUseId}`}>
          <section aria-label="Input">
            <p className="text-xs font-medium text-muted-foreground">Input</p>
            <pre className="max-h-64 overflow-auto rounded bg-muted p-2 text-xs whitespace-pre-wrap">{JSON.stringify(row.input, null, 2)}</pre>
          </section>
          {delegated && (
            <div className="space-y-1 border-l-2 border-border pl-2" data-testid={`subagent-${row.toolUseId}`}>
              {row.children.map((child) => (
                <OutputRow key={child.key} row={child} expansion={expansion} />
              ))}
            </div>
          )}
          {row.result && (
            <section aria-label="Result">
              <p className="text-xs font-medium text-muted-foreground">
                {row.result.isError ? "Error" : "Result"}
                {row.result.truncated && " (truncated)"}
              </p>
              <pre className="max-h-64 overflow-auto rounded bg-muted p-2 text-xs whitespace-pre-wrap">{row.result.text}</pre>
            </section>
          )}
        </div>
      )}
    </div>
  );
}

/** Consecutive tool calls as one line ("5 tool calls: Read, Grep…"); expanding lists each call. */
function ToolGroup({ row, expansion }: { row: Extract<Row, { type: "tools" }>; expansion: Expansion }) {
  const open = expansion.isOpen(row.key);
  const names = [...new Set(row.calls.map((call) => call.name))].join(", ");
  const failed = row.calls.some((call) => call.result?.isError);
  const running = row.calls.some((call) => call.result === null);
  return (
    <div className="text-sm" data-testid="tool-group">
      <Button variant="ghost" size="sm" className="w-full justify-start gap-2 text-left font-normal text-foreground" aria-expanded={open} onClick={() => expansion.toggle(row.key)} data-testid="tool-group-toggle">
        <ChevronRight className={cn("transition-transform", open && "rotate-90")} aria-hidden="true" />
        <Wrench aria-hidden="true" />
        <span className="font-medium">{row.calls.length} tool calls</span>
        <span className="min-w-0 flex-1 truncate font-mono text-muted-foreground">{names}</span>
        {running ? <Loader2 className="animate-spin text-muted-foreground" aria-label="running" /> : failed ? <XCircle className="text-rose-600" aria-label="a call failed" /> : null}
      </Button>
      {open && (
        <div className="mt-1 space-y-1 pl-4">
          {row.calls.map((call) => (
            <ToolCall key={call.key} row={call} expansion={expansion} />
          ))}
        </div>
      )}
    </div>
  );
}

const NOTICE_ICON = { info: Info, warn: AlertTriangle, error: XCircle };

/** One row of the output list: text, thinking, a tool call (with its delegated agent), a notice. */
export const OutputRow = memo(function OutputRow({ row, expansion }: { row: Row; expansion: Expansion }) {
  switch (row.type) {
    case "text":
      return <Markdown text={row.text} />;
    case "streaming":
      return (
        <div className={cn(row.block === "thinking" && "text-muted-foreground italic")} data-testid="streaming-text">
          <Markdown text={row.text} />
        </div>
      );
    case "thinking":
      return (
        <div className="flex gap-2 text-sm text-muted-foreground italic" data-testid="thinking-row">
          <Brain className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
          <p className="whitespace-pre-wrap">{row.redacted ? "(redacted thinking)" : row.text}</p>
        </div>
      );
    case "tool":
      return <ToolCall row={row} expansion={expansion} />;
    case "tools":
      return <ToolGroup row={row} expansion={expansion} />;
    case "user":
      return <p className="rounded-lg bg-muted p-2 text-sm whitespace-pre-wrap">{row.text}</p>;
    case "notice": {
      const Icon = NOTICE_ICON[row.level];
      return (
        <p className={cn("flex items-start gap-2 text-xs", row.level === "info" ? "text-muted-foreground" : "text-amber-700 dark:text-amber-400")} data-testid="notice-row">
          <Icon className="mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
          <span className="break-words">{row.text}</span>
        </p>
      );
    }
    case "marker":
      return (
        <p className="border-y border-dashed border-border py-1 text-center text-xs text-muted-foreground" data-testid={`marker-${row.marker}`}>
          {row.marker === "gap" ? "Some streamed output was dropped; reloading the run…" : "Earlier output is in the run log."}
        </p>
      );
  }
});
