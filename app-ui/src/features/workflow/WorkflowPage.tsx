import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { type AgentHandle, type CommandError, commands, type ResetPreview } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError, unwrap } from "../../lib/commandError";
import { GateDialog, type GateOutcome } from "./GateDialog";
import { LeaveGuard } from "./LeaveGuard";
import { LockBanner } from "./LockBanner";
import { ResetDialog, resetFileCount } from "./ResetDialog";
import { ReviewView } from "./ReviewView";
import { CompletedView, ErrorView, PendingView, RunningView, ValidateView } from "./StepViews";
import { StepSidebar } from "./StepSidebar";
import { gateOf } from "./steps";
import { useGateResult } from "./useGateResult";
import { useSkillLock } from "./useSkillLock";
import { useStepCosts, useWorkflowState, VALIDATE_STEP } from "./workflowQueries";

/**
 * The workflow page of one skill (`/skill/$name`, agents-and-workflow.md §9.4). It holds the
 * skill's lock, draws the step the user selected from `get_workflow_state`, and only calls
 * commands: statuses change in the backend, whose `workflow-changed` refetches the state.
 */
export function WorkflowPage() {
  const { name } = useParams({ from: "/skill/$name" });
  const { lock, retry } = useSkillLock(name, "workflow");
  const blocked = lock.status === "lost" || lock.status === "denied";
  const queryClient = useQueryClient();
  const state = useWorkflowState(name);
  const costs = useStepCosts(name);
  const [chosen, setChosen] = useState<number | null>(null);
  /** Run ids this page started, by step (the state's `lastRunId` covers the others). */
  const [handles, setHandles] = useState<Record<number, string>>({});
  const [evaluating, setEvaluating] = useState<number | null>(null);
  const [gateOutcome, setGateOutcome] = useState<GateOutcome | null>(null);
  const [reset, setReset] = useState<{ preview: ResetPreview; thenRun: boolean } | null>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["get_workflow_state", name] });
  const started = (step: number, handle: AgentHandle | null) => {
    if (handle) setHandles((current) => ({ ...current, [step]: handle.runId }));
    setActionError(null);
    refresh();
  };
  const onError = (error: unknown) => setActionError(toCommandError(error));

  const run = useMutation({
    mutationFn: (step: number) => unwrap(step === VALIDATE_STEP ? commands.validateSkill(name) : commands.runWorkflowStep(name, step)),
    onSuccess: (handle, step) => started(step, handle),
    onError,
  });

  /** Reset (with the preview when it deletes anything), then optionally run the step again. */
  const startReset = useMutation({
    mutationFn: async ({ step, thenRun }: { step: number; thenRun: boolean }) => {
      const preview = await unwrap(commands.previewStepReset(name, step));
      if (thenRun && resetFileCount(preview) === 0 && preview.agentsToStop.length === 0) {
        await unwrap(commands.resetWorkflowStep(name, step));
        run.mutate(step);
        return;
      }
      setReset({ preview, thenRun });
    },
    onError,
  });

  const gateStarted = (gate: number, result: { agent?: AgentHandle | null; gate?: AgentHandle | null; evaluation: GateOutcome["evaluation"] }) => {
    const agent = result.agent ?? result.gate ?? null;
    if (agent) setEvaluating(gate);
    else if (result.evaluation !== null) setGateOutcome({ gate, evaluation: result.evaluation, error: null });
  };
  const complete = useMutation({
    mutationFn: async ({ step, flush }: { step: number; flush: () => Promise<void> }) => {
      await flush();
      return unwrap(commands.completeReviewStep(name, step));
    },
    onSuccess: (result, { step }) => {
      gateStarted(gateOf(step), result);
      if (result.next) started(step + 1, result.next);
      refresh();
    },
    onError,
  });
  const retryGate = useMutation({
    mutationFn: (gate: number) => unwrap(commands.runAnswerEvaluator(name, gate)),
    onSuccess: (result, gate) => gateStarted(gate, result),
    onError,
  });

  useGateResult(name, (result) => {
    setEvaluating(null);
    setGateOutcome({ gate: result.gate, evaluation: result.evaluation, error: result.error });
    refresh();
  });

  const data = state.data;
  const select = (step: number) => {
    setChosen(step);
    setActionError(null);
    if (step < VALIDATE_STEP) void commands.saveWorkflowState(name, step);
  };

  let body = null;
  let selected = 0;
  if (data) {
    selected = chosen ?? Math.min(data.selectedStep ?? data.currentStep, 5);
    const agentRunning = data.activeAgent !== null || data.steps.some((step) => step.status === "in_progress");
    const disabled = new Set(data.disabled.steps);
    const step = data.steps.find((candidate) => candidate.step === selected);
    const runId = handles[selected] ?? step?.lastRunId ?? null;
    const earlierDone = data.steps.filter((s) => s.step < selected).every((s) => s.status === "completed" || s.status === "skipped");
    if (selected === VALIDATE_STEP) {
      body = handles[VALIDATE_STEP] && agentRunning ? (
        <RunningView runId={handles[VALIDATE_STEP]} />
      ) : (
        <ValidateView name={name} disabled={data.disabled.validateDisabled || agentRunning || blocked} starting={run.isPending} onStart={() => run.mutate(VALIDATE_STEP)} />
      );
    } else if (step) {
      switch (step.status) {
        case "in_progress":
          body = <RunningView runId={runId} />;
          break;
        case "waiting_for_user":
          body = (
            <ReviewView
              key={step.step}
              name={name}
              step={step.step}
              evaluating={evaluating === gateOf(step.step) || retryGate.isPending}
              completing={complete.isPending}
              completeError={null}
              readOnly={blocked}
              onComplete={(flush) => complete.mutate({ step: step.step, flush })}
            />
          );
          break;
        case "error":
          body = <ErrorView step={step} onRetry={() => startReset.mutate({ step: step.step, thenRun: true })} onReset={() => startReset.mutate({ step: step.step, thenRun: false })} />;
          break;
        case "completed": {
          const next = data.steps.find((s) => s.step === step.step + 1);
          body = (
            <CompletedView
              name={name}
              step={step}
              decisionsEditable={!blocked && data.steps[5]?.status !== "completed"}
              onReset={() => startReset.mutate({ step: step.step, thenRun: false })}
              actions={
                next ? (
                  <Button variant="primary" onClick={() => select(next.step)} data-testid="next-step">
                    Next step
                  </Button>
                ) : (
                  <>
                    <Button variant="primary" onClick={() => select(VALIDATE_STEP)} disabled={data.disabled.validateDisabled} data-testid="go-validate">
                      Validate
                    </Button>
                    <Button asChild>
                      <Link to="/refine" search={{ skill: name }}>
                        Refine
                      </Link>
                    </Button>
                    <Button asChild>
                      <Link to="/">Done</Link>
                    </Button>
                  </>
                )
              }
            />
          );
          break;
        }
        default:
          body = (
            <PendingView
              step={step.step}
              disabled={disabled.has(step.step) || !earlierDone || agentRunning || blocked || step.status === "skipped"}
              starting={run.isPending}
              onStart={() => run.mutate(step.step)}
            />
          );
      }
    }
  }

  const agentRunning = data ? data.activeAgent !== null || data.steps.some((step) => step.status === "in_progress") : false;
  const runningStep = data?.steps.find((step) => step.status === "in_progress");
  const runningId = runningStep ? (handles[runningStep.step] ?? runningStep.lastRunId ?? null) : (handles[VALIDATE_STEP] ?? null);
  const reviewing = data?.steps.some((step) => step.step === selected && step.status === "waiting_for_user") ?? false;
  const title = data ? (selected === VALIDATE_STEP ? "Validate" : `${selected + 1}. ${data.steps.find((s) => s.step === selected)?.name ?? ""}`) : "";
  return (
    <section data-testid={`workflow-page-${name}`}>
      <LockBanner lock={lock} onRetry={retry} />
      <div inert={blocked}>
        <h1 className="mb-4 font-mono text-2xl font-semibold tracking-tight">{name}</h1>
        {state.isError && <CommandErrorMessage error={toCommandError(state.error)} testId="workflow-error" />}
        {data && (
          <div className="flex gap-6">
            <StepSidebar state={data} costs={costs.data} selected={selected} onSelect={select} locked={agentRunning} />
            <div className="min-w-0 flex-1 space-y-4" data-testid="step-view" data-step={selected}>
              <h2 className="text-lg font-semibold">{title}</h2>
              {actionError && <CommandErrorMessage error={actionError} testId="step-action-error" />}
              {body}
            </div>
          </div>
        )}
      </div>
      <LeaveGuard
        unsaved={false}
        agentRunning={agentRunning && !reviewing}
        onSave={async () => undefined}
        onStop={async () => {
          if (runningId) await unwrap(commands.cancelAgentRun(runningId));
        }}
      />
      <GateDialog
        name={name}
        outcome={gateOutcome}
        onClose={() => {
          setGateOutcome(null);
          refresh();
        }}
        onRetry={() => {
          const gate = gateOutcome?.gate ?? 1;
          setGateOutcome(null);
          retryGate.mutate(gate);
        }}
      />
      <ResetDialog
        name={name}
        preview={reset?.preview ?? null}
        onClose={() => setReset(null)}
        onReset={(step) => {
          setChosen(step);
          refresh();
          if (reset?.thenRun) run.mutate(step);
        }}
      />
    </section>
  );
}
