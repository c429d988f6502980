import { useState } from "react";
import type { SkillFilter, SkillSource } from "../../bindings";
import { Button } from "../../components/Button";
import { useDebouncedValue } from "../../lib/useDebouncedValue";
import { CreateSkillDialog } from "./CreateSkillDialog";
import { DeleteSkillDialog } from "./DeleteSkillDialog";
import { LibraryResults } from "./LibraryResults";
import { LibraryToolbar } from "./LibraryToolbar";
import { useSkills } from "./skillQueries";

/** Typing pauses this long before the backend is asked again. */
const SEARCH_DEBOUNCE_MS = 250;

export function LibraryPage() {
  const [search, setSearch] = useState("");
  const [source, setSource] = useState<SkillSource | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);

  const searchTerm = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const filter: SkillFilter = { source, tag: null, search: searchTerm === "" ? null : searchTerm, status: null };
  const skills = useSkills(filter);

  function clearFilters() {
    setSearch("");
    setSource(null);
  }

  return (
    <section className="space-y-6">
      <header className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Skills</h1>
        <Button variant="primary" data-testid="create-skill-open" onClick={() => setCreating(true)}>
          New skill
        </Button>
      </header>
      <LibraryToolbar search={search} onSearchChange={setSearch} source={source} onSourceChange={setSource} />
      <LibraryResults
        skills={skills}
        filtered={filter.search !== null || filter.source !== null}
        onCreate={() => setCreating(true)}
        onClearFilters={clearFilters}
        onDelete={setDeleting}
      />
      {creating && <CreateSkillDialog onClose={() => setCreating(false)} />}
      {deleting !== null && <DeleteSkillDialog name={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}
