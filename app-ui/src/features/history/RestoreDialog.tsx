import type { SkillCommit } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { toCommandError } from "../../lib/commandError";
import { toast } from "../../stores/toasts";
import { useRestoreVersion } from "./historyQueries";

/**
 * The confirmation before `restore_skill_version`, which stops the skill's agents, commits the
 * current state as a checkpoint, then restores and commits (backend.md §6.3): nothing is lost.
 */
export function RestoreDialog({ name, commit, onClose }: { name: string; commit: SkillCommit; onClose: () => void }) {
  const restore = useRestoreVersion(name);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={`Restore ${name} to ${commit.shortSha}?`}
        description="Agents working on this skill are stopped and its current state is committed as a checkpoint first, so this restore can itself be undone from History."
        data-testid="restore-dialog"
      >
        <p className="text-sm">
          The skill’s files become those of “{commit.summary}”; files added since are removed, and the workflow state follows the restored files.
        </p>
        {restore.isError && <CommandErrorMessage error={toCommandError(restore.error)} testId="restore-error" />}
        <DialogFooter>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            disabled={restore.isPending}
            data-testid="restore-confirm"
            onClick={() =>
              restore.mutate(commit.sha, {
                onSuccess: (report) => {
                  const checkpoint = report.checkpointSha ? ` Checkpoint ${report.checkpointSha.slice(0, 8)}.` : "";
                  toast(`Restored to ${commit.shortSha}`, report.commitSha ? `Committed ${report.commitSha.slice(0, 8)}.${checkpoint}` : "The files already matched that version.");
                  onClose();
                },
              })
            }
          >
            {restore.isPending ? "Restoring…" : "Restore"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
