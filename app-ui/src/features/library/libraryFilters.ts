import type { SkillFilter, SkillSort, SkillSource, SkillSummary, WorkflowStatus } from "../../bindings";

/** What the toolbar chooses. Search, source, status and sort go to `list_skills`; tags and type are applied here. */
export type LibraryFilters = {
  search: string;
  source: SkillSource | null;
  status: WorkflowStatus | null;
  skillType: string | null;
  tags: string[];
  sort: SkillSort;
};

export const NO_FILTERS: LibraryFilters = { search: "", source: null, status: null, skillType: null, tags: [], sort: "recently_updated" };

export const SKILL_TYPES = ["domain", "platform", "source", "data-engineering"] as const;

export function backendFilter(filters: LibraryFilters, search: string): SkillFilter {
  return { source: filters.source, tag: null, search: search === "" ? null : search, status: filters.status, sort: filters.sort };
}

/** Every chosen tag must be on the skill (§9.4), and the type must match. */
export function applyLocalFilters(skills: SkillSummary[], filters: LibraryFilters): SkillSummary[] {
  if (filters.tags.length === 0 && filters.skillType === null) return skills;
  return skills.filter(
    (skill) =>
      (filters.skillType === null || skill.skillType === filters.skillType) &&
      filters.tags.every((tag) => skill.tags.includes(tag)),
  );
}

export function isFiltered(filters: LibraryFilters): boolean {
  return (
    filters.search.trim() !== "" ||
    filters.source !== null ||
    filters.status !== null ||
    filters.skillType !== null ||
    filters.tags.length > 0
  );
}

/** Steps 0–5 of the build workflow; Refine, Test and Export open once step 5 is done, or for skills not built here. */
export function buildDone(skill: SkillSummary): boolean {
  return !skill.workflow || skill.workflow.status === "completed" || skill.workflow.currentStep >= 6;
}
