import type { NewSkill, SuggestRequest } from "../skillQueries";

/** Everything the four steps collect; strings stay as typed until Create. */
export type Draft = {
  name: string;
  skillType: string;
  description: string;
  tags: string;
  domain: string;
  scope: string;
  audience: string;
  challenges: string;
  uniqueSetup: string;
  claudeMistakes: string;
  version: string;
  model: string;
  argumentHint: string;
  userInvocable: boolean;
  disableModelInvocation: boolean;
};

export const EMPTY_DRAFT: Draft = {
  name: "",
  skillType: "domain",
  description: "",
  tags: "",
  domain: "",
  scope: "",
  audience: "",
  challenges: "",
  uniqueSetup: "",
  claudeMistakes: "",
  version: "",
  model: "",
  argumentHint: "",
  userInvocable: true,
  disableModelInvocation: false,
};

/** Draft fields that `suggest_skill_fields` can fill, by its field names (agents-and-workflow.md §7.3). */
export const SUGGESTABLE: Record<string, keyof Draft> = {
  description: "description",
  domain: "domain",
  scope: "scope",
  audience: "audience",
  challenges: "challenges",
  unique_setup: "uniqueSetup",
  claude_mistakes: "claudeMistakes",
};

/** The suggestable fields of each step (0-based). */
export const STEP_FIELDS: string[][] = [["description"], ["domain", "scope", "audience", "challenges"], ["unique_setup", "claude_mistakes"], []];

const text = (value: string): string | null => (value.trim() === "" ? null : value.trim());

/**
 * The suggestions request for a step: its empty fields, with what is known so far as context.
 * `null` when there is nothing to ask for or nothing to go on yet.
 */
export function suggestRequest(draft: Draft, step: number): SuggestRequest | null {
  const fields = (STEP_FIELDS[step] ?? []).filter((field) => draft[SUGGESTABLE[field]] === "");
  if (fields.length === 0 || (text(draft.name) === null && text(draft.description) === null)) return null;
  return {
    fields,
    skillName: text(draft.name),
    skillType: draft.skillType,
    description: text(draft.description),
    domain: text(draft.domain),
    scope: text(draft.scope),
    audience: text(draft.audience),
    challenges: text(draft.challenges),
  };
}

/** The `create_skill` request: empty fields are left out, intake answers under their keys. */
export function createRequest(draft: Draft): NewSkill {
  const intake: Record<string, string> = {};
  const answers: [string, string][] = [
    ["scope", draft.scope],
    ["audience", draft.audience],
    ["challenges", draft.challenges],
    ["unique_setup", draft.uniqueSetup],
    ["claude_mistakes", draft.claudeMistakes],
  ];
  for (const [key, value] of answers) if (text(value) !== null) intake[key] = value.trim();
  const tags = draft.tags
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  const request: NewSkill = { name: draft.name, skillType: draft.skillType };
  if (text(draft.description)) request.description = text(draft.description);
  if (tags.length > 0) request.tags = tags;
  if (text(draft.domain)) request.domain = text(draft.domain);
  if (Object.keys(intake).length > 0) request.intake = intake;
  if (text(draft.version)) request.version = text(draft.version);
  if (text(draft.model)) request.model = text(draft.model);
  if (text(draft.argumentHint)) request.argumentHint = text(draft.argumentHint);
  if (!draft.userInvocable) request.userInvocable = false;
  if (draft.disableModelInvocation) request.disableModelInvocation = true;
  return request;
}
