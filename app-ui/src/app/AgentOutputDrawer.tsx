import { Dialog, DialogContent } from "../components/ui/dialog";
import { LiveAgentPanel } from "../features/agent";

type AgentOutputDrawerProps = { run: { runId: string; title: string } | null; onClose: () => void };

/** A running agent's live output, in a drawer at the window's right edge (from the header's indicator). */
export function AgentOutputDrawer({ run, onClose }: AgentOutputDrawerProps) {
  return (
    <Dialog open={run !== null} onOpenChange={(open) => !open && onClose()}>
      {run && (
        <DialogContent
          title={run.title}
          description="Live output of the agent"
          className="top-0 right-0 left-auto flex h-full max-h-none w-full max-w-3xl translate-x-0 translate-y-0 flex-col rounded-none"
          data-testid="agent-output-drawer"
        >
          <div className="min-h-0 flex-1">
            <LiveAgentPanel runId={run.runId} />
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
}
