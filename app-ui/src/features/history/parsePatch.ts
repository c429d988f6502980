/** One line of a hunk, with its numbers on each side (absent on the side it does not exist). */
export type DiffLine = { kind: "context" | "added" | "removed"; text: string; oldNumber: number | null; newNumber: number | null };
export type Hunk = { header: string; lines: DiffLine[] };

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/**
 * Splits git's unified patch text into hunks of numbered lines, so the view can show line numbers
 * and colour without interpreting text itself. File headers (`diff --git`, `---`, `+++`) and
 * "\ No newline" notes are dropped.
 */
export function parsePatch(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  for (const raw of patch.split("\n")) {
    const header = HUNK.exec(raw);
    if (header) {
      current = { header: raw, lines: [] };
      hunks.push(current);
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      continue;
    }
    if (current === null || raw.startsWith("\\")) continue;
    const marker = raw[0];
    const text = raw.slice(1);
    if (marker === "+") current.lines.push({ kind: "added", text, oldNumber: null, newNumber: newLine++ });
    else if (marker === "-") current.lines.push({ kind: "removed", text, oldNumber: oldLine++, newNumber: null });
    else if (marker === " ") current.lines.push({ kind: "context", text, oldNumber: oldLine++, newNumber: newLine++ });
  }
  return hunks;
}
