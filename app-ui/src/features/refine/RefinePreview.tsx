import { useState } from "react";
import type { DiffScope } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../../components/ui/tabs";
import { toCommandError } from "../../lib/commandError";
import { cn } from "../../lib/utils";
import { RefineDiffView } from "./RefineDiffView";
import { useRefineContent, useRefineDiff } from "./refineQueries";

function FilePreview({ skill, finishedTurns }: { skill: string; finishedTurns: number }) {
  const content = useRefineContent(skill, finishedTurns);
  const [selected, setSelected] = useState<string | null>(null);
  if (content.isError) return <CommandErrorMessage error={toCommandError(content.error)} testId="refine-preview-error" />;
  const files = content.data ?? [];
  const file = files.find((entry) => entry.path === selected) ?? files[0];
  return (
    <div className="flex min-h-0 gap-3" data-testid="refine-preview">
      <ul className="w-48 shrink-0 space-y-0.5 text-sm" aria-label="Skill files">
        {files.map((entry) => (
          <li key={entry.path}>
            <button
              type="button"
              className={cn("w-full truncate rounded px-2 py-1 text-left font-mono text-xs hover:bg-muted", entry.path === file?.path && "bg-muted")}
              aria-current={entry.path === file?.path ? "true" : undefined}
              onClick={() => setSelected(entry.path)}
              data-testid={`refine-file-${entry.path}`}
            >
              {entry.path}
            </button>
          </li>
        ))}
      </ul>
      {file && (
        <pre className="min-w-0 flex-1 overflow-auto rounded-lg border border-border bg-card p-3 text-xs whitespace-pre-wrap" data-testid="refine-file-content">
          {file.content ?? `Larger than 5 MB (${file.bytes ?? "?"} bytes), not shown.`}
        </pre>
      )}
    </div>
  );
}

const SCOPES: [DiffScope, string][] = [
  ["last_turn", "This turn"],
  ["session", "Whole session"],
];

function DiffPane({ sessionId, finishedTurns }: { sessionId: string; finishedTurns: number }) {
  const [scope, setScope] = useState<DiffScope>(finishedTurns > 0 ? "last_turn" : "session");
  const diff = useRefineDiff(sessionId, scope, finishedTurns);
  return (
    <div data-testid="refine-diff-pane">
      <div className="inline-flex gap-1 rounded-lg bg-muted p-1" role="group" aria-label="Diff scope">
        {SCOPES.map(([value, label]) => (
          <Button
            key={value}
            size="sm"
            variant={scope === value ? "secondary" : "ghost"}
            aria-pressed={scope === value}
            disabled={value === "last_turn" && finishedTurns === 0}
            onClick={() => setScope(value)}
            data-testid={value === "last_turn" ? "refine-diff-turn" : "refine-diff-session"}
          >
            {label}
          </Button>
        ))}
      </div>
      <div className="mt-3">
        {diff.isError && <CommandErrorMessage error={toCommandError(diff.error)} testId="refine-diff-error" />}
        {diff.data && <RefineDiffView diff={diff.data} testId={`refine-diff-view-${scope}`} />}
      </div>
    </div>
  );
}

/** The right pane: the skill's files, or the diff of the last turn or of the whole session. */
export function RefinePreview({ skill, sessionId, finishedTurns }: { skill: string; sessionId: string; finishedTurns: number }) {
  return (
    <Tabs defaultValue="preview" className="flex min-h-0 flex-col">
      <TabsList aria-label="Preview or diff">
        <TabsTrigger value="preview" data-testid="refine-tab-preview">
          Preview
        </TabsTrigger>
        <TabsTrigger value="diff" data-testid="refine-tab-diff">
          Diff
        </TabsTrigger>
      </TabsList>
      <TabsContent value="preview" className="min-h-0 flex-1 overflow-auto">
        <FilePreview skill={skill} finishedTurns={finishedTurns} />
      </TabsContent>
      <TabsContent value="diff" className="min-h-0 flex-1 overflow-auto">
        <DiffPane sessionId={sessionId} finishedTurns={finishedTurns} />
      </TabsContent>
    </Tabs>
  );
}
