import type { Value } from "../../bindings";
import type { RunItem, StreamingBlock } from "../../stores/agentRuns";

/**
 * What the output panel draws, built from a run's normalised items (agents-and-workflow.md §2.5):
 * a tool call holds its result and, for a delegated agent, the items whose `parent_tool_use_id`
 * names it; usage snapshots feed the header, not the list.
 */
export type ToolResult = { text: string; isError: boolean; truncated: boolean };
export type Row =
  | { type: "text"; key: string; text: string }
  | { type: "thinking"; key: string; text: string; redacted: boolean }
  | { type: "tool"; key: string; toolUseId: string; name: string; input: Value; result: ToolResult | null; children: Row[] }
  | { type: "tools"; key: string; calls: ToolRow[] }
  | { type: "user"; key: string; text: string }
  | { type: "notice"; key: string; level: "info" | "warn" | "error"; text: string }
  | { type: "streaming"; key: string; block: string; text: string }
  | { type: "marker"; key: string; marker: "gap" | "truncated" };

export type ToolRow = Extract<Row, { type: "tool" }>;

type Obj = { [key: string]: Value };

function asObject(value: Value): Obj | null {
  return value && typeof value === "object" && !Array.isArray(value) ? value : null;
}

function str(value: Value | undefined): string {
  return typeof value === "string" ? value : "";
}

/** The row of one item, or null when the list does not show it. */
function rowOf(item: Obj, key: string): Row | null {
  switch (item.kind) {
    case "text":
      return { type: "text", key, text: str(item.text) };
    case "thinking":
      return { type: "thinking", key, text: str(item.text), redacted: item.redacted === true };
    case "tool_use":
      return { type: "tool", key, toolUseId: str(item.tool_use_id), name: str(item.name), input: item.input ?? null, result: null, children: [] };
    case "tool_result":
      // A result whose call is not in view (dropped before the ring buffer's start).
      return { type: "notice", key, level: item.is_error === true ? "error" : "info", text: `Tool result: ${str(item.text)}` };
    case "user_text":
      return { type: "user", key, text: str(item.text) };
    case "permission_denied": {
      const path = str(item.path);
      return { type: "notice", key, level: "warn", text: `Permission denied: ${str(item.tool)}${path ? ` ${path}` : ""}: ${str(item.reason)}` };
    }
    case "compaction":
      return { type: "notice", key, level: "info", text: `Context compacted (${str(item.trigger) || "auto"})` };
    case "notice": {
      const level = item.level === "warn" || item.level === "error" ? item.level : "info";
      return { type: "notice", key, level, text: str(item.text) };
    }
    default:
      // system_init and usage_snapshot feed the header.
      return null;
  }
}

/** Builds the panel's rows: tool results join their call, delegated output nests under it. */
export function buildRows(items: RunItem[], deltas: Record<string, StreamingBlock>): Row[] {
  const top: Row[] = [];
  const tools = new Map<string, ToolRow>();
  items.forEach((entry, position) => {
    const item = asObject(entry.item);
    if (!item) return;
    if (item.kind === "tool_result") {
      const call = tools.get(str(item.tool_use_id));
      if (call) {
        call.result = { text: str(item.text), isError: item.is_error === true, truncated: item.truncated === true };
        return;
      }
    }
    const row = rowOf(item, `${entry.seq}:${position}`);
    if (!row) return;
    if (row.type === "tool") tools.set(row.toolUseId, row);
    const parent = typeof item.parent_tool_use_id === "string" ? tools.get(item.parent_tool_use_id) : undefined;
    (parent ? parent.children : top).push(row);
  });
  const rows = groupToolCalls(top);
  for (const [key, block] of Object.entries(deltas)) {
    if (block.text) rows.push({ type: "streaming", key: `delta:${key}`, block: block.block, text: block.text });
  }
  return rows;
}

/** A call that started a delegated agent stays on its own line; plain calls may be grouped. */
function groupable(row: ToolRow): boolean {
  return row.children.length === 0 && row.name !== "Agent" && row.name !== "Task";
}

/** Consecutive plain tool calls collapse into one "5 tool calls" row (§9.4), at every depth. */
function groupToolCalls(rows: Row[]): Row[] {
  const out: Row[] = [];
  let run: ToolRow[] = [];
  const flush = () => {
    const first = run[0];
    if (run.length === 1 && first) out.push(first);
    else if (first) out.push({ type: "tools", key: `tools:${first.key}`, calls: run });
    run = [];
  };
  for (const row of rows) {
    if (row.type === "tool" && groupable(row)) {
      run.push(row);
      continue;
    }
    flush();
    out.push(row.type === "tool" ? { ...row, children: groupToolCalls(row.children) } : row);
  }
  flush();
  return out;
}

/** A one-line description of a tool call's input: the path, command or pattern it acts on. */
export function toolSummary(input: Value): string {
  const fields = asObject(input);
  if (!fields) return "";
  if (fields._truncated === true) return str(fields.preview).slice(0, 120);
  for (const name of ["description", "file_path", "path", "command", "pattern", "url", "query", "prompt", "subagent_type"]) {
    const value = str(fields[name]).split("\n")[0]?.trim() ?? "";
    if (value) return value.length > 120 ? `${value.slice(0, 119)}…` : value;
  }
  return "";
}

/** Header figures from the items (§2.5 `usage_snapshot`): turns and the context in use. */
export function runFigures(items: RunItem[]): { turns: number; contextTokens: number | null; model: string | null } {
  const messages = new Set<string>();
  let contextTokens: number | null = null;
  let model: string | null = null;
  for (const entry of items) {
    const item = asObject(entry.item);
    if (!item || typeof item.parent_tool_use_id === "string") continue;
    if (item.kind === "system_init" && typeof item.model === "string") model = item.model;
    if (item.kind !== "usage_snapshot") continue;
    messages.add(str(item.message_id));
    const tokens = [item.input_tokens, item.cache_read_input_tokens, item.cache_creation_input_tokens];
    contextTokens = tokens.reduce<number>((sum, value) => sum + (typeof value === "number" ? value : 0), 0);
  }
  return { turns: messages.size, contextTokens, model };
}

/** The model's context window: 1M for the `[1m]` variants, 200k otherwise. */
export function contextWindow(model: string): number {
  return /\[1m\]|-1m\b/i.test(model) ? 1_000_000 : 200_000;
}
