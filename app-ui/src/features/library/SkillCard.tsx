import { Link } from "@tanstack/react-router";
import { Loader2 } from "lucide-react";
import { memo } from "react";
import type { SkillSummary } from "../../bindings";
import { LockBadge } from "./LockBadge";
import { SkillActions, type SkillActionHandlers } from "./SkillActions";
import { SourceBadge } from "./SourceBadge";
import { WorkflowProgress } from "./WorkflowProgress";

type SkillItemProps = { skill: SkillSummary; running: boolean } & SkillActionHandlers;

function SkillName({ skill, running }: { skill: SkillSummary; running: boolean }) {
  return (
    <h3 className="flex min-w-0 items-center gap-1.5 font-semibold">
      <Link to="/skill/$name" params={{ name: skill.name }} className="truncate hover:underline focus-visible:outline-2 focus-visible:outline-ring">
        {skill.name}
      </Link>
      {running && <Loader2 className="size-3.5 shrink-0 animate-spin text-primary" aria-label="Agent running" data-testid="skill-running" />}
    </h3>
  );
}

function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul aria-label="Tags" className="flex max-h-6 flex-wrap gap-1.5 overflow-hidden">
      {tags.map((tag) => (
        <li key={tag} className="rounded-md bg-muted px-1.5 py-0.5 text-xs text-muted-foreground">
          {tag}
        </li>
      ))}
    </ul>
  );
}

/**
 * A skill in the grid: name, lock, source, type, domain, description, tags, progress, actions (§9.4).
 * Memoised, like `SkillRow`: scrolling re-renders the list on every frame, and rows already on
 * screen must not render again.
 */
export const SkillCard = memo(function SkillCard({ skill, running, ...actions }: SkillItemProps) {
  return (
    <article className="flex h-full flex-col gap-2.5 overflow-hidden rounded-xl border border-border bg-card p-4">
      <header className="flex flex-wrap items-center gap-2">
        <div className="mr-auto min-w-0">
          <SkillName skill={skill} running={running} />
        </div>
        <LockBadge lock={skill.lock} />
        <SourceBadge source={skill.source} />
      </header>
      <p className="text-xs text-muted-foreground">{skill.skillType}</p>
      {skill.domain && <p className="text-sm">{skill.domain}</p>}
      {skill.description && <p className="line-clamp-2 text-sm text-muted-foreground">{skill.description}</p>}
      <TagList tags={skill.tags} />
      <footer className="mt-auto flex items-end gap-3 pt-1">
        <div className="flex-1">{skill.workflow && <WorkflowProgress workflow={skill.workflow} />}</div>
        <SkillActions skill={skill} {...actions} />
      </footer>
    </article>
  );
});

/** A skill in the list: one dense line. */
export const SkillRow = memo(function SkillRow({ skill, running, ...actions }: SkillItemProps) {
  return (
    <article className="flex h-full items-center gap-3 border-b border-border px-3">
      <div className="w-56 min-w-0">
        <SkillName skill={skill} running={running} />
      </div>
      <div className="flex items-center gap-2">
        <LockBadge lock={skill.lock} />
        <SourceBadge source={skill.source} />
      </div>
      <p className="min-w-0 flex-1 truncate text-sm text-muted-foreground">{skill.domain ?? skill.description ?? ""}</p>
      <div className="w-40">{skill.workflow && <WorkflowProgress workflow={skill.workflow} />}</div>
      <div className="flex w-32 justify-end">
        <SkillActions skill={skill} {...actions} />
      </div>
    </article>
  );
});
