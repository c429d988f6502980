import { useMutation } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";
import { useState } from "react";
import { commands } from "../bindings";
import { Button } from "../components/ui/button";
import { Popover, PopoverContent, PopoverTrigger } from "../components/ui/popover";
import { toCommandError, unwrap } from "../lib/commandError";
import { useActiveAgents } from "../lib/queries";
import { toast } from "../stores/toasts";
import { AgentOutputDrawer } from "./AgentOutputDrawer";
import { agentLabel, elapsed } from "./agentText";

/**
 * "2 agents running"; its popover lists each agent with Output (the live output drawer) and Stop
 * (§9.3). Hidden when none runs.
 */
export function RunningAgents() {
  const agents = useActiveAgents();
  const stop = useMutation({
    mutationFn: (runId: string) => unwrap(commands.cancelAgentRun(runId)),
    onError: (error) => toast("Could not stop the agent", toCommandError(error).message, "error"),
  });
  const [viewing, setViewing] = useState<{ runId: string; title: string } | null>(null);
  const list = agents.data ?? [];
  if (list.length === 0 && viewing === null) return null;
  return (
    <>
      {list.length > 0 && (
        <Popover>
          <PopoverTrigger asChild>
            <Button size="sm" data-testid="running-agents">
              <Loader2 className="animate-spin" aria-hidden="true" />
              {list.length === 1 ? "1 agent running" : `${list.length} agents running`}
            </Button>
          </PopoverTrigger>
          <PopoverContent align="end" aria-label="Running agents">
            <ul className="space-y-2">
              {list.map((agent) => (
                <li key={agent.agentId} data-testid={`running-agent-${agent.agentId}`} className="flex items-center gap-2 text-sm">
                  <div className="flex-1">
                    <p className="font-medium">{agentLabel(agent)}</p>
                    <p className="text-xs text-muted-foreground">
                      {agent.model} · {elapsed(agent.startedAt)}
                    </p>
                  </div>
                  <Button
                    size="sm"
                    disabled={!agent.runId}
                    aria-label={`Output of ${agentLabel(agent)}`}
                    data-testid={`agent-output-open-${agent.agentId}`}
                    onClick={() => agent.runId && setViewing({ runId: agent.runId, title: agentLabel(agent) })}
                  >
                    Output
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    disabled={!agent.runId || stop.isPending}
                    aria-label={`Stop ${agentLabel(agent)}`}
                    onClick={() => agent.runId && stop.mutate(agent.runId)}
                  >
                    Stop
                  </Button>
                </li>
              ))}
            </ul>
          </PopoverContent>
        </Popover>
      )}
      <AgentOutputDrawer run={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
