import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type CommandError, commands, type LockPurpose } from "../../bindings";
import { toCommandError, unwrap } from "../../lib/commandError";

export type SkillLock =
  | { status: "acquiring" }
  | { status: "held" }
  | { status: "denied"; error: CommandError }
  /** We held it and another window now does (or nobody): editing must stop (§9.3). */
  | { status: "lost" };

/**
 * Lock operations of this window run one after another, so a page that unmounts and mounts again
 * (StrictMode, a quick back and forth) never has its new acquire overtaken by the old release.
 * The refine page queues its session start and close here too, between acquire and release.
 */
let lockChain: Promise<unknown> = Promise.resolve();
export function queued<T>(operation: () => Promise<T>): Promise<T> {
  const next = lockChain.then(operation, operation);
  lockChain = next.catch(() => undefined);
  return next;
}

/** Holds the skill's lock while the page is open; `locks-changed` rechecks it (`check_lock`). */
export function useSkillLock(name: string, purpose: LockPurpose): { lock: SkillLock; retry: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState<{ key: string; lock: SkillLock } | null>(null);
  const key = `${name}:${attempt}`;

  useEffect(() => {
    let active = true;
    queued(() => unwrap(commands.acquireLock(name, purpose)))
      .then(() => active && setResult({ key, lock: { status: "held" } }))
      .catch((error: unknown) => active && setResult({ key, lock: { status: "denied", error: toCommandError(error) } }));
    return () => {
      active = false;
      void queued(() => unwrap(commands.releaseLock(name, false))).catch(() => undefined);
    };
  }, [name, purpose, key]);

  const current = result?.key === key ? result.lock : ({ status: "acquiring" } as const);
  const check = useQuery({
    queryKey: ["check_lock", name],
    queryFn: () => unwrap(commands.checkLock(name)),
    enabled: current.status === "held",
  });
  const lost = current.status === "held" && check.data !== undefined && check.data.state !== "mine";
  return { lock: lost ? { status: "lost" } : current, retry: () => setAttempt((n) => n + 1) };
}
