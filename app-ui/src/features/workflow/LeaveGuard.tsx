import { useBlocker } from "@tanstack/react-router";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";

/**
 * Asks before leaving the page (§9.4): with unsaved answers ("Save and leave" / "Discard" /
 * "Stay") or with an agent running ("Stop and leave" / "Stay"). Moves inside the page pass.
 */
export function LeaveGuard({
  unsaved,
  agentRunning,
  onSave,
  onStop,
}: {
  unsaved: boolean;
  agentRunning: boolean;
  onSave: () => Promise<void>;
  onStop: () => Promise<void>;
}) {
  const blocker = useBlocker({
    shouldBlockFn: ({ current, next }) => current.pathname !== next.pathname,
    disabled: !unsaved && !agentRunning,
    withResolver: true,
  });
  const open = blocker.status === "blocked";
  const leaveAfter = (work: () => Promise<void>) => () =>
    void work().then(
      () => blocker.proceed?.(),
      () => blocker.reset?.(),
    );
  return (
    <Dialog open={open} onOpenChange={(next) => !next && blocker.reset?.()}>
      <DialogContent
        title={agentRunning ? "An agent is running" : "Unsaved answers"}
        description={agentRunning ? "Leaving stops it; its partial output is kept." : "Some answers are not saved yet."}
        data-testid="leave-dialog"
      >
        <DialogFooter>
          <Button onClick={() => blocker.reset?.()} data-testid="leave-stay">
            Stay
          </Button>
          {agentRunning ? (
            <Button variant="danger" onClick={leaveAfter(onStop)} data-testid="leave-stop">
              Stop and leave
            </Button>
          ) : (
            <>
              <Button onClick={() => blocker.proceed?.()} data-testid="leave-discard">
                Discard
              </Button>
              <Button variant="primary" onClick={leaveAfter(onSave)} data-testid="leave-save">
                Save and leave
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
