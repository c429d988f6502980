import { Plus } from "lucide-react";
import { useMemo, useState } from "react";
import type { SkillSummary } from "../../bindings";
import { Button } from "../../components/ui/button";
import { useActiveAgents } from "../../lib/queries";
import { useDebouncedValue } from "../../lib/useDebouncedValue";
import { useUiPrefs } from "../../stores/uiPrefs";
import { DeleteSkillDialog } from "./DeleteSkillDialog";
import { EditDetailsDialog } from "./EditDetailsDialog";
import { LibraryResults } from "./LibraryResults";
import { LibraryToolbar } from "./LibraryToolbar";
import { applyLocalFilters, backendFilter, isFiltered, type LibraryFilters, NO_FILTERS } from "./libraryFilters";
import { NewSkillDialog } from "./new-skill/NewSkillDialog";
import { useSkills } from "./skillQueries";

/** Typing pauses this long before the backend is asked again. */
const SEARCH_DEBOUNCE_MS = 250;
/** From this many skills the list is the default layout (§9.4). */
const LIST_FROM = 10;

/** The Skills Library (`/`, §9.4). */
export function LibraryPage() {
  const [filters, setFilters] = useState<LibraryFilters>(NO_FILTERS);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<SkillSummary | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const chosenView = useUiPrefs((state) => state.libraryView);
  const setView = useUiPrefs((state) => state.setLibraryView);

  const search = useDebouncedValue(filters.search.trim(), SEARCH_DEBOUNCE_MS);
  const query = useSkills(backendFilter(filters, search));
  const skills = useMemo(() => applyLocalFilters(query.data ?? [], filters), [query.data, filters]);
  const agents = useActiveAgents();
  const runningSkills = useMemo(
    () => new Set((agents.data ?? []).flatMap((agent) => (agent.skillName ? [agent.skillName] : []))),
    [agents.data],
  );
  const view = chosenView ?? ((query.data?.length ?? 0) >= LIST_FROM ? "list" : "grid");

  return (
    <section className="flex h-full flex-col gap-4" data-testid="library-page">
      <header className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">Skills</h1>
        <Button variant="primary" data-testid="create-skill-open" onClick={() => setCreating(true)}>
          <Plus aria-hidden="true" />
          New skill
        </Button>
      </header>
      <LibraryToolbar filters={filters} onChange={setFilters} view={view} onViewChange={setView} />
      <LibraryResults
        query={query}
        skills={skills}
        filtered={isFiltered(filters)}
        view={view}
        runningSkills={runningSkills}
        onCreate={() => setCreating(true)}
        onClearFilters={() => setFilters(NO_FILTERS)}
        onEdit={setEditing}
        onDelete={setDeleting}
      />
      {creating && <NewSkillDialog onClose={() => setCreating(false)} />}
      {editing !== null && <EditDetailsDialog skill={editing} onClose={() => setEditing(null)} />}
      {deleting !== null && <DeleteSkillDialog name={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}
