import type { UsageSummary } from "../../bindings";
import { formatCount, formatUsd } from "./format";

function Card({ label, value, detail, testId }: { label: string; value: string; detail: string; testId: string }) {
  return (
    <div className="rounded-xl border border-border bg-card p-4" data-testid={testId}>
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={`${testId}-value`}>
        {value}
      </dd>
      <dd className="mt-1 text-xs text-muted-foreground" data-testid={`${testId}-detail`}>
        {detail}
      </dd>
    </div>
  );
}

/** Total cost, runs, average per workflow session and tokens (§9.4), as `get_usage_summary` returns them. */
export function UsageCards({ summary }: { summary: UsageSummary }) {
  const tokens = (summary.inputTokens ?? 0) + (summary.outputTokens ?? 0);
  return (
    <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="usage-cards">
      <Card label="Total cost" value={formatUsd(summary.totalCostUsd)} detail={`${formatUsd(summary.avgCostPerRun)} per run`} testId="usage-total-cost" />
      <Card label="Runs" value={formatCount(summary.runCount)} detail={`in ${formatCount(summary.sessionCount)} sessions`} testId="usage-runs" />
      <Card label="Average per session" value={formatUsd(summary.avgCostPerSession)} detail="workflow, refine and test sessions" testId="usage-avg-session" />
      <Card
        label="Tokens"
        value={formatCount(tokens)}
        detail={`${formatCount(summary.inputTokens)} in · ${formatCount(summary.outputTokens)} out · ${formatCount(summary.cacheReadTokens)} cache read · ${formatCount(summary.cacheWriteTokens)} cache write`}
        testId="usage-tokens"
      />
    </dl>
  );
}
