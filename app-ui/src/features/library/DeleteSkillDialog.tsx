import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { toCommandError } from "../../lib/commandError";
import { useDeleteSkill } from "./skillQueries";

/** The explicit confirmation that `delete_skill` relies on (backend.md §3, delete_skill). */
export function DeleteSkillDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const deleteSkill = useDeleteSkill();
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={`Delete ${name}?`}
        description="The skill, its files and its workflow records are removed. A checkpoint is saved first."
        data-testid="delete-skill-dialog"
      >
        {deleteSkill.isError && <CommandErrorMessage error={toCommandError(deleteSkill.error)} testId="delete-skill-error" />}
        <DialogFooter>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="danger"
            disabled={deleteSkill.isPending}
            data-testid="delete-skill-confirm"
            onClick={() => deleteSkill.mutate(name, { onSuccess: onClose })}
          >
            {deleteSkill.isPending ? "Deleting…" : "Delete"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
