import { LayoutGrid, List, Tags } from "lucide-react";
import type { SkillSort, SkillSource, WorkflowStatus } from "../../bindings";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { Input } from "../../components/ui/input";
import { Popover, PopoverContent, PopoverTrigger } from "../../components/ui/popover";
import { ANY, Select } from "../../components/ui/select";
import { useAllTags } from "../../lib/queries";
import type { LibraryView } from "../../stores/uiPrefs";
import { type LibraryFilters, SKILL_TYPES } from "./libraryFilters";
import { SOURCE_LABELS, STATUS_LABELS } from "./sources";

type LibraryToolbarProps = {
  filters: LibraryFilters;
  onChange: (filters: LibraryFilters) => void;
  view: LibraryView;
  onViewChange: (view: LibraryView) => void;
};

const SORTS: { value: SkillSort; label: string }[] = [
  { value: "recently_updated", label: "Recently updated" },
  { value: "recently_created", label: "Recently created" },
  { value: "name", label: "Name" },
];

function anyOf<T extends string>(labels: Record<T, string>, anyLabel: string) {
  return [{ value: ANY, label: anyLabel }, ...Object.entries<string>(labels).map(([value, label]) => ({ value, label }))];
}

const orNull = <T extends string>(value: string): T | null => (value === ANY ? null : (value as T));

function TagFilter({ selected, onChange }: { selected: string[]; onChange: (tags: string[]) => void }) {
  const tags = useAllTags();
  const toggle = (tag: string, on: boolean) => onChange(on ? [...selected, tag] : selected.filter((t) => t !== tag));
  return (
    <Popover>
      <PopoverTrigger asChild>
        <Button data-testid="library-tag-filter">
          <Tags aria-hidden="true" />
          {selected.length === 0 ? "Tags" : `Tags (${selected.length})`}
        </Button>
      </PopoverTrigger>
      <PopoverContent align="start" aria-label="Filter by tags" className="max-h-80 w-56 overflow-y-auto">
        {(tags.data ?? []).length === 0 ? (
          <p className="text-sm text-muted-foreground">No tags yet.</p>
        ) : (
          <ul className="space-y-1.5">
            {(tags.data ?? []).map((tag) => (
              <li key={tag} className="flex items-center gap-2 text-sm">
                <Checkbox
                  id={`tag-filter-${tag}`}
                  checked={selected.includes(tag)}
                  onCheckedChange={(checked) => toggle(tag, checked === true)}
                />
                <label htmlFor={`tag-filter-${tag}`}>{tag}</label>
              </li>
            ))}
          </ul>
        )}
      </PopoverContent>
    </Popover>
  );
}

/** Search; source, status, type and tag filters; sort; grid or list (§9.4). */
export function LibraryToolbar({ filters, onChange, view, onViewChange }: LibraryToolbarProps) {
  const set = (patch: Partial<LibraryFilters>) => onChange({ ...filters, ...patch });
  const typeLabels = Object.fromEntries(SKILL_TYPES.map((type) => [type, type])) as Record<string, string>;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Input
        type="search"
        value={filters.search}
        onChange={(event) => set({ search: event.target.value })}
        placeholder="Search name, domain or description"
        aria-label="Search skills"
        data-testid="library-search"
        className="w-auto min-w-64 flex-1"
      />
      <Select
        label="Source"
        testId="library-source-filter"
        value={filters.source ?? ANY}
        onValueChange={(value) => set({ source: orNull<SkillSource>(value) })}
        options={anyOf(SOURCE_LABELS, "All sources")}
      />
      <Select
        label="Status"
        testId="library-status-filter"
        value={filters.status ?? ANY}
        onValueChange={(value) => set({ status: orNull<WorkflowStatus>(value) })}
        options={anyOf(STATUS_LABELS, "Any status")}
      />
      <Select
        label="Type"
        testId="library-type-filter"
        value={filters.skillType ?? ANY}
        onValueChange={(value) => set({ skillType: orNull<string>(value) })}
        options={anyOf(typeLabels, "Any type")}
      />
      <TagFilter selected={filters.tags} onChange={(tags) => set({ tags })} />
      <Select
        label="Sort"
        testId="library-sort"
        value={filters.sort}
        onValueChange={(value) => set({ sort: value as SkillSort })}
        options={SORTS}
      />
      <div role="group" aria-label="Layout" className="flex rounded-lg border border-input">
        <Button variant="ghost" size="icon" aria-label="Grid" aria-pressed={view === "grid"} data-testid="library-view-grid" onClick={() => onViewChange("grid")}>
          <LayoutGrid aria-hidden="true" />
        </Button>
        <Button variant="ghost" size="icon" aria-label="List" aria-pressed={view === "list"} data-testid="library-view-list" onClick={() => onViewChange("list")}>
          <List aria-hidden="true" />
        </Button>
      </div>
    </div>
  );
}
