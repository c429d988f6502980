import type { SkillSummary } from "../../bindings";
import { Button } from "../../components/Button";
import { LockBadge } from "./LockBadge";
import { SourceBadge } from "./SourceBadge";
import { WorkflowProgress } from "./WorkflowProgress";

type SkillCardProps = { skill: SkillSummary; onDelete: (name: string) => void };

export function SkillCard({ skill, onDelete }: SkillCardProps) {
  const lockedElsewhere = skill.lock.state === "other";
  return (
    <article className="flex h-full flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <header className="flex flex-wrap items-center gap-2">
        <h3 className="mr-auto truncate font-semibold text-slate-900">{skill.name}</h3>
        <LockBadge lock={skill.lock} />
        <SourceBadge source={skill.source} />
      </header>
      {skill.domain && <p className="text-sm text-slate-600">{skill.domain}</p>}
      {skill.description && <p className="line-clamp-2 text-sm text-slate-500">{skill.description}</p>}
      {skill.tags.length > 0 && (
        <ul aria-label="Tags" className="flex flex-wrap gap-1.5">
          {skill.tags.map((tag) => (
            <li key={tag} className="rounded-md bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
              {tag}
            </li>
          ))}
        </ul>
      )}
      <footer className="mt-auto flex items-end gap-3 pt-1">
        <div className="flex-1">{skill.workflow && <WorkflowProgress workflow={skill.workflow} />}</div>
        <Button
          variant="ghost"
          data-testid={`delete-skill-${skill.name}`}
          aria-label={`Delete ${skill.name}`}
          title={lockedElsewhere ? "Open in another window" : undefined}
          disabled={lockedElsewhere}
          onClick={() => onDelete(skill.name)}
        >
          Delete
        </Button>
      </footer>
    </article>
  );
}
