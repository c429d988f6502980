import { useMutation } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Sparkles } from "lucide-react";
import { type FormEvent, useState } from "react";
import { commands } from "../../../bindings";
import { CommandErrorMessage } from "../../../components/CommandErrorMessage";
import { Button } from "../../../components/ui/button";
import { Checkbox } from "../../../components/ui/checkbox";
import { Dialog, DialogContent } from "../../../components/ui/dialog";
import { Input, Label } from "../../../components/ui/input";
import { Select } from "../../../components/ui/select";
import { toCommandError, unwrap } from "../../../lib/commandError";
import { useDebouncedValue } from "../../../lib/useDebouncedValue";
import { SKILL_TYPES } from "../libraryFilters";
import { useCreateSkill, useFieldSuggestions } from "../skillQueries";
import { createRequest, type Draft, EMPTY_DRAFT, SUGGESTABLE, suggestRequest } from "./draft";
import { GhostField } from "./GhostField";

/** Suggestions are asked for once typing has paused this long (§9.4). */
export const SUGGEST_DEBOUNCE_MS = 800;

const STEPS = ["Basics", "Domain", "Your setup", "Options"] as const;
const TYPE_OPTIONS = SKILL_TYPES.map((type) => ({ value: type, label: type }));

/**
 * The four-step new-skill dialog (§9.4). Only the name is required, so Create works from any step;
 * a rejected field sends the user back to its step with the backend's error.
 */
export function NewSkillDialog({ onClose }: { onClose: () => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [step, setStep] = useState(0);
  const createSkill = useCreateSkill();
  const navigate = useNavigate();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const request = useDebouncedValue(suggestRequest(draft, step), SUGGEST_DEBOUNCE_MS);
  const suggestions = useFieldSuggestions(request).data ?? {};
  const names = useMutation({
    mutationFn: () =>
      unwrap(
        commands.suggestSkillFields({
          fields: ["name"],
          skillType: draft.skillType,
          description: draft.description.trim() || null,
          domain: draft.domain.trim() || null,
        }),
      ),
  });
  const suggested = (field: string) => suggestions[field];
  const error = createSkill.isError ? toCommandError(createSkill.error) : null;
  const nameRejected = error !== null && ((error.details as { field?: string } | undefined)?.field === "name" || error.code === "already_exists");

  function submit(event: FormEvent) {
    event.preventDefault();
    createSkill.mutate(createRequest(draft), {
      onSuccess: (skill) => {
        onClose();
        void navigate({ to: "/skill/$name", params: { name: skill.name } });
      },
      onError: (error) => {
        const field = (toCommandError(error).details as { field?: string } | undefined)?.field;
        const code = toCommandError(error).code;
        if (field === "name" || code === "already_exists") setStep(0);
        if (field === "domain" || field === "intake") setStep(1);
      },
    });
  }

  // A step's first field takes the focus, so the dialog can be filled from the keyboard alone.
  const ghost = (field: string, label: string, multiline = false, autoFocus = false) => {
    const key = SUGGESTABLE[field];
    return (
      <GhostField
        id={`new-skill-${field}`}
        label={label}
        value={draft[key] as string}
        onChange={(value) => set(key, value)}
        suggestion={suggested(field)}
        multiline={multiline}
        testId={`create-skill-${field.replace("_", "-")}`}
        autoFocus={autoFocus}
      />
    );
  };

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title="New skill" description={`Step ${step + 1} of 4: ${STEPS[step]}`} className="max-w-xl" data-testid="create-skill-dialog">
        <form onSubmit={submit} className="space-y-4">
          <ol aria-label="Steps" className="flex gap-2 text-xs">
            {STEPS.map((label, index) => (
              <li key={label} aria-current={index === step ? "step" : undefined} className={index === step ? "font-semibold text-foreground" : "text-muted-foreground"}>
                {index + 1}. {label}
              </li>
            ))}
          </ol>
          {step === 0 && (
            <>
              <div>
                <Label htmlFor="new-skill-name">Name</Label>
                <div className="mt-1 flex gap-2">
                  <Input
                    id="new-skill-name"
                    autoFocus
                    value={draft.name}
                    onChange={(event) => set("name", event.target.value)}
                    placeholder="sales-kpis"
                    spellCheck={false}
                    aria-describedby={nameRejected ? "new-skill-name-hint create-skill-error" : "new-skill-name-hint"}
                    aria-invalid={nameRejected || undefined}
                    data-testid="create-skill-name"
                    className="font-mono"
                  />
                  <Button onClick={() => names.mutate()} disabled={names.isPending} data-testid="suggest-names">
                    <Sparkles aria-hidden="true" />
                    Suggest names
                  </Button>
                </div>
                <p id="new-skill-name-hint" className="mt-1 text-xs text-muted-foreground">
                  Lowercase letters, digits and hyphens.
                </p>
                {names.data?.name && (
                  <div className="mt-2 flex gap-2" data-testid="name-suggestions">
                    <Button size="sm" variant="ghost" className="border border-border font-mono" onClick={() => set("name", names.data.name ?? "")}>
                      {names.data.name}
                    </Button>
                  </div>
                )}
              </div>
              <div>
                <span className="block text-sm font-medium" id="new-skill-type-label">
                  Type
                </span>
                <Select label="Type" testId="create-skill-type" value={draft.skillType} onValueChange={(value) => set("skillType", value)} options={TYPE_OPTIONS} className="mt-1" />
              </div>
              {ghost("description", "Description", true)}
              <div>
                <Label htmlFor="new-skill-tags">Tags</Label>
                <Input id="new-skill-tags" className="mt-1" value={draft.tags} onChange={(event) => set("tags", event.target.value)} placeholder="sales, kpi" data-testid="create-skill-tags" />
              </div>
            </>
          )}
          {step === 1 && (
            <>
              {ghost("domain", "Domain", false, true)}
              {ghost("scope", "Scope", true)}
              {ghost("audience", "Audience")}
              {ghost("challenges", "Challenges", true)}
            </>
          )}
          {step === 2 && (
            <>
              {ghost("unique_setup", "What is unique about your setup?", true, true)}
              {ghost("claude_mistakes", "What does Claude get wrong today?", true)}
            </>
          )}
          {step === 3 && (
            <>
              <div className="grid grid-cols-2 gap-3">
                <div>
                  <Label htmlFor="new-skill-version">Version</Label>
                  <Input id="new-skill-version" autoFocus className="mt-1" value={draft.version} onChange={(event) => set("version", event.target.value)} placeholder="1.0.0" />
                </div>
                <div>
                  <Label htmlFor="new-skill-model">Model</Label>
                  <Input id="new-skill-model" className="mt-1" value={draft.model} onChange={(event) => set("model", event.target.value)} placeholder="inherit" />
                </div>
              </div>
              <div>
                <Label htmlFor="new-skill-argument-hint">Argument hint</Label>
                <Input id="new-skill-argument-hint" className="mt-1" value={draft.argumentHint} onChange={(event) => set("argumentHint", event.target.value)} />
              </div>
              <div className="flex items-center gap-2 text-sm">
                <Checkbox id="new-skill-user-invocable" checked={draft.userInvocable} onCheckedChange={(checked) => set("userInvocable", checked === true)} />
                <label htmlFor="new-skill-user-invocable">Users can invoke it</label>
              </div>
              <div className="flex items-center gap-2 text-sm">
                <Checkbox id="new-skill-disable-model" checked={draft.disableModelInvocation} onCheckedChange={(checked) => set("disableModelInvocation", checked === true)} />
                <label htmlFor="new-skill-disable-model">Disable model invocation</label>
              </div>
            </>
          )}
          {error && <CommandErrorMessage error={error} testId="create-skill-error" id="create-skill-error" />}
          <div className="flex items-center gap-2 pt-2">
            {step > 0 && (
              <Button onClick={() => setStep(step - 1)} data-testid="create-skill-back">
                Back
              </Button>
            )}
            <div className="ml-auto flex gap-2">
              <Button onClick={onClose}>Cancel</Button>
              {step < STEPS.length - 1 && (
                <Button onClick={() => setStep(step + 1)} data-testid="create-skill-next">
                  Next
                </Button>
              )}
              <Button type="submit" variant="primary" disabled={draft.name === "" || createSkill.isPending} data-testid="create-skill-submit">
                {createSkill.isPending ? "Creating…" : "Create skill"}
              </Button>
            </div>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
