import type { SkillSource } from "../../bindings";
import { SOURCE_LABELS } from "./sources";

const SOURCE_CLASSES: Record<SkillSource, string> = {
  "skill-builder": "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
  marketplace: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  imported: "bg-amber-50 text-amber-800 ring-amber-600/20",
};

export function SourceBadge({ source }: { source: SkillSource }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${SOURCE_CLASSES[source]}`}>
      {SOURCE_LABELS[source]}
    </span>
  );
}
