import { useQueryClient } from "@tanstack/react-query";
import { useBlocker } from "@tanstack/react-router";
import { useState } from "react";
import type { RefineCommand, RefineSessionInfo } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError } from "../../lib/commandError";
import { useAgentRuns } from "../../stores/agentRuns";
import { toast } from "../../stores/toasts";
import { LiveAgentPanel } from "../agent";
import { DiscardDialog, LeaveDialog, SaveDialog } from "./CloseDialogs";
import { RefineComposer } from "./RefineComposer";
import { RefinePreview } from "./RefinePreview";
import { saveMessage, useCloseRefine, useRefineDiff, useSendRefine } from "./refineQueries";

type Turn = { text: string; command: RefineCommand | null; runId: string };
type Dialog = "save" | "discard" | null;

/** One open refine session: the chat on the left, preview and diffs on the right, Save / Discard. */
export function RefineSession({ info, onClosed, initialDraft }: { info: RefineSessionInfo; onClosed: (sessionId: string) => void; initialDraft?: string }) {
  const { sessionId, skillName } = info;
  const queryClient = useQueryClient();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const lastRun = turns.at(-1)?.runId;
  const finishedTurns = useAgentRuns((state) => turns.filter((turn) => state.runs[turn.runId]?.outcome != null).length);
  const running = turns.length > finishedTurns;
  const sessionDiff = useRefineDiff(sessionId, "session", finishedTurns);
  const changedFiles = (sessionDiff.data?.files ?? []).map((file) => file.path);
  const dirty = changedFiles.length > 0;

  const send = useSendRefine(sessionId);
  const close = useCloseRefine();
  const blocker = useBlocker({ shouldBlockFn: () => dirty, withResolver: true, enableBeforeUnload: false });

  const onSend = (turn: { text: string; command: RefineCommand | null }) =>
    send.mutate(turn, { onSuccess: (handle) => setTurns((list) => [...list, { ...turn, runId: handle.runId }]) });

  const finish = (save: boolean, message: string | null, after?: () => void) =>
    close.mutate(
      { sessionId, save, message: message || null },
      {
        onSuccess: (report) => {
          toast(save ? "Changes saved" : "Changes discarded", report.commitSha ? `Commit ${report.commitSha.slice(0, 8)}` : undefined, "info");
          void queryClient.invalidateQueries({ queryKey: ["get_skill_content_for_refine", skillName] });
          setDialog(null);
          onClosed(sessionId);
          after?.();
        },
      },
    );
  const closeError = close.isError ? toCommandError(close.error) : null;
  const prefill = saveMessage(turns.map((turn) => turn.text));

  return (
    <div className="grid min-h-0 flex-1 grid-cols-1 gap-4 lg:grid-cols-2" data-testid="refine-session">
      <section aria-label="Chat" className="flex min-h-0 flex-col gap-3">
        <ol className="min-h-0 flex-1 space-y-3 overflow-auto" data-testid="refine-chat">
          {turns.map((turn) => (
            <li key={turn.runId} className="space-y-2">
              <p className="ml-auto w-fit max-w-[85%] rounded-lg bg-muted px-3 py-2 text-sm whitespace-pre-wrap" data-testid="refine-user-message">
                {turn.command && turn.command !== "refine" ? `/${turn.command} ` : ""}
                {turn.text}
              </p>
              {turn.runId === lastRun && <LiveAgentPanel runId={turn.runId} />}
            </li>
          ))}
        </ol>
        {send.isError && <CommandErrorMessage error={toCommandError(send.error)} testId="refine-send-error" />}
        <RefineComposer disabled={running || send.isPending} onSend={onSend} initialDraft={initialDraft} />
        <div className="flex items-center gap-2 text-sm" role="status" data-testid="refine-status">
          <span className="text-muted-foreground">{running ? "Agent running…" : dirty ? `${changedFiles.length} unsaved ${changedFiles.length === 1 ? "file" : "files"}` : "No unsaved changes"}</span>
          <span className="ml-auto flex gap-2">
            <Button disabled={!dirty || running} onClick={() => setDialog("discard")} data-testid="refine-discard">
              Discard changes
            </Button>
            <Button variant="primary" disabled={!dirty || running} onClick={() => setDialog("save")} data-testid="refine-save">
              Save changes
            </Button>
          </span>
        </div>
      </section>
      <section aria-label="Preview" className="flex min-h-0 flex-col">
        <RefinePreview skill={skillName} sessionId={sessionId} finishedTurns={finishedTurns} />
      </section>

      {dialog === "save" && (
        <SaveDialog initialMessage={prefill} pending={close.isPending} error={closeError} onCancel={() => setDialog(null)} onSave={(message) => finish(true, message)} />
      )}
      {dialog === "discard" && (
        <DiscardDialog files={changedFiles} pending={close.isPending} error={closeError} onCancel={() => setDialog(null)} onDiscard={() => finish(false, null)} />
      )}
      {blocker.status === "blocked" && (
        <LeaveDialog
          pending={close.isPending}
          error={closeError}
          onCancel={() => blocker.reset()}
          onSave={() => finish(true, prefill, () => blocker.proceed())}
          onDiscard={() => finish(false, null, () => blocker.proceed())}
        />
      )}
    </div>
  );
}
