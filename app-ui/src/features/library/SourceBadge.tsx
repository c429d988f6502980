import type { SkillSource } from "../../bindings";
import { Badge } from "../../components/ui/badge";
import { SOURCE_LABELS } from "./sources";

const SOURCE_CLASSES: Record<SkillSource, string> = {
  "skill-builder": "bg-indigo-50 text-indigo-800 border-indigo-600/20 dark:bg-indigo-950 dark:text-indigo-200",
  marketplace: "bg-emerald-50 text-emerald-800 border-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-200",
  imported: "bg-amber-50 text-amber-900 border-amber-600/20 dark:bg-amber-950 dark:text-amber-200",
};

export function SourceBadge({ source }: { source: SkillSource }) {
  return <Badge className={SOURCE_CLASSES[source]}>{SOURCE_LABELS[source]}</Badge>;
}
