import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { type CommandError, commands } from "../../bindings";
import { toCommandError, unwrap } from "../../lib/commandError";
import type { Draft } from "./clarifications";

export const AUTOSAVE_MS = 1000;

export type SaveStatus = "idle" | "pending" | "saving" | "saved" | "error";

/**
 * The review step's unsaved answers and their autosave (§5.5): edits wait 1 s after the last
 * keystroke, then go out in one `save_clarification_answers` with the document's revision. A
 * stale revision keeps the drafts; "Reload and re-apply" refetches the document and saves them
 * again on its revision. Nothing typed is dropped: an edit made during a save stays a draft.
 */
export function useAnswerAutosave(name: string, docRevision: number) {
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [dirty, setDirty] = useState<Record<string, Draft>>({});
  const [savedRevision, setRevision] = useState(0);
  // A newer document (autofill, a reload) moves the revision forward, never back.
  const revision = Math.max(savedRevision, docRevision);
  const [error, setError] = useState<CommandError | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);

  const save = useMutation({
    mutationFn: (batch: { revision: number; answers: Record<string, Draft> }) =>
      unwrap(
        commands.saveClarificationAnswers(
          name,
          batch.revision,
          Object.entries(batch.answers).map(([id, draft]) => ({ id, text: draft.text, choice: draft.choice })),
        ),
      ),
  });

  const saveAnswers = save.mutateAsync;
  /** Saves what is dirty now; a save already under way is awaited first, never doubled. */
  const flush = useCallback(async () => {
    if (inFlight.current) {
      await inFlight.current;
      return;
    }
    if (Object.keys(dirty).length === 0) return;
    const batch = dirty;
    const run = (async () => {
      try {
        const saved = await saveAnswers({ revision, answers: batch });
        setRevision(saved.revision);
        setError(null);
        // Keep only what changed while the save was in flight.
        setDirty((current) => Object.fromEntries(Object.entries(current).filter(([id, draft]) => batch[id] !== draft)));
        void queryClient.invalidateQueries({ queryKey: ["read_file"] });
      } catch (caught) {
        setError(toCommandError(caught));
        throw caught;
      } finally {
        inFlight.current = null;
      }
    })();
    inFlight.current = run.catch(() => undefined);
    await run;
  }, [dirty, queryClient, revision, saveAnswers]);

  useEffect(() => {
    if (Object.keys(dirty).length === 0 || error) return;
    const timer = setTimeout(() => void flush().catch(() => undefined), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [dirty, error, flush]);

  const edit = useCallback((id: string, draft: Draft) => {
    setDrafts((current) => ({ ...current, [id]: draft }));
    setDirty((current) => ({ ...current, [id]: draft }));
  }, []);

  /** After a stale revision: read the document again, then save the same drafts on it. */
  const reloadAndReapply = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: ["read_file"] });
    setError(null);
  }, [queryClient]);

  /** Forget drafts the backend replaced (autofill writes the document itself). */
  const clearSaved = useCallback(() => setDrafts(dirty), [dirty]);

  const status: SaveStatus = error
    ? "error"
    : save.isPending
      ? "saving"
      : Object.keys(dirty).length > 0
        ? "pending"
        : save.isSuccess
          ? "saved"
          : "idle";
  return { drafts, edit, flush, status, error, reloadAndReapply, clearSaved, hasUnsaved: Object.keys(dirty).length > 0 };
}
