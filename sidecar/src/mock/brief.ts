// Reads the run brief (§6.2) and refine turn tags as data, the way the real
// agents do: `key: value` lines inside <skill-builder-run>, and
// <skill-builder-turn command=… targets=…>…</skill-builder-turn>.

export type Brief = Record<string, string>;

export function parseBrief(prompt: string): Brief {
  const match = /<skill-builder-run[^>]*>([\s\S]*?)<\/skill-builder-run>/.exec(prompt);
  const brief: Brief = {};
  if (!match?.[1]) return brief;
  for (const line of match[1].split('\n')) {
    const m = /^\s*([a-z_][a-z0-9_]*)\s*:\s*(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined) brief[m[1]] = unescape(m[2]);
  }
  return brief;
}

export type TurnCommand = 'refine' | 'rewrite' | 'validate';

export interface Turn {
  command: TurnCommand;
  targets: string[];
  text: string;
  /** False when the message had no turn tag (plain text). */
  tagged: boolean;
}

export function parseTurn(message: string): Turn {
  const m = /<skill-builder-turn([^>]*)>([\s\S]*?)<\/skill-builder-turn>/.exec(message);
  if (!m) return { command: 'refine', targets: [], text: message.trim(), tagged: false };
  const attrs = m[1] ?? '';
  const command = /command="([^"]*)"/.exec(attrs)?.[1];
  const targets = /targets="([^"]*)"/.exec(attrs)?.[1];
  return {
    command: command === 'rewrite' || command === 'validate' ? command : 'refine',
    targets: targets ? targets.split(',').map((t) => t.trim()).filter((t) => t !== '') : [],
    text: unescape((m[2] ?? '').trim()),
    tagged: true,
  };
}

/** Values in the brief are single lines with `<`, `>` and newlines escaped. */
function unescape(v: string): string {
  return v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\\n/g, '\n').replace(/&amp;/g, '&');
}
