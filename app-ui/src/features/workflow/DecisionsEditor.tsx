import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { commands, type Decision, type DecisionStatus } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Badge } from "../../components/ui/badge";
import { Select } from "../../components/ui/select";
import { toCommandError, unwrap } from "../../lib/commandError";
import { useSkillFile } from "./workflowQueries";

const STATUSES: DecisionStatus[] = ["resolved", "conflict_resolved", "needs_review"];

/** One decision; the text saves on blur and the status on change, through `update_decision`. */
function DecisionRow({ name, decision, editable }: { name: string; decision: Decision; editable: boolean }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(decision.decision);
  const update = useMutation({
    mutationFn: (patch: { decision?: string; status?: DecisionStatus }) => unwrap(commands.updateDecision(name, decision.id, patch)),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["read_file"] }),
  });
  const id = `decision-${decision.id}`;
  return (
    <article className="space-y-2 py-3" data-testid={id}>
      <h3 className="flex items-center gap-2 text-sm font-semibold">
        {decision.id}: {decision.title}
        {decision.edited_by_user && <Badge>edited</Badge>}
      </h3>
      <p className="text-sm text-muted-foreground">{decision.question}</p>
      <label htmlFor={`${id}-text`} className="sr-only">
        Decision {decision.id}
      </label>
      <textarea
        id={`${id}-text`}
        data-testid={`${id}-text`}
        readOnly={!editable}
        value={text}
        rows={2}
        onChange={(event) => setText(event.target.value)}
        onBlur={() => text !== decision.decision && update.mutate({ decision: text })}
        className="w-full rounded-lg border border-input bg-card px-3 py-2 text-sm"
      />
      <p className="text-sm">
        <span className="font-semibold">Implication:</span> {decision.implication}
      </p>
      {editable ? (
        <Select
          value={decision.status}
          onValueChange={(status) => update.mutate({ status: status as DecisionStatus })}
          options={STATUSES.map((status) => ({ value: status, label: status.replace("_", " ") }))}
          label={`Status of ${decision.id}`}
          testId={`${id}-status`}
          className="w-48"
        />
      ) : (
        <Badge>{decision.status.replace("_", " ")}</Badge>
      )}
      {update.isError && <CommandErrorMessage error={toCommandError(update.error)} testId={`${id}-error`} />}
    </article>
  );
}

/** Step 4's decisions, editable until Generate Skill has completed (§5.5). */
export function DecisionsEditor({ name, editable }: { name: string; editable: boolean }) {
  const file = useSkillFile(name, "context/decisions.json");
  if (!file.data) return null;
  const doc = JSON.parse(file.data.content.replace(/^\uFEFF/, "")) as { decisions: Decision[] };
  return (
    <section aria-label="Decisions" className="divide-y divide-border" data-testid="decisions-editor">
      {doc.decisions.map((decision) => (
        <DecisionRow key={`${decision.id}:${decision.decision}`} name={name} decision={decision} editable={editable} />
      ))}
    </section>
  );
}
