import { useMemo, useState } from "react";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { toCommandError } from "../../lib/commandError";
import { CostBarChart } from "./CostBarChart";
import { DailyCostChart } from "./DailyCostChart";
import { lastDays } from "./dailySeries";
import { RecentSessions } from "./RecentSessions";
import { ResetUsageDialog } from "./ResetUsageDialog";
import { UsageCards } from "./UsageCards";
import { type UsageFilterArg, useDailyUsage, useRecentSessions, useUsageByModel, useUsageByStep, useUsageSummary } from "./usageQueries";

const DAYS = 30;

function Toggle({ id, label, checked, onChange }: { id: string; label: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <label htmlFor={id} className="flex items-center gap-2 text-sm">
      <Checkbox id={id} checked={checked} onCheckedChange={(value) => onChange(value === true)} data-testid={id} />
      {label}
    </label>
  );
}

/** Usage (`/usage`, §9.4): totals, three charts and recent sessions, over one filter. */
export function UsagePage() {
  const [hideCancelled, setHideCancelled] = useState(false);
  const [includeMock, setIncludeMock] = useState(false);
  const [resetting, setResetting] = useState(false);
  const filter: UsageFilterArg = useMemo(() => ({ hideCancelled, includeMock, from: null, to: null, skillName: null }), [hideCancelled, includeMock]);
  const days = useMemo(() => lastDays(DAYS), []);
  const summary = useUsageSummary(filter);
  const byStep = useUsageByStep(filter);
  const byModel = useUsageByModel(filter);
  const daily = useDailyUsage(filter, days);
  const sessions = useRecentSessions(filter);
  const error = [summary, byStep, byModel, daily, sessions].find((query) => query.isError)?.error;

  return (
    <section data-testid="usage-page" className="space-y-4">
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="mr-auto text-2xl font-semibold tracking-tight">Usage</h1>
        <Toggle id="usage-hide-cancelled" label="Hide reset/cancelled" checked={hideCancelled} onChange={setHideCancelled} />
        <Toggle id="usage-include-mock" label="Show mock runs" checked={includeMock} onChange={setIncludeMock} />
        <Button onClick={() => setResetting(true)} data-testid="usage-reset">
          Reset usage
        </Button>
      </div>
      {error !== undefined && <CommandErrorMessage error={toCommandError(error)} testId="usage-error" />}
      {summary.data && <UsageCards summary={summary.data} />}
      {daily.data && <DailyCostChart series={daily.data} />}
      <div className="grid gap-4 lg:grid-cols-2">
        {byStep.data && (
          <CostBarChart
            title="Cost by step"
            testId="usage-step-chart"
            color="#6366f1"
            bars={byStep.data.map((row) => ({ label: row.label, cost: row.totalCostUsd ?? 0, runs: row.runCount }))}
          />
        )}
        {byModel.data && (
          <CostBarChart
            title="Cost by model"
            testId="usage-model-chart"
            color="#0ea5e9"
            bars={byModel.data.map((row) => ({ label: row.model, cost: row.totalCostUsd ?? 0, runs: row.runCount }))}
          />
        )}
      </div>
      {sessions.data && <RecentSessions sessions={sessions.data} />}
      {resetting && <ResetUsageDialog onClose={() => setResetting(false)} />}
    </section>
  );
}
