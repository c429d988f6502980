import { cn } from "../../lib/utils";

/** How full the model's context is (§9.4): green below 50 %, amber below 80 %, red above. */
export function ContextMeter({ tokens, window }: { tokens: number | null; window: number }) {
  const percent = tokens === null ? 0 : Math.min(100, Math.round((tokens / window) * 100));
  const colour = percent < 50 ? "bg-emerald-600" : percent < 80 ? "bg-amber-500" : "bg-rose-600";
  return (
    <div className="flex items-center gap-1.5 text-xs text-muted-foreground" data-testid="context-meter">
      <div
        role="meter"
        aria-label="Context used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={tokens === null ? "unknown" : `${percent} %`}
        className="h-1.5 w-20 overflow-hidden rounded-full bg-muted"
      >
        <div className={cn("h-full", colour)} style={{ width: `${percent}%` }} data-testid="context-meter-fill" />
      </div>
      <span className="tabular-nums">{tokens === null ? "–" : `${percent} %`}</span>
    </div>
  );
}
