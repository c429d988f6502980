import type { UseQueryResult } from "@tanstack/react-query";
import type { SkillSummary } from "../../bindings";
import { Button } from "../../components/Button";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { toCommandError } from "../../lib/commandError";
import { LibraryEmpty, NoMatchingSkills } from "./EmptyStates";
import { SkillCard } from "./SkillCard";

type LibraryResultsProps = {
  skills: UseQueryResult<SkillSummary[]>;
  filtered: boolean;
  onCreate: () => void;
  onClearFilters: () => void;
  onDelete: (name: string) => void;
};

/** The part of the library below the toolbar: loading, error, empty or the cards. */
export function LibraryResults({ skills, filtered, onCreate, onClearFilters, onDelete }: LibraryResultsProps) {
  if (skills.isPending) {
    return (
      <p role="status" data-testid="library-loading" className="py-16 text-center text-sm text-slate-500">
        Loading skills…
      </p>
    );
  }
  if (skills.isError) {
    return (
      <div className="space-y-3">
        <CommandErrorMessage error={toCommandError(skills.error)} testId="library-error" />
        <Button onClick={() => void skills.refetch()}>Retry</Button>
      </div>
    );
  }
  if (skills.data.length === 0) {
    return filtered ? <NoMatchingSkills onClearFilters={onClearFilters} /> : <LibraryEmpty onCreate={onCreate} />;
  }
  return (
    <ul data-testid="skill-list" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {skills.data.map((skill) => (
        <li key={skill.name} data-testid={`skill-card-${skill.name}`}>
          <SkillCard skill={skill} onDelete={onDelete} />
        </li>
      ))}
    </ul>
  );
}
