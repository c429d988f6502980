import { Link, useNavigate } from "@tanstack/react-router";
import { MoreHorizontal } from "lucide-react";
import type { SkillSummary } from "../../bindings";
import { Button } from "../../components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "../../components/ui/dropdown-menu";
import { buildDone } from "./libraryFilters";

export type SkillActionHandlers = { onEdit: (skill: SkillSummary) => void; onDelete: (name: string) => void };

/**
 * Continue, then Refine, Test (once the build is done, §9.4), History, Edit details and Delete.
 * A skill another window holds can be opened but not changed.
 */
export function SkillActions({ skill, onEdit, onDelete }: { skill: SkillSummary } & SkillActionHandlers) {
  const navigate = useNavigate();
  const locked = skill.lock.state === "other";
  const done = buildDone(skill);
  return (
    <div className="flex items-center gap-1">
      {skill.workflow && (
        <Button size="sm" asChild>
          <Link to="/skill/$name" params={{ name: skill.name }} data-testid={`continue-skill-${skill.name}`}>
            {done ? "Review" : "Continue"}
          </Link>
        </Button>
      )}
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`More actions for ${skill.name}`} data-testid={`skill-actions-${skill.name}`}>
            <MoreHorizontal aria-hidden="true" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem disabled={!done || locked} onSelect={() => void navigate({ to: "/refine", search: { skill: skill.name } })}>
            Refine
          </DropdownMenuItem>
          <DropdownMenuItem disabled={!done} onSelect={() => void navigate({ to: "/test", search: { skill: skill.name } })}>
            Test
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => void navigate({ to: "/skill/$name/history", params: { name: skill.name } })}>
            History
          </DropdownMenuItem>
          <DropdownMenuItem disabled={locked} onSelect={() => onEdit(skill)} data-testid={`edit-skill-${skill.name}`}>
            Edit details
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem
            disabled={locked}
            onSelect={() => onDelete(skill.name)}
            data-testid={`delete-skill-${skill.name}`}
            className="text-rose-700 dark:text-rose-300"
          >
            Delete
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
    </div>
  );
}
