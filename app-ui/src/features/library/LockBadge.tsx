import { Lock } from "lucide-react";
import type { SkillSummary } from "../../bindings";
import { Badge } from "../../components/ui/badge";
import { Tooltip } from "../../components/ui/tooltip";

export function lockedElsewhereText(lock: SkillSummary["lock"]): string {
  return lock.holder ? `Open in another window (pid ${lock.holder.pid})` : "Open in another window";
}

/** Shown only when another Skill Builder window holds the skill's lock; our own lock needs no badge. */
export function LockBadge({ lock }: { lock: SkillSummary["lock"] }) {
  if (lock.state !== "other") return null;
  const text = lockedElsewhereText(lock);
  return (
    <Tooltip content={text}>
      <Badge tabIndex={0} aria-label={text} data-testid="lock-badge" className="bg-rose-50 text-rose-800 border-rose-600/20 dark:bg-rose-950 dark:text-rose-200">
        <Lock className="size-3" aria-hidden="true" />
        Locked
      </Badge>
    </Tooltip>
  );
}
