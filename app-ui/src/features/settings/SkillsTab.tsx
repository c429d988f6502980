import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { commands, type WorkspaceSkill } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { toCommandError, unwrap } from "../../lib/commandError";

const LIST = ["list_workspace_skills"];

function useWorkspaceMutation<A>(mutationFn: (args: A) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => void queryClient.invalidateQueries({ queryKey: LIST }) });
}

function DeleteDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const remove = useWorkspaceMutation((skill: string) => unwrap(commands.deleteWorkspaceSkill(skill)));
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={`Delete ${name}?`} description="The workspace skill and its files are removed." data-testid="workspace-delete-dialog">
        {remove.isError && <CommandErrorMessage error={toCommandError(remove.error)} testId="workspace-delete-error" />}
        <DialogFooter>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(name, { onSuccess: onClose })} data-testid="workspace-delete-confirm">
            Delete
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function Row({ skill, onDelete }: { skill: WorkspaceSkill; onDelete: () => void }) {
  const toggle = useWorkspaceMutation((active: boolean) => unwrap(commands.toggleSkillActive({ registry: "workspace", name: skill.name }, active)));
  const id = `workspace-active-${skill.name}`;
  return (
    <li className="flex items-center gap-3 py-2" data-testid={`workspace-skill-${skill.name}`}>
      <Checkbox id={id} checked={skill.isActive} disabled={toggle.isPending} onCheckedChange={(checked) => toggle.mutate(checked === true)} data-testid={id} />
      <label htmlFor={id} className="min-w-0 flex-1">
        <span className="font-mono text-sm">{skill.name}</span>
        <span className="ml-2 text-xs text-muted-foreground">
          {skill.origin}
          {skill.sourceRepo ? ` · ${skill.sourceRepo}` : ""}
        </span>
        {skill.description && <span className="block truncate text-xs text-muted-foreground">{skill.description}</span>}
      </label>
      {toggle.isError && <CommandErrorMessage error={toCommandError(toggle.error)} testId={`workspace-toggle-error-${skill.name}`} />}
      <Button size="sm" variant="ghost" onClick={onDelete} aria-label={`Delete ${skill.name}`} data-testid={`workspace-delete-${skill.name}`}>
        Delete
      </Button>
    </li>
  );
}

/** Workspace skills (`list_workspace_skills`): active toggle and delete. */
export function SkillsTab() {
  const skills = useQuery({ queryKey: LIST, queryFn: () => unwrap(commands.listWorkspaceSkills()) });
  const [deleting, setDeleting] = useState<string | null>(null);
  return (
    <section aria-label="Workspace skills" className="space-y-2" data-testid="settings-workspace-skills">
      <h2 className="text-lg font-semibold">Workspace skills</h2>
      {skills.isError && <CommandErrorMessage error={toCommandError(skills.error)} testId="workspace-skills-error" />}
      {skills.data?.length === 0 && <p className="text-sm text-muted-foreground">No workspace skills yet.</p>}
      <ul className="divide-y divide-border">
        {skills.data?.map((skill) => (
          <Row key={skill.name} skill={skill} onDelete={() => setDeleting(skill.name)} />
        ))}
      </ul>
      {deleting && <DeleteDialog name={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}
