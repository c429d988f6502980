import type { SkillSummary } from "../../bindings";
import { fieldClasses, Label } from "../../components/ui/input";

/** Every skill, for the pickers of the refine and test pages. */
export const ALL = { source: null, status: null, tag: null, search: null, sort: null };

/** Skills another window or process holds are listed but disabled (agents-and-workflow.md §9.4). */
export function SkillPicker({ skills, value, onChange, id = "refine-skill", testId = "refine-skill-picker" }: { skills: SkillSummary[]; value: string; onChange: (name: string) => void; id?: string; testId?: string }) {
  return (
    <div className="flex items-center gap-2">
      <Label htmlFor={id}>Skill</Label>
      <select id={id} className={fieldClasses} value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
        <option value="">Choose a skill…</option>
        {skills.map((skill) => {
          const locked = skill.lock.state === "other";
          return (
            <option key={skill.name} value={skill.name} disabled={locked}>
              {skill.name}
              {locked ? " (in use elsewhere)" : ""}
            </option>
          );
        })}
      </select>
    </div>
  );
}
