import { Button } from "../../components/Button";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Dialog } from "../../components/Dialog";
import { toCommandError } from "../../lib/commandError";
import { useDeleteSkill } from "./skillQueries";

/** The explicit confirmation that `delete_skill` relies on (backend.md §3, delete_skill). */
export function DeleteSkillDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const deleteSkill = useDeleteSkill();
  return (
    <Dialog title={`Delete ${name}?`} onClose={onClose} testId="delete-skill-dialog">
      <p className="text-sm text-slate-600">
        The skill, its files and its workflow records are removed. A checkpoint is saved first.
      </p>
      {deleteSkill.isError && (
        <div className="mt-4">
          <CommandErrorMessage error={toCommandError(deleteSkill.error)} testId="delete-skill-error" />
        </div>
      )}
      <div className="mt-6 flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="danger"
          disabled={deleteSkill.isPending}
          data-testid="delete-skill-confirm"
          onClick={() => deleteSkill.mutate(name, { onSuccess: onClose })}
        >
          {deleteSkill.isPending ? "Deleting…" : "Delete"}
        </Button>
      </div>
    </Dialog>
  );
}
