// Fixture templating. The fixtures are the same artifacts a real step writes
// (§5.9); Rust validates them against its schemas, so they double as our
// format canary. JSON fixtures are templated value by value after parsing, so
// a domain containing quotes can never break the JSON.

import clarifications from './fixtures/clarifications.json' with { type: 'json' };
import decisions from './fixtures/decisions.json' with { type: 'json' };
import evals from './fixtures/evals.json' with { type: 'json' };
import refinements from './fixtures/refinements.json' with { type: 'json' };
import validation from './fixtures/validation.json' with { type: 'json' };
import researchPlan from './fixtures/research-plan.md';
import dataModelMd from './fixtures/references/data-model.md';
import edgeCasesMd from './fixtures/references/edge-cases.md';
import metricsMd from './fixtures/references/metrics.md';
import rewriteBody from './fixtures/rewrite-body.md';
import skillMd from './fixtures/SKILL.md';

export interface FixtureVars {
  skill_name: string;
  domain: string;
  skill_type: string;
  description: string;
  today: string;
}

export type FixtureName =
  | 'clarifications.json'
  | 'refinements.json'
  | 'decisions.json'
  | 'validation.json'
  | 'evals.json'
  | 'research-plan.md'
  | 'SKILL.md'
  | 'references/metrics.md'
  | 'references/data-model.md'
  | 'references/edge-cases.md'
  | 'rewrite-body.md';

const JSON_FIXTURES: Partial<Record<FixtureName, unknown>> = {
  'clarifications.json': clarifications,
  'refinements.json': refinements,
  'decisions.json': decisions,
  'validation.json': validation,
  'evals.json': evals,
};

const TEXT_FIXTURES: Partial<Record<FixtureName, string>> = {
  'research-plan.md': researchPlan,
  'SKILL.md': skillMd,
  'references/metrics.md': metricsMd,
  'references/data-model.md': dataModelMd,
  'references/edge-cases.md': edgeCasesMd,
  'rewrite-body.md': rewriteBody,
};

/** Returns the fixture's file content with the variables filled in. */
export function renderFixture(name: FixtureName, vars: FixtureVars): string {
  const json = JSON_FIXTURES[name];
  if (json !== undefined) return JSON.stringify(templateValue(json, vars), null, 2) + '\n';
  const text = TEXT_FIXTURES[name];
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return templateText(text, vars);
}

/** Parsed JSON fixture, for scenarios that edit it before writing. */
export function fixtureJson(name: FixtureName, vars: FixtureVars): unknown {
  const json = JSON_FIXTURES[name];
  if (json === undefined) throw new Error(`no JSON fixture ${name}`);
  return templateValue(json, vars);
}

function templateText(text: string, vars: FixtureVars): string {
  const description = `Applies the ${vars.domain} rules of this organisation. Use when writing queries, reports or checks about ${vars.domain}.`;
  const values: Record<string, string> = {
    ...vars,
    // JSON strings are valid YAML double-quoted scalars: safe in front-matter.
    skill_description_yaml: JSON.stringify(description.replace(/[<>]/g, '')),
    domain_yaml: JSON.stringify(vars.domain),
    skill_type_yaml: JSON.stringify(vars.skill_type),
  };
  return text.replace(/\{\{([a-z_]+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

function templateValue(value: unknown, vars: FixtureVars): unknown {
  if (typeof value === 'string') return templateText(value, vars);
  if (Array.isArray(value)) return value.map((v) => templateValue(v, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, templateValue(v, vars)]));
  }
  return value;
}
