import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { type CommandError, commands, type DiffScope, type RefineCommand, type RefineSessionInfo } from "../../bindings";
import { toCommandError, unwrap } from "../../lib/commandError";
import { queued } from "../workflow/useSkillLock";

export type RefineSession =
  | { status: "starting" }
  | { status: "ready"; info: RefineSessionInfo }
  | { status: "failed"; error: CommandError };

/**
 * Holds the skill's `refine` lock and one refine session while the page shows the skill
 * (agents-and-workflow.md §7.1). Acquire + start and close + release each run as one step of the
 * window's lock queue, so a remount never starts a session before the old one closed (which
 * would be `agent_busy`) nor releases the lock before the close that needs it. A session ended
 * by Save or Discard is not closed again; `restart` begins the next one.
 */
export function useRefineSession(skill: string): { session: RefineSession; markClosed: (id: string) => void; restart: () => void } {
  const [epoch, setEpoch] = useState(0);
  const [result, setResult] = useState<{ key: string; session: RefineSession } | null>(null);
  const closed = useRef(new Set<string>());
  const key = `${skill}:${epoch}`;

  useEffect(() => {
    let active = true;
    const closedIds = closed.current;
    const start = queued(async () => {
      await unwrap(commands.acquireLock(skill, "refine"));
      return unwrap(commands.startRefineSession(skill));
    });
    start
      .then((info) => active && setResult({ key, session: { status: "ready", info } }))
      .catch((error: unknown) => active && setResult({ key, session: { status: "failed", error: toCommandError(error) } }));
    return () => {
      active = false;
      void queued(async () => {
        const id = await start.then((info) => info.sessionId, () => null);
        // A clean session closes as a discard (nothing to restore); a dirty one only gets here
        // after the leave guard's choice, which closed it already.
        if (id !== null && !closedIds.has(id)) await unwrap(commands.closeRefineSession(id, false, null)).catch(() => undefined);
        await unwrap(commands.releaseLock(skill, false));
      }).catch(() => undefined);
    };
  }, [skill, key]);

  return {
    session: result?.key === key ? result.session : { status: "starting" },
    markClosed: (id) => closed.current.add(id),
    restart: () => setEpoch((value) => value + 1),
  };
}

/** `turns` finished so far is part of the key: the agent edits these files. */
export function useRefineContent(skill: string, turns: number) {
  return useQuery({
    queryKey: ["get_skill_content_for_refine", skill, turns],
    queryFn: () => unwrap(commands.getSkillContentForRefine(skill)),
    placeholderData: keepPreviousData,
  });
}

/** `turns` finished so far is part of the key: every finished turn changes both diffs. */
export function useRefineDiff(sessionId: string, scope: DiffScope, turns: number, enabled = true) {
  return useQuery({
    queryKey: ["get_refine_diff", sessionId, scope, turns],
    queryFn: () => unwrap(commands.getRefineDiff(sessionId, scope)),
    enabled,
  });
}

export function useSendRefine(sessionId: string) {
  return useMutation({
    mutationFn: ({ text, command }: { text: string; command: RefineCommand | null }) =>
      unwrap(commands.sendRefineMessage(sessionId, text, command, [])),
  });
}

export function useCloseRefine() {
  return useMutation({
    mutationFn: ({ sessionId, save, message }: { sessionId: string; save: boolean; message: string | null }) =>
      unwrap(commands.closeRefineSession(sessionId, save, message)),
  });
}

const COMMANDS: RefineCommand[] = ["rewrite", "validate"];

/** What a command alone asks, since the backend refuses an empty message. */
const DEFAULT_TEXT: Record<RefineCommand, string> = {
  refine: "",
  rewrite: "Rewrite the skill.",
  validate: "Validate the skill and fix what the checks report.",
};

/** Splits a leading `/rewrite` or `/validate` off the draft; `text` is what the turn sends. */
export function parseComposer(draft: string): { command: RefineCommand | null; text: string } {
  const match = /^\/(\w+)(?:\s+|$)/.exec(draft);
  const command = COMMANDS.find((name) => name === match?.[1]) ?? null;
  if (!match || command === null) return { command: null, text: draft.trim() };
  const text = draft.slice(match[0].length).trim();
  return { command, text: text || DEFAULT_TEXT[command] };
}

/** The `/` commands the composer offers for a draft that starts with `/`. */
export function commandSuggestions(draft: string): RefineCommand[] {
  const match = /^\/(\w*)$/.exec(draft);
  if (!match) return [];
  return COMMANDS.filter((name) => name.startsWith(match[1] ?? ""));
}

/** The prefilled save message: the first line of the last request, cut to 72 characters. */
export function saveMessage(requests: string[]): string {
  const line = (requests.at(-1) ?? "").split("\n")[0]?.trim() ?? "";
  return line.length > 72 ? `${line.slice(0, 71)}…` : line;
}
