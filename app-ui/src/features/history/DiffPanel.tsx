import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { toCommandError } from "../../lib/commandError";
import { FileDiffView } from "./FileDiffView";
import { useSkillDiff } from "./historyQueries";

/** `get_skill_diff` between two states of the skill's folder; `toSha: null` is the working folder. */
export function DiffPanel({ name, fromSha, toSha }: { name: string; fromSha: string; toSha: string | null }) {
  const diff = useSkillDiff(name, fromSha, toSha);
  if (diff.isError) return <CommandErrorMessage error={toCommandError(diff.error)} testId="history-diff-error" />;
  if (!diff.data) return <p className="text-sm text-muted-foreground">Loading the diff…</p>;
  const { files, stats } = diff.data;
  return (
    <div className="space-y-3" data-testid="history-diff">
      <p className="text-sm text-muted-foreground" data-testid="history-diff-stats">
        {stats.filesChanged === 0
          ? "No differences."
          : `${stats.filesChanged} ${stats.filesChanged === 1 ? "file" : "files"} changed, +${stats.additions} −${stats.deletions}`}
      </p>
      {files.map((file) => (
        <FileDiffView key={file.path} file={file} />
      ))}
    </div>
  );
}
