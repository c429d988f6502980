import { useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { commands, type TestMode } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { fieldClasses, Label, Textarea } from "../../components/ui/input";
import { toCommandError } from "../../lib/commandError";
import { useAgentRuns } from "../../stores/agentRuns";
import { LiveAgentPanel } from "../agent";
import { useSkills } from "../library/skillQueries";
import { ALL, SkillPicker } from "../refine/SkillPicker";
import { LockBanner } from "../workflow/LockBanner";
import { useSkillLock } from "../workflow/useSkillLock";
import { EvaluatorPanel } from "./EvaluatorPanel";
import { EvalsPanel } from "./EvalsPanel";
import { useRunTest, useStopTest } from "./testQueries";

type Started = { testId: string; withRun: string; withoutRun: string; evalsBefore: string[] };

/** Run ids of the skill's evaluator runs, to tell this test's evaluator from earlier ones. */
function useEvalRunIds(skill: string): string {
  return useAgentRuns((state) =>
    Object.values(state.runs)
      .filter((run) => run.kind === "test_eval" && run.skillName === skill)
      .map((run) => run.runId)
      .join(" "),
  );
}

function TestRunner({ skill }: { skill: string }) {
  const { lock, retry } = useSkillLock(skill, "test");
  const [mode, setMode] = useState<TestMode>("installed");
  const [prompt, setPrompt] = useState("");
  const [started, setStarted] = useState<Started | null>(null);
  const run = useRunTest(skill);
  const stop = useStopTest();
  const evalIds = useEvalRunIds(skill);
  const evalRunId = started ? evalIds.split(" ").find((id) => id && !started.evalsBefore.includes(id)) : undefined;
  const evalRun = useAgentRuns((state) => (evalRunId ? state.runs[evalRunId] : undefined));

  // The test folder goes when the page does (§7.2 step 3); the backend also cleans after the evaluation.
  const testId = useRef<string | null>(null);
  useEffect(() => () => void (testId.current && commands.cleanupSkillTest(testId.current).catch(() => undefined)), []);

  const held = lock.status === "held";
  const start = () =>
    run.mutate(
      { mode, prompt: prompt.trim() },
      {
        onSuccess: (result) => {
          testId.current = result.testId;
          setStarted({ ...result, evalsBefore: evalIds.split(" ") });
        },
      },
    );

  return (
    <div className="space-y-6">
      <LockBanner lock={lock} onRetry={retry} />
      <div className="flex flex-wrap items-end gap-4">
        <div className="flex items-center gap-2">
          <Label htmlFor="test-mode">Mode</Label>
          <select id="test-mode" className={fieldClasses} value={mode} onChange={(e) => setMode(e.target.value as TestMode)} data-testid="test-mode">
            <option value="installed">Installed (the skill may trigger)</option>
            <option value="embedded">Embedded (the body is in the prompt)</option>
          </select>
        </div>
      </div>
      <div className="space-y-1">
        <Label htmlFor="test-prompt">Prompt</Label>
        <Textarea id="test-prompt" rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} data-testid="test-prompt" />
      </div>
      <div className="flex gap-2">
        <Button variant="primary" disabled={!held || !prompt.trim() || run.isPending} onClick={start} data-testid="test-run">
          Run test
        </Button>
        <Button disabled={!started || stop.isPending} onClick={() => started && stop.mutate(started.testId)} data-testid="test-stop">
          Stop
        </Button>
      </div>
      {run.isError && <CommandErrorMessage error={toCommandError(run.error)} testId="test-error" />}
      {started && (
        <div className="grid gap-4 lg:grid-cols-2">
          <section aria-label="With the skill" className="h-80 overflow-hidden rounded-lg border border-border" data-testid="test-with">
            <h2 className="px-3 pt-2 text-sm font-semibold">With the skill</h2>
            <LiveAgentPanel runId={started.withRun} />
          </section>
          <section aria-label="Without the skill" className="h-80 overflow-hidden rounded-lg border border-border" data-testid="test-without">
            <h2 className="px-3 pt-2 text-sm font-semibold">Without the skill</h2>
            <LiveAgentPanel runId={started.withoutRun} />
          </section>
        </div>
      )}
      {evalRun && <EvaluatorPanel skill={skill} run={evalRun} />}
      <EvalsPanel skill={skill} mode={mode} disabled={!held} />
    </div>
  );
}

/** `/test?skill=`: the same prompt with and without the skill, then the evaluator's verdict. */
export function TestPage() {
  const { skill } = useSearch({ from: "/test" });
  const skills = useSkills(ALL);
  const navigate = useNavigate();
  return (
    <section className="space-y-4" data-testid="test-page">
      <header className="flex flex-wrap items-center gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">Test</h1>
        <SkillPicker
          id="test-skill"
          testId="test-skill-picker"
          skills={skills.data ?? []}
          value={skill ?? ""}
          onChange={(name) => void navigate({ to: "/test", search: name ? { skill: name } : {} })}
        />
      </header>
      {skill ? <TestRunner key={skill} skill={skill} /> : <p className="text-sm text-muted-foreground">Choose a skill to test.</p>}
    </section>
  );
}
