import { useMutation } from "@tanstack/react-query";
import { commands, type ResetPreview } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { toCommandError, unwrap } from "../../lib/commandError";

/** Files a reset would delete or edit, over every step it resets. */
export function resetFileCount(preview: ResetPreview): number {
  return preview.steps.reduce((sum, step) => sum + step.delete.length + step.edit.length, 0);
}

/**
 * The reset dialog (§5.11): what each step would lose, the agents it stops, then
 * "Delete N files and reset". `onReset` runs after the reset (Retry starts the step again).
 */
export function ResetDialog({
  name,
  preview,
  onClose,
  onReset,
}: {
  name: string;
  preview: ResetPreview | null;
  onClose: () => void;
  onReset: (step: number) => void;
}) {
  const reset = useMutation({
    mutationFn: (step: number) => unwrap(commands.resetWorkflowStep(name, step)),
    onSuccess: (_report, step) => {
      onClose();
      onReset(step);
    },
  });
  const count = preview ? resetFileCount(preview) : 0;
  return (
    <Dialog open={preview !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={preview ? `Reset to step ${preview.target + 1}?` : "Reset"}
        description="A checkpoint commit keeps everything; History → Restore undoes a reset."
        data-testid="reset-dialog"
        className="max-w-lg"
      >
        {preview && (
          <div className="space-y-3 text-sm" data-testid="reset-preview">
            {preview.agentsToStop.length > 0 && <p>Stops: {preview.agentsToStop.join(", ")}</p>}
            {preview.steps.map((step) => (
              <section key={step.step}>
                <h3 className="font-semibold">
                  {step.step + 1}. {step.name}
                </h3>
                <ul className="list-disc pl-5 font-mono text-xs">
                  {step.delete.map((path) => (
                    <li key={path}>delete {path}</li>
                  ))}
                  {step.edit.map((edit) => (
                    <li key={edit.path}>
                      {edit.path}: {edit.summary}
                    </li>
                  ))}
                  {step.delete.length + step.edit.length === 0 && <li className="font-sans">No files</li>}
                </ul>
              </section>
            ))}
          </div>
        )}
        {reset.isError && (
          <div className="mt-3">
            <CommandErrorMessage error={toCommandError(reset.error)} testId="reset-error" />
          </div>
        )}
        <DialogFooter>
          <DialogClose asChild>
            <Button>Cancel</Button>
          </DialogClose>
          <Button variant="danger" disabled={reset.isPending || !preview} onClick={() => preview && reset.mutate(preview.target)} data-testid="reset-confirm">
            {count > 0 ? `Delete ${count} files and reset` : "Reset"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
