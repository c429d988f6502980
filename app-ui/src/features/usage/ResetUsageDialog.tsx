import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { toCommandError } from "../../lib/commandError";
import { toast } from "../../stores/toasts";
import { useResetUsage } from "./usageQueries";

/** Soft reset (backend.md §9.2): runs and sessions are marked and hidden, nothing is deleted. */
export function ResetUsageDialog({ onClose }: { onClose: () => void }) {
  const reset = useResetUsage();
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title="Reset usage?"
        description="Every finished run and session is hidden from these figures from now on. Nothing is deleted; running agents are not affected."
        data-testid="reset-usage-dialog"
      >
        {reset.isError && <CommandErrorMessage error={toCommandError(reset.error)} testId="reset-usage-error" />}
        <DialogFooter>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="danger"
            disabled={reset.isPending}
            data-testid="reset-usage-confirm"
            onClick={() =>
              reset.mutate(undefined, {
                onSuccess: (report) => {
                  toast("Usage reset", `${report.runs} runs and ${report.sessions} sessions hidden.`);
                  onClose();
                },
              })
            }
          >
            {reset.isPending ? "Resetting…" : "Reset usage"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
