import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { commands } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { toCommandError, unwrap } from "../../lib/commandError";
import { SettingRow } from "./settingFields";

/** `clear_workspace`: rewrites the app's agent files; the user's customisations and skills stay. */
export function ClearWorkspaceSetting({ workspacePath }: { workspacePath: string }) {
  const [confirming, setConfirming] = useState(false);
  const clear = useMutation({ mutationFn: () => unwrap(commands.clearWorkspace()) });
  return (
    <SettingRow label="Agent workspace" help={<span className="font-mono break-all">{workspacePath}</span>} testId="settings-workspace">
      <Button onClick={() => setConfirming(true)} data-testid="settings-clear-workspace">
        Clear workspace
      </Button>
      {clear.data && (
        <p className="text-sm" role="status" data-testid="settings-clear-workspace-result">
          {clear.data.updated.length} files rewritten, {clear.data.removed.length} removed, {clear.data.kept.length} kept.
        </p>
      )}
      {confirming && (
        <Dialog open onOpenChange={(open) => !open && setConfirming(false)}>
          <DialogContent
            title="Clear the agent workspace?"
            description="The app's agent files and CLAUDE.md base are rewritten. Your customisation, workspace skills and transcripts are kept. No agent may be running."
            data-testid="clear-workspace-dialog"
          >
            {clear.isError && <CommandErrorMessage error={toCommandError(clear.error)} testId="clear-workspace-error" />}
            <DialogFooter>
              <Button onClick={() => setConfirming(false)}>Cancel</Button>
              <Button variant="danger" disabled={clear.isPending} onClick={() => clear.mutate(undefined, { onSuccess: () => setConfirming(false) })} data-testid="clear-workspace-confirm">
                {clear.isPending ? "Clearing…" : "Clear workspace"}
              </Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      )}
    </SettingRow>
  );
}
