import { useState } from "react";
import type { CommandError } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { Input, Label } from "../../components/ui/input";

type Base = { pending: boolean; error: CommandError | null; onCancel: () => void };

/** Save changes: the commit message, prefilled from the last request, stays editable. */
export function SaveDialog({ initialMessage, onSave, pending, error, onCancel }: Base & { initialMessage: string; onSave: (message: string) => void }) {
  const [message, setMessage] = useState(initialMessage);
  return (
    <Dialog open onOpenChange={(open) => !open && onCancel()}>
      <DialogContent title="Save changes" description="The skill folder is committed with this message." data-testid="refine-save-dialog">
        <Label htmlFor="refine-save-message">Commit message</Label>
        <Input id="refine-save-message" value={message} onChange={(event) => setMessage(event.target.value)} data-testid="refine-save-message" />
        {error && <CommandErrorMessage error={error} testId="refine-save-error" />}
        <DialogFooter>
          <Button onClick={onCancel}>Cancel</Button>
          <Button variant="primary" disabled={pending} onClick={() => onSave(message.trim())} data-testid="refine-save-confirm">
            {pending ? "Saving…" : "Save"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** Discard changes: names every file that goes back to the session's start. */
export function DiscardDialog({ files, onDiscard, pending, error, onCancel }: Base & { files: string[]; onDiscard: () => void }) {
  return (
    <Dialog open onOpenChange={(open) => !open && onCancel()}>
      <DialogContent
        title="Discard changes?"
        description="These files go back to how they were when the session began. The discarded edits stay in the history."
        data-testid="refine-discard-dialog"
      >
        <ul className="max-h-48 overflow-auto font-mono text-xs" data-testid="refine-discard-files">
          {files.map((path) => (
            <li key={path}>{path}</li>
          ))}
        </ul>
        {error && <CommandErrorMessage error={error} testId="refine-discard-error" />}
        <DialogFooter>
          <Button onClick={onCancel}>Cancel</Button>
          <Button variant="danger" disabled={pending} onClick={onDiscard} data-testid="refine-discard-confirm">
            {pending ? "Discarding…" : "Discard"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** The leave guard: unsaved changes are saved, discarded, or the user stays. */
export function LeaveDialog({ onSave, onDiscard, pending, error, onCancel }: Base & { onSave: () => void; onDiscard: () => void }) {
  return (
    <Dialog open onOpenChange={(open) => !open && onCancel()}>
      <DialogContent title="Unsaved changes" description="This refine session has changes that are not saved." data-testid="refine-leave-dialog">
        {error && <CommandErrorMessage error={error} testId="refine-leave-error" />}
        <DialogFooter>
          <Button onClick={onCancel} data-testid="refine-leave-stay">
            Stay
          </Button>
          <Button variant="danger" disabled={pending} onClick={onDiscard} data-testid="refine-leave-discard">
            Discard
          </Button>
          <Button variant="primary" disabled={pending} onClick={onSave} data-testid="refine-leave-save">
            Save
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
