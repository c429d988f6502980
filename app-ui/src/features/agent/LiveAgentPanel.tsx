import { useMutation } from "@tanstack/react-query";
import { commands } from "../../bindings";
import { toCommandError, unwrap } from "../../lib/commandError";
import { useAgentRuns } from "../../stores/agentRuns";
import { toast } from "../../stores/toasts";
import { AgentOutputPanel } from "./AgentOutputPanel";

/** The output panel of a live run, fed by `useAgentRuns`; Stop calls `cancel_agent_run`. */
export function LiveAgentPanel({ runId }: { runId: string }) {
  const run = useAgentRuns((state) => state.runs[runId]);
  const stop = useMutation({
    mutationFn: () => unwrap(commands.cancelAgentRun(runId)),
    onError: (error) => toast("Could not stop the agent", toCommandError(error).message, "error"),
  });
  if (!run) {
    return (
      <p className="p-3 text-sm text-muted-foreground" data-testid={`agent-output-waiting-${runId}`}>
        Waiting for the agent…
      </p>
    );
  }
  return <AgentOutputPanel run={run} onStop={() => stop.mutate()} stopping={stop.isPending} />;
}
