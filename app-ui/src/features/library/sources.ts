import type { SkillSource } from "../../bindings";

export const SOURCE_LABELS: Record<SkillSource, string> = {
  "skill-builder": "Skill Builder",
  marketplace: "Marketplace",
  imported: "Imported",
};
