import type { SkillCommit } from "../../bindings";
import { Badge } from "../../components/ui/badge";
import { cn } from "../../lib/utils";

/** The skill's commits, newest first; one is selected. */
export function CommitList({ commits, selected, onSelect }: { commits: SkillCommit[]; selected: string | null; onSelect: (sha: string) => void }) {
  return (
    <ul aria-label="Commits" className="space-y-1" data-testid="history-commits">
      {commits.map((commit) => (
        <li key={commit.sha}>
          <button
            type="button"
            aria-current={selected === commit.sha ? "true" : undefined}
            onClick={() => onSelect(commit.sha)}
            data-testid={`commit-${commit.shortSha}`}
            className={cn(
              "w-full rounded-lg px-3 py-2 text-left text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring",
              selected === commit.sha && "bg-muted",
            )}
          >
            <span className="block truncate font-medium">{commit.summary}</span>
            <span className="flex items-center gap-2 text-xs text-muted-foreground">
              <span className="font-mono">{commit.shortSha}</span>
              <span>{new Date(commit.timestamp).toLocaleString()}</span>
              {commit.event && <Badge className="border-border">{commit.event}</Badge>}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
