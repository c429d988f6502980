import { Link } from "@tanstack/react-router";
import { Lock } from "lucide-react";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import type { SkillLock } from "./useSkillLock";

/** The blocking banner of a page that lost (or never got) its skill's lock (§9.3). */
export function LockBanner({ lock, onRetry }: { lock: SkillLock; onRetry: () => void }) {
  if (lock.status !== "lost" && lock.status !== "denied") return null;
  return (
    <div role="alert" data-testid="lock-lost-banner" className="mb-6 rounded-xl border border-rose-300 bg-rose-50 p-4 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
      <p className="flex items-center gap-2 font-semibold">
        <Lock className="size-4" aria-hidden="true" />
        {lock.status === "lost" ? "This skill was opened in another window" : "This skill is open in another window"}
      </p>
      <p className="mt-1 text-sm">Nothing here can be changed until this window holds the skill again.</p>
      {lock.status === "denied" && (
        <div className="mt-3">
          <CommandErrorMessage error={lock.error} testId="lock-error" />
        </div>
      )}
      <div className="mt-3 flex gap-2">
        <Button variant="primary" onClick={onRetry} data-testid="lock-retry">
          Try again
        </Button>
        <Button asChild>
          <Link to="/">Back to the library</Link>
        </Button>
      </div>
    </div>
  );
}
