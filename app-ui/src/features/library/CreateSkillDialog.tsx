import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Dialog } from "../../components/Dialog";
import { toCommandError } from "../../lib/commandError";
import { useCreateSkill } from "./skillQueries";

const INPUT_CLASSES =
  "mt-1 block w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20";

/** Creates a skill; the backend validates the name, and its error stays in the dialog so the user can fix the input. */
export function CreateSkillDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState("");
  const [domain, setDomain] = useState("");
  const createSkill = useCreateSkill();

  function submit(event: FormEvent) {
    event.preventDefault();
    createSkill.mutate({ name, domain: domain.trim() === "" ? null : domain }, { onSuccess: onClose });
  }

  return (
    <Dialog title="New skill" onClose={onClose} testId="create-skill-dialog">
      <form onSubmit={submit} className="space-y-4">
        <label className="block text-sm font-medium text-slate-700">
          Name
          <input
            autoFocus
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="sales-kpis"
            spellCheck={false}
            data-testid="create-skill-name"
            className={`font-mono ${INPUT_CLASSES}`}
          />
          <span className="mt-1 block text-xs font-normal text-slate-500">Lowercase letters, digits and hyphens.</span>
        </label>
        <label className="block text-sm font-medium text-slate-700">
          Domain
          <input
            value={domain}
            onChange={(event) => setDomain(event.target.value)}
            placeholder="Sales analytics"
            data-testid="create-skill-domain"
            className={INPUT_CLASSES}
          />
        </label>
        {createSkill.isError && (
          <CommandErrorMessage error={toCommandError(createSkill.error)} testId="create-skill-error" />
        )}
        <div className="flex justify-end gap-2 pt-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            disabled={name === "" || createSkill.isPending}
            data-testid="create-skill-submit"
          >
            {createSkill.isPending ? "Creating…" : "Create skill"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
