import { getCurrentWindow } from "@tauri-apps/api/window";
import { useEffect, useState } from "react";
import { type AgentInfo, commands } from "../bindings";
import { CommandErrorMessage } from "../components/CommandErrorMessage";
import { Button } from "../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../components/ui/dialog";
import { toCommandError, unwrap } from "../lib/commandError";
import { useAppStatus } from "../stores/appStatus";
import { agentLabel, elapsed } from "./agentText";

function currentWindow() {
  try {
    return getCurrentWindow();
  } catch {
    // Outside Tauri (a plain browser) there is no window to guard.
    return null;
  }
}

/**
 * The close guard (§9.5): on a close request it asks `list_active_agents`; with none it shuts the
 * backend down and lets the window close, otherwise it keeps the window open and asks:
 * Stay, or Stop agents and quit (`graceful_shutdown`, then destroy the window).
 */
export function CloseGuard() {
  const open = useAppStatus((state) => state.closeGuardOpen);
  const setOpen = useAppStatus((state) => state.setCloseGuardOpen);
  const [agents, setAgents] = useState<AgentInfo[]>([]);
  const [quitting, setQuitting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const window = currentWindow();
    if (!window) return;
    let unlisten: (() => void) | null = null;
    let disposed = false;
    void window
      .onCloseRequested(async (event) => {
        const running = await unwrap(commands.listActiveAgents()).catch(() => [] as AgentInfo[]);
        if (running.length === 0) {
          await unwrap(commands.gracefulShutdown()).catch(() => undefined);
          return;
        }
        event.preventDefault();
        setAgents(running);
        setError(null);
        setOpen(true);
      })
      .then(
        (stop) => {
          if (disposed) stop();
          else unlisten = stop;
        },
        () => undefined,
      );
    return () => {
      disposed = true;
      unlisten?.();
    };
  }, [setOpen]);

  async function quit() {
    setQuitting(true);
    try {
      await unwrap(commands.gracefulShutdown());
      await currentWindow()?.destroy();
    } catch (err) {
      setError(err);
      setQuitting(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogContent
        title="Agents are still running"
        description="Quitting stops them; their work so far is kept in the run logs."
        data-testid="close-guard"
      >
        <ul className="space-y-1 text-sm">
          {agents.map((agent) => (
            <li key={agent.agentId} className="flex justify-between gap-2">
              <span>{agentLabel(agent)}</span>
              <span className="text-muted-foreground">{elapsed(agent.startedAt)}</span>
            </li>
          ))}
        </ul>
        {error !== null && (
          <div className="mt-4">
            <CommandErrorMessage error={toCommandError(error)} testId="close-guard-error" />
          </div>
        )}
        <DialogFooter>
          <Button onClick={() => setOpen(false)} data-testid="close-guard-stay">
            Stay
          </Button>
          <Button variant="danger" disabled={quitting} onClick={() => void quit()} data-testid="close-guard-quit">
            {quitting ? "Stopping…" : "Stop agents and quit"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
