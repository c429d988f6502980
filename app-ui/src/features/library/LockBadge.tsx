import type { SkillSummary } from "../../bindings";

/** Shown only when another Skill Builder window holds the skill's lock; our own lock needs no badge. */
export function LockBadge({ lock }: { lock: SkillSummary["lock"] }) {
  if (lock.state !== "other") return null;
  const title = lock.holder ? `Open in another window (pid ${lock.holder.pid})` : "Open in another window";
  return (
    <span
      title={title}
      aria-label={title}
      data-testid="lock-badge"
      className="inline-flex items-center gap-1 rounded-full bg-rose-50 px-2 py-0.5 text-xs font-medium text-rose-700 ring-1 ring-inset ring-rose-600/20"
    >
      <svg viewBox="0 0 16 16" fill="currentColor" aria-hidden="true" className="size-3">
        <path d="M5 7V5a3 3 0 1 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z" />
      </svg>
      Locked
    </span>
  );
}
