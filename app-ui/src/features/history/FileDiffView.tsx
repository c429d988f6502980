import type { FileDiff } from "../../bindings";
import { Badge } from "../../components/ui/badge";
import { cn } from "../../lib/utils";
import { parsePatch } from "./parsePatch";

const STATUS_STYLE: Record<FileDiff["status"], string> = {
  added: "border-emerald-300 text-emerald-800 dark:border-emerald-700 dark:text-emerald-200",
  modified: "border-sky-300 text-sky-800 dark:border-sky-700 dark:text-sky-200",
  deleted: "border-rose-300 text-rose-800 dark:border-rose-700 dark:text-rose-200",
  renamed: "border-amber-300 text-amber-800 dark:border-amber-700 dark:text-amber-200",
};

const LINE_STYLE = {
  added: "bg-emerald-50 dark:bg-emerald-950",
  removed: "bg-rose-50 dark:bg-rose-950",
  context: "",
} as const;

const MARK = { added: "+", removed: "−", context: " " } as const;

function Body({ file }: { file: FileDiff }) {
  if (file.binary) return <p className="px-3 py-2 text-sm text-muted-foreground">Binary file, not shown.</p>;
  if (file.truncated || !file.patch) return <p className="px-3 py-2 text-sm text-muted-foreground">Larger than 1 MB, not shown.</p>;
  const hunks = parsePatch(file.patch);
  if (hunks.length === 0) return <p className="px-3 py-2 text-sm text-muted-foreground">No line changes (mode or rename only).</p>;
  return (
    <table className="w-full border-collapse font-mono text-xs">
      {hunks.map((hunk, index) => (
        <tbody key={index}>
          <tr className="bg-muted text-muted-foreground">
            <td colSpan={4} className="px-3 py-0.5">
              {hunk.header}
            </td>
          </tr>
          {hunk.lines.map((line, lineIndex) => (
            <tr key={lineIndex} className={LINE_STYLE[line.kind]} data-kind={line.kind}>
              <td className="w-10 px-2 text-right text-muted-foreground select-none">{line.oldNumber ?? ""}</td>
              <td className="w-10 px-2 text-right text-muted-foreground select-none">{line.newNumber ?? ""}</td>
              <td className="w-4 select-none" aria-label={line.kind === "context" ? undefined : line.kind}>
                {MARK[line.kind]}
              </td>
              <td className="px-1 whitespace-pre-wrap break-all">{line.text}</td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}

/** One file of a skill diff: its status, path (and old path), counts, then its hunks. */
export function FileDiffView({ file }: { file: FileDiff }) {
  return (
    <article className="overflow-hidden rounded-lg border border-border" data-testid={`diff-file-${file.path}`}>
      <header className="flex flex-wrap items-center gap-2 border-b border-border bg-card px-3 py-1.5 text-sm">
        <Badge className={cn(STATUS_STYLE[file.status])}>{file.status}</Badge>
        <span className="font-mono">
          {file.oldPath && file.oldPath !== file.path ? `${file.oldPath} → ` : ""}
          {file.path}
        </span>
        <span className="ml-auto text-xs tabular-nums">
          <span className="text-emerald-700 dark:text-emerald-300">+{file.additions}</span>{" "}
          <span className="text-rose-700 dark:text-rose-300">−{file.deletions}</span>
        </span>
      </header>
      <Body file={file} />
    </article>
  );
}
