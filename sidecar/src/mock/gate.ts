// The mock answer evaluator: fixed rules, so tests can reach every verdict (§8.1).

export type Verdict = 'clear' | 'needs_refinement' | 'vague' | 'not_answered';

const HEDGES = [
  'standard',
  'tbd',
  'not sure',
  'unsure',
  'maybe',
  'probably',
  'depends',
  'usual',
  'normal',
  'typical',
  'whatever',
  'n/a',
  "don't know",
  'dont know',
  'unknown',
  'later',
];

/**
 * Order matters: a bare number or a bare name would also be "short", so the
 * `needs_refinement` checks come before the word-count rule.
 */
export function classifyAnswer(answer: string): Verdict {
  const text = answer.trim();
  if (text === '') return 'not_answered';
  const lower = text.toLowerCase();
  if (/^[\d\s.,%$€£+-]+$/.test(text)) return 'needs_refinement';
  // A name without context: one to three capitalised words and nothing else.
  if (/^[A-Z][\w&.-]*(\s+[A-Z][\w&.-]*){0,2}$/.test(text) && !HEDGES.some((h) => lower === h)) {
    return 'needs_refinement';
  }
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length < 5 || HEDGES.some((h) => new RegExp(`\\b${escapeRe(h)}\\b`).test(lower))) return 'vague';
  return 'clear';
}

const NOTES: Record<Verdict, string> = {
  clear: 'Specific enough to act on.',
  needs_refinement: 'Names a value without saying how it applies.',
  vague: 'Too short or hedged to act on.',
  not_answered: 'No answer given.',
};

export interface Answered {
  id: string;
  text: string;
}

export function evaluateAnswers(gate: 'clarifications' | 'refinements', answers: Answered[]): unknown {
  // The agent classifies non-empty answers only; Rust pre-classifies the empty ones.
  const perQuestion = answers
    .filter((a) => a.text.trim() !== '')
    .map((a) => {
      const verdict = classifyAnswer(a.text);
      return { id: a.id, verdict, note: NOTES[verdict] };
    });
  const weak = perQuestion.filter((p) => p.verdict === 'vague').length;
  return {
    schema: 'skill-builder/answer-evaluation',
    version: 1,
    gate,
    per_question: perQuestion,
    agent_verdict: weak === 0 ? 'sufficient' : 'mixed',
    reasoning: `${perQuestion.length - weak} of ${perQuestion.length} non-empty answers are usable.`,
  };
}

/** Collects answers from a clarifications document: Q answers or R answers. */
export function collectAnswers(doc: unknown, gate: 'clarifications' | 'refinements'): Answered[] {
  const out: Answered[] = [];
  const sections = isObj(doc) && Array.isArray(doc.sections) ? doc.sections : [];
  const visit = (node: unknown, depth: number): void => {
    if (!isObj(node)) return;
    const isR = depth > 0;
    if ((gate === 'clarifications') === !isR && typeof node.id === 'string') {
      const answer = isObj(node.answer) && typeof node.answer.text === 'string' ? node.answer.text : '';
      out.push({ id: node.id, text: answer });
    }
    if (Array.isArray(node.refinements)) for (const r of node.refinements) visit(r, depth + 1);
  };
  for (const s of sections) {
    if (isObj(s) && Array.isArray(s.questions)) for (const q of s.questions) visit(q, 0);
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
