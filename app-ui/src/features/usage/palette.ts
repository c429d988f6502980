/** Series colours that read on both themes; models keep theirs across charts by sorted position. */
const COLORS = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#a855f7", "#14b8a6", "#64748b"];

export function seriesColor(index: number): string {
  return COLORS[index % COLORS.length] as string;
}
