import type { SkillSource } from "../../bindings";
import { SOURCE_LABELS } from "./sources";

type LibraryToolbarProps = {
  search: string;
  onSearchChange: (search: string) => void;
  source: SkillSource | null;
  onSourceChange: (source: SkillSource | null) => void;
};

const ALL_SOURCES = "";
const SOURCES = Object.keys(SOURCE_LABELS) as SkillSource[];
const FIELD_CLASSES =
  "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20";

export function LibraryToolbar({ search, onSearchChange, source, onSourceChange }: LibraryToolbarProps) {
  return (
    <div className="flex flex-wrap gap-3">
      <input
        type="search"
        value={search}
        onChange={(event) => onSearchChange(event.target.value)}
        placeholder="Search name, domain or description"
        aria-label="Search skills"
        data-testid="library-search"
        className={`min-w-64 flex-1 ${FIELD_CLASSES}`}
      />
      <select
        value={source ?? ALL_SOURCES}
        onChange={(event) => onSourceChange(event.target.value === ALL_SOURCES ? null : (event.target.value as SkillSource))}
        aria-label="Source"
        data-testid="library-source-filter"
        className={FIELD_CLASSES}
      >
        <option value={ALL_SOURCES}>All sources</option>
        {SOURCES.map((value) => (
          <option key={value} value={value}>
            {SOURCE_LABELS[value]}
          </option>
        ))}
      </select>
    </div>
  );
}
