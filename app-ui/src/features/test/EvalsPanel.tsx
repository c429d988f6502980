import { useState } from "react";
import type { EvalReport, TestMode } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Input, Label } from "../../components/ui/input";
import { toCommandError } from "../../lib/commandError";
import { meanSd } from "./evaluation";
import { capValue, useRunEvals } from "./testQueries";

function ReportTable({ report }: { report: EvalReport }) {
  return (
    <table className="w-full text-sm" data-testid="evals-table">
      <caption className="text-left text-muted-foreground">
        Pass rate per case, mean ± sd over {report.runsPerArm} runs per arm
      </caption>
      <thead>
        <tr>
          <th scope="col" className="text-left">Case</th>
          <th scope="col" className="text-right">With the skill</th>
          <th scope="col" className="text-right">Without</th>
        </tr>
      </thead>
      <tbody>
        {report.cases.map((row) => (
          <tr key={row.caseId} data-testid={`evals-case-${row.caseId}`}>
            <th scope="row" className="text-left font-normal">{row.caseId}</th>
            <td className="text-right tabular-nums">{meanSd(row.with.mean, row.with.sd)}</td>
            <td className="text-right tabular-nums">{meanSd(row.without.mean, row.without.sd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Repeated evals (`run_skill_evals`): N runs per arm under cost caps; a budget stop can resume. */
export function EvalsPanel({ skill, mode, disabled }: { skill: string; mode: TestMode; disabled: boolean }) {
  const [runs, setRuns] = useState("3");
  const [perRun, setPerRun] = useState("");
  const [perSkill, setPerSkill] = useState("");
  const evals = useRunEvals(skill);
  const report = evals.data;
  const resumable = report?.status === "stopped_budget";
  const start = (resume: boolean) =>
    evals.mutate({
      testId: resume && report ? report.testId : null,
      mode,
      runs: Math.max(1, Number.parseInt(runs, 10) || 1),
      caps: { perRunUsd: capValue(perRun), perSkillUsd: capValue(perSkill) },
    });
  return (
    <section aria-label="Repeated evals" className="space-y-3" data-testid="evals-panel">
      <h2 className="text-lg font-semibold">Repeated evals</h2>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <Label htmlFor="evals-runs">Runs per arm</Label>
          <Input id="evals-runs" type="number" min={1} value={runs} onChange={(e) => setRuns(e.target.value)} className="w-24" data-testid="evals-runs" />
        </div>
        <div>
          <Label htmlFor="evals-per-run">Cap per run (USD)</Label>
          <Input id="evals-per-run" inputMode="decimal" value={perRun} onChange={(e) => setPerRun(e.target.value)} className="w-28" data-testid="evals-cap-run" />
        </div>
        <div>
          <Label htmlFor="evals-per-skill">Cap in total (USD)</Label>
          <Input id="evals-per-skill" inputMode="decimal" value={perSkill} onChange={(e) => setPerSkill(e.target.value)} className="w-28" data-testid="evals-cap-skill" />
        </div>
        <Button disabled={disabled || evals.isPending} onClick={() => start(false)} data-testid="evals-run">
          {evals.isPending ? "Running…" : "Run evals"}
        </Button>
        {resumable && (
          <Button variant="primary" disabled={evals.isPending} onClick={() => start(true)} data-testid="evals-resume">
            Resume
          </Button>
        )}
      </div>
      {evals.isError && <CommandErrorMessage error={toCommandError(evals.error)} testId="evals-error" />}
      {report && (
        <>
          <p className="text-sm" role="status" data-testid="evals-status">
            {report.trialsDone} of {report.trialsTotal} trials, {report.status === "complete" ? "complete" : resumable ? "stopped at the cost cap" : "failed"}
            {report.spentUsd !== null ? `, $${report.spentUsd.toFixed(2)} spent` : ""}
            {report.stopReason ? ` (${report.stopReason})` : ""}
          </p>
          <ReportTable report={report} />
        </>
      )}
    </section>
  );
}
