import type { DiffLine, RefineDiff, RefineFileDiff } from "../../bindings";
import { Badge } from "../../components/ui/badge";

const LINE_STYLE: Record<string, string> = {
  insert: "bg-emerald-50 dark:bg-emerald-950",
  delete: "bg-rose-50 dark:bg-rose-950",
  equal: "",
};
const MARK: Record<string, string> = { insert: "+", delete: "−", equal: " " };
const LABEL: Record<string, string | undefined> = { insert: "added", delete: "removed" };

function Line({ line }: { line: DiffLine }) {
  return (
    <tr className={LINE_STYLE[line.op] ?? ""} data-op={line.op}>
      <td className="w-4 px-1 select-none" aria-label={LABEL[line.op]}>
        {MARK[line.op] ?? " "}
      </td>
      <td className="px-1 whitespace-pre-wrap break-all">{line.text.replace(/\n$/, "")}</td>
    </tr>
  );
}

function FileBody({ file }: { file: RefineFileDiff }) {
  if (file.binary) return <p className="px-3 py-2 text-sm text-muted-foreground">Binary file, not shown.</p>;
  if (file.hunks.length === 0) return <p className="px-3 py-2 text-sm text-muted-foreground">No line changes.</p>;
  return (
    <table className="w-full border-collapse font-mono text-xs">
      {file.hunks.map((hunk, index) => (
        <tbody key={index}>
          <tr className="bg-muted text-muted-foreground">
            <td colSpan={2} className="px-3 py-0.5">
              @@ −{hunk.oldStart} +{hunk.newStart} @@
            </td>
          </tr>
          {hunk.lines.map((line, lineIndex) => (
            <Line key={lineIndex} line={line} />
          ))}
        </tbody>
      ))}
    </table>
  );
}

/** A refine diff (one turn or the whole session): totals, then each file with its hunks. */
export function RefineDiffView({ diff, testId }: { diff: RefineDiff; testId: string }) {
  if (diff.files.length === 0) {
    return (
      <p className="p-3 text-sm text-muted-foreground" data-testid={`${testId}-empty`}>
        No changes.
      </p>
    );
  }
  return (
    <div className="space-y-3" data-testid={testId}>
      <p className="text-sm text-muted-foreground" data-testid={`${testId}-stat`}>
        {diff.stat.files} {diff.stat.files === 1 ? "file" : "files"} changed, +{diff.stat.insertions} −{diff.stat.deletions}
      </p>
      {diff.files.map((file) => (
        <article key={file.path} className="overflow-hidden rounded-lg border border-border" data-testid={`refine-diff-file-${file.path}`}>
          <header className="flex items-center gap-2 border-b border-border bg-card px-3 py-1.5 text-sm">
            <Badge>{file.status}</Badge>
            <span className="font-mono">{file.path}</span>
          </header>
          <FileBody file={file} />
        </article>
      ))}
    </div>
  );
}
