// Mock agent building blocks: the gate rules, the brief reader, fixtures.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBrief, parseTurn } from '../../src/mock/brief.js';
import { renderFixture } from '../../src/mock/fixtures.js';
import { classifyAnswer, collectAnswers } from '../../src/mock/gate.js';
import { planTurn } from '../../src/mock/scenarios.js';

test('deterministic gate rules reach every verdict', () => {
  assert.equal(classifyAnswer(''), 'not_answered');
  assert.equal(classifyAnswer('   '), 'not_answered');
  assert.equal(classifyAnswer('42'), 'needs_refinement');
  assert.equal(classifyAnswer('15%'), 'needs_refinement');
  assert.equal(classifyAnswer('HubSpot'), 'needs_refinement');
  assert.equal(classifyAnswer('yes please'), 'vague');
  assert.equal(classifyAnswer('We use the standard definition for all of it'), 'vague');
  assert.equal(classifyAnswer('TBD'), 'vague');
  assert.equal(classifyAnswer('Count a deal once it stays in the next stage for seven days'), 'clear');
});

test('answers are collected per gate', () => {
  const doc = {
    sections: [{ questions: [{ id: 'Q1', answer: { text: 'a' }, refinements: [{ id: 'R1.1', answer: { text: 'b' } }] }] }],
  };
  assert.deepEqual(collectAnswers(doc, 'clarifications'), [{ id: 'Q1', text: 'a' }]);
  assert.deepEqual(collectAnswers(doc, 'refinements'), [{ id: 'R1.1', text: 'b' }]);
});

test('brief and turn tags are read as data', () => {
  const brief = parseBrief('<skill-builder-run version="1">\nskill_name: x\ndomain: a &lt;b&gt;\n</skill-builder-run>');
  assert.deepEqual(brief, { skill_name: 'x', domain: 'a <b>' });
  assert.deepEqual(parseTurn('<skill-builder-turn command="rewrite" targets="SKILL.md, references/a.md">go</skill-builder-turn>'), {
    command: 'rewrite',
    targets: ['SKILL.md', 'references/a.md'],
    text: 'go',
    tagged: true,
  });
  assert.equal(parseTurn('plain words').tagged, false);
});

test('fixtures template safely: quotes cannot break JSON or YAML', () => {
  const vars = { skill_name: 'demo', domain: 'He said "hi": ok', skill_type: 'domain', description: '', today: '2026-11-25' };
  const clar = JSON.parse(renderFixture('clarifications.json', vars)) as { skill: string; sections: unknown[] };
  assert.equal(clar.skill, 'demo');
  const skill = renderFixture('SKILL.md', vars);
  const description = /^description: (.*)$/m.exec(skill)?.[1] ?? '';
  assert.ok((JSON.parse(description) as string).includes('He said "hi": ok'));
  const evals = JSON.parse(renderFixture('evals.json', vars)) as { evals: unknown[] };
  assert.ok(evals.evals.length >= 3);
});

test('the mock grader varies by trial and passes the first assertion in both arms', () => {
  const vars = { skill_name: 'demo', domain: 'd', skill_type: 'domain', description: '', today: '2026-11-25' };
  const paths = { skillDir: '/s', contextDir: '/s/context', workspaceDir: '/w' };
  const grade = (trial: number) => {
    const message = `<eval-case>${JSON.stringify({ case: '1', trial, assertions: ['first', 'second'] })}</eval-case>`;
    const plan = planTurn({ scenario: 'test.eval', vars, paths, turn: 1, message, brief: {}, invalidOutput: false });
    return JSON.parse(plan.summary(new Map())) as { a: { passed: boolean }[]; b: { passed: boolean }[] };
  };
  const rates = [1, 2, 3].map((t) => grade(t)).map((g) => [g.a.map((x) => x.passed), g.b.map((x) => x.passed)]);
  assert.deepEqual(rates, [
    [[true, true], [true, false]],
    [[true, false], [true, true]],
    [[true, true], [true, false]],
  ]);
  const compare = planTurn({ scenario: 'test.eval', vars, paths, turn: 1, message: 'plans', brief: {}, invalidOutput: false });
  assert.equal((JSON.parse(compare.summary(new Map())) as { schema: string }).schema, 'skill-builder/test-evaluation');
});
