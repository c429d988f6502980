import { Link, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError } from "../../lib/commandError";
import { CommitDetail } from "./CommitDetail";
import { CommitList } from "./CommitList";
import { useSkillHistory } from "./historyQueries";

/** History (`/skill/$name/history`, §9.4): the skill's commits, their diffs, and Restore. */
export function HistoryPage() {
  const { name } = useParams({ from: "/skill/$name/history" });
  const history = useSkillHistory(name);
  const [picked, setPicked] = useState<string | null>(null);
  const commits = history.data?.pages.flat() ?? [];
  const selected = commits.find((commit) => commit.sha === picked) ?? commits[0] ?? null;

  return (
    <section data-testid="history-page" className="space-y-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">History</h1>
        <Link to="/skill/$name" params={{ name }} className="font-mono text-sm text-muted-foreground hover:underline">
          {name}
        </Link>
      </div>
      {history.isError && <CommandErrorMessage error={toCommandError(history.error)} testId="history-error" />}
      {history.data && commits.length === 0 && (
        <p className="text-sm text-muted-foreground" data-testid="history-empty">
          No commits touch this skill yet.
        </p>
      )}
      {selected && (
        <div className="flex flex-col gap-4 lg:flex-row">
          <div className="w-full shrink-0 lg:w-80">
            <CommitList commits={commits} selected={selected.sha} onSelect={setPicked} />
            {history.hasNextPage && (
              <Button className="mt-2 w-full" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()} data-testid="history-more">
                {history.isFetchingNextPage ? "Loading…" : "Older commits"}
              </Button>
            )}
          </div>
          <CommitDetail key={selected.sha} name={name} commit={selected} loaded={commits} complete={!history.hasNextPage} />
        </div>
      )}
    </section>
  );
}
