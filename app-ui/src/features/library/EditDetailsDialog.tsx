import { type FormEvent, useState } from "react";
import type { SkillSummary } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../../components/ui/dialog";
import { Input, Label, Textarea } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { toCommandError } from "../../lib/commandError";
import { buildDone, SKILL_TYPES } from "./libraryFilters";
import { type MetadataPatch, useEditDetails } from "./skillQueries";

const orNull = (value: string) => (value.trim() === "" ? null : value.trim());

/**
 * Edit details (§9.4): rename, type, domain, description and tags. Name, type and domain are fixed
 * once the build is done, since the skill's files were written for them.
 */
export function EditDetailsDialog({ skill, onClose }: { skill: SkillSummary; onClose: () => void }) {
  const [name, setName] = useState(skill.name);
  const [skillType, setSkillType] = useState(skill.skillType);
  const [domain, setDomain] = useState(skill.domain ?? "");
  const [description, setDescription] = useState(skill.description ?? "");
  const [tags, setTags] = useState(skill.tags.join(", "));
  const edit = useEditDetails();
  const fixed = Boolean(skill.workflow) && buildDone(skill);
  const types = [...new Set([...SKILL_TYPES, skill.skillType])].map((value) => ({ value, label: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const patch: MetadataPatch = {};
    if (skillType !== skill.skillType) patch.skillType = skillType;
    if (orNull(domain) !== skill.domain) patch.domain = orNull(domain);
    if (orNull(description) !== skill.description) patch.description = orNull(description);
    const nextTags = tags
      .split(",")
      .map((tag) => tag.trim().toLowerCase())
      .filter((tag) => tag !== "");
    edit.mutate(
      {
        name: skill.name,
        newName: name.trim() === skill.name ? null : name.trim(),
        tags: nextTags.join(",") === skill.tags.join(",") ? null : nextTags,
        patch: Object.keys(patch).length > 0 ? patch : null,
      },
      { onSuccess: onClose },
    );
  }

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={`Edit ${skill.name}`} data-testid="edit-skill-dialog">
        <form onSubmit={submit} className="space-y-4">
          <div>
            <Label htmlFor="edit-name">Name</Label>
            <Input id="edit-name" className="mt-1 font-mono" value={name} disabled={fixed} onChange={(event) => setName(event.target.value)} data-testid="edit-skill-name" />
          </div>
          <div>
            <span className="block text-sm font-medium">Type</span>
            {fixed ? (
              <p className="mt-1 text-sm">{skillType}</p>
            ) : (
              <Select label="Type" value={skillType} onValueChange={setSkillType} options={types} className="mt-1" />
            )}
          </div>
          <div>
            <Label htmlFor="edit-domain">Domain</Label>
            <Input id="edit-domain" className="mt-1" value={domain} disabled={fixed} onChange={(event) => setDomain(event.target.value)} />
          </div>
          <div>
            <Label htmlFor="edit-description">Description</Label>
            <Textarea id="edit-description" className="mt-1" rows={3} value={description} onChange={(event) => setDescription(event.target.value)} />
          </div>
          <div>
            <Label htmlFor="edit-tags">Tags</Label>
            <Input id="edit-tags" className="mt-1" value={tags} onChange={(event) => setTags(event.target.value)} data-testid="edit-skill-tags" />
          </div>
          {fixed && <p className="text-xs text-muted-foreground">Name, type and domain are fixed once the skill is built.</p>}
          {edit.isError && <CommandErrorMessage error={toCommandError(edit.error)} testId="edit-skill-error" />}
          <DialogFooter>
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={edit.isPending} data-testid="edit-skill-save">
              {edit.isPending ? "Saving…" : "Save"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
