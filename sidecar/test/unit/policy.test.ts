// Path policy (§2.10): outside the roots, `../`, symlink escapes, and a
// step-5 write into context/ are all denied.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PathPolicy } from '../../src/policy.js';

function fixture() {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-policy-')));
  const skill = path.join(root, 'sp', 'demo');
  fs.mkdirSync(path.join(skill, 'context'), { recursive: true });
  fs.mkdirSync(path.join(skill, 'references'), { recursive: true });
  fs.mkdirSync(path.join(root, 'ws'), { recursive: true });
  fs.mkdirSync(path.join(root, 'outside'), { recursive: true });
  fs.writeFileSync(path.join(root, 'outside', 'secret.txt'), 'x');
  // A symlink inside the skill that points outside it.
  fs.symlinkSync(path.join(root, 'outside'), path.join(skill, 'references', 'escape'));
  const policy = new PathPolicy({
    cwd: path.join(root, 'ws'),
    readableRoots: [skill + '/'],
    writablePaths: [path.join(skill, 'SKILL.md'), path.join(skill, 'references') + '/', path.join(skill, 'evals') + '/'],
    allowedTools: ['Skill', 'Agent', 'TodoWrite'],
  });
  return { root, skill, policy, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('writes are allowed only under writablePaths', () => {
  const { skill, root, policy, cleanup } = fixture();
  try {
    assert.deepEqual(policy.check('Write', { file_path: path.join(skill, 'SKILL.md') }), { allow: true });
    assert.deepEqual(policy.check('Write', { file_path: path.join(skill, 'references', 'new.md') }), { allow: true });
    assert.deepEqual(policy.check('Edit', { file_path: path.join(skill, 'evals', 'evals.json') }), { allow: true });
    const ctx = policy.check('Write', { file_path: path.join(skill, 'context', 'decisions.json') });
    assert.equal(ctx.allow, false, 'step 5 may not write into context/');
    if (!ctx.allow) assert.match(ctx.reason, /^Skill Builder allows writes only to: /);
    assert.equal(policy.check('Write', { file_path: path.join(root, 'outside', 'x.md') }).allow, false);
    // A file root is exact: a sibling with the same prefix is not covered.
    assert.equal(policy.check('Write', { file_path: path.join(skill, 'SKILL.md.bak') }).allow, false);
    assert.equal(policy.check('NotebookEdit', { notebook_path: path.join(root, 'outside', 'n.ipynb') }).allow, false);
  } finally {
    cleanup();
  }
});

test('../ and symlink escapes are resolved before checking', () => {
  const { skill, policy, cleanup } = fixture();
  try {
    const dotdot = policy.check('Write', { file_path: path.join(skill, 'references', '..', '..', '..', 'outside', 'x.md') });
    assert.equal(dotdot.allow, false);
    const viaLink = policy.check('Write', { file_path: path.join(skill, 'references', 'escape', 'new.md') });
    assert.equal(viaLink.allow, false);
    if (!viaLink.allow) assert.ok(viaLink.path?.includes(`${path.sep}outside${path.sep}`));
    assert.equal(policy.check('Read', { file_path: path.join(skill, 'references', 'escape', 'secret.txt') }).allow, false);
  } finally {
    cleanup();
  }
});

test('reads are allowed under readableRoots and writablePaths; Glob/Grep default to cwd', () => {
  const { skill, root, policy, cleanup } = fixture();
  try {
    assert.equal(policy.check('Read', { file_path: path.join(skill, 'context', 'clarifications.json') }).allow, true);
    assert.equal(policy.check('Read', { file_path: path.join(root, 'outside', 'secret.txt') }).allow, false);
    assert.equal(policy.check('Glob', { pattern: '**/*.md', path: skill }).allow, true);
    assert.equal(policy.check('Glob', { pattern: '../../outside/*', path: skill }).allow, false);
    assert.equal(policy.check('Glob', { pattern: '/etc/*', path: skill }).allow, false);
    // cwd (WS) is not a readable root here.
    assert.equal(policy.check('Grep', { pattern: 'x' }).allow, false);
    assert.equal(policy.check('Grep', { pattern: 'x', path: skill }).allow, true);
  } finally {
    cleanup();
  }
});

test('shell tools are always denied; path-less tools need allowedTools', () => {
  const { policy, cleanup } = fixture();
  try {
    assert.equal(policy.check('Bash', { command: 'ls' }).allow, false);
    assert.equal(policy.check('Agent', { prompt: 'x' }).allow, true);
    assert.equal(policy.check('WebFetch', { url: 'https://example.com' }).allow, false);
  } finally {
    cleanup();
  }
});

test('writablePaths: [] means read-only', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-policy-')));
  try {
    const policy = new PathPolicy({ cwd: root, readableRoots: [root + '/'], writablePaths: [], allowedTools: [] });
    const d = policy.check('Write', { file_path: path.join(root, 'a.txt') });
    assert.equal(d.allow, false);
    if (!d.allow) assert.match(d.reason, /allows no writes/);
    assert.equal(policy.check('Read', { file_path: path.join(root, 'a.txt') }).allow, true);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
