import { useState } from "react";
import type { SkillCommit } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError } from "../../lib/commandError";
import { DiffPanel } from "./DiffPanel";
import { usePreviousCommit } from "./historyQueries";
import { RestoreDialog } from "./RestoreDialog";

type Compare = "parent" | "current";

function CompareToggle({ value, onChange }: { value: Compare; onChange: (value: Compare) => void }) {
  const options: [Compare, string][] = [
    ["parent", "Changes in this commit"],
    ["current", "Compared with now"],
  ];
  return (
    <div role="group" aria-label="Compare" className="inline-flex gap-1 rounded-lg bg-muted p-1">
      {options.map(([option, label]) => (
        <button
          key={option}
          type="button"
          aria-pressed={value === option}
          onClick={() => onChange(option)}
          data-testid={`history-compare-${option}`}
          className="rounded-md px-3 py-1 text-sm font-medium text-muted-foreground focus-visible:outline-2 focus-visible:outline-ring aria-pressed:bg-card aria-pressed:text-foreground"
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** Against the previous commit of the skill, or the commit against the folder as it is now. */
function CommitDiff({ name, commit, compare, loaded, complete }: { name: string; commit: SkillCommit; compare: Compare; loaded: SkillCommit[]; complete: boolean }) {
  const previous = usePreviousCommit(name, commit.sha, loaded, complete);
  if (compare === "current") return <DiffPanel name={name} fromSha={commit.sha} toSha={null} />;
  if (previous.error) return <CommandErrorMessage error={toCommandError(previous.error)} testId="history-diff-error" />;
  if (previous.isPending) return <p className="text-sm text-muted-foreground">Loading the diff…</p>;
  if (!previous.data)
    return (
      <p className="text-sm text-muted-foreground" data-testid="history-first-commit">
        The first commit of this skill: there is no earlier version to compare with.
      </p>
    );
  return <DiffPanel name={name} fromSha={previous.data.sha} toSha={commit.sha} />;
}

/** The selected commit: its message, the diff, and Restore. */
export function CommitDetail({ name, commit, loaded, complete }: { name: string; commit: SkillCommit; loaded: SkillCommit[]; complete: boolean }) {
  const [compare, setCompare] = useState<Compare>("parent");
  const [restoring, setRestoring] = useState(false);
  return (
    <section aria-labelledby="commit-title" className="min-w-0 flex-1 space-y-3" data-testid={`commit-detail-${commit.shortSha}`}>
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h2 id="commit-title" className="text-lg font-semibold">
            {commit.summary}
          </h2>
          <p className="text-xs text-muted-foreground">
            <span className="font-mono">{commit.shortSha}</span> · {commit.authorName} · {new Date(commit.timestamp).toLocaleString()}
          </p>
          {commit.body.trim() !== "" && <pre className="mt-2 whitespace-pre-wrap text-sm text-muted-foreground">{commit.body.trim()}</pre>}
        </div>
        <Button onClick={() => setRestoring(true)} data-testid="history-restore">
          Restore this version
        </Button>
      </div>
      <CompareToggle value={compare} onChange={setCompare} />
      <CommitDiff name={name} commit={commit} compare={compare} loaded={loaded} complete={complete} />
      {restoring && <RestoreDialog name={name} commit={commit} onClose={() => setRestoring(false)} />}
    </section>
  );
}
