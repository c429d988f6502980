// Path policy behind `canUseTool` (§2.10).
//
// The app runs agents with permissionMode `default`, so every path-bearing
// tool call reaches this callback. Writes must land under `writablePaths`,
// reads under `readableRoots` or `writablePaths`; everything else is denied,
// and the denial is reported as a `permission_denied` item.

import fs from 'node:fs';
import path from 'node:path';

export type Access = 'read' | 'write';

export interface PolicyConfig {
  cwd: string;
  readableRoots: string[];
  writablePaths: string[];
  /** Path-less tools that are pre-approved (`Skill`, `Agent`, `TodoWrite`). */
  allowedTools: string[];
}

export type Decision =
  | { allow: true }
  | { allow: false; reason: string; path?: string };

/** Tools whose input names a file or directory, and which field holds it. */
const PATH_TOOLS: Record<string, { access: Access; field: string; defaultsToCwd: boolean }> = {
  Read: { access: 'read', field: 'file_path', defaultsToCwd: false },
  Write: { access: 'write', field: 'file_path', defaultsToCwd: false },
  Edit: { access: 'write', field: 'file_path', defaultsToCwd: false },
  MultiEdit: { access: 'write', field: 'file_path', defaultsToCwd: false },
  NotebookEdit: { access: 'write', field: 'notebook_path', defaultsToCwd: false },
  NotebookRead: { access: 'read', field: 'notebook_path', defaultsToCwd: false },
  Glob: { access: 'read', field: 'path', defaultsToCwd: true },
  Grep: { access: 'read', field: 'path', defaultsToCwd: true },
  LS: { access: 'read', field: 'path', defaultsToCwd: true },
};

/** Path-bearing tools: they must never be pre-approved past the policy. */
export const PATH_TOOL_NAMES: readonly string[] = Object.keys(PATH_TOOLS);

/** No agent kind has a shell policy yet (§2.10), so these are always denied. */
const SHELL_TOOLS = new Set(['Bash', 'BashOutput', 'KillShell', 'PowerShell', 'Monitor']);

interface Root {
  path: string;
  dir: boolean;
}

export class PathPolicy {
  private readonly readable: Root[];
  private readonly writable: Root[];

  constructor(private readonly config: PolicyConfig) {
    this.writable = config.writablePaths.map(toRoot);
    this.readable = [...config.readableRoots.map(toRoot), ...this.writable];
  }

  check(toolName: string, input: Record<string, unknown>): Decision {
    if (SHELL_TOOLS.has(toolName)) {
      return { allow: false, reason: `Skill Builder does not allow the ${toolName} tool` };
    }
    const spec = PATH_TOOLS[toolName];
    if (!spec) {
      if (this.config.allowedTools.includes(toolName)) return { allow: true };
      return { allow: false, reason: `Skill Builder does not allow the ${toolName} tool here` };
    }
    const raw = input[spec.field];
    const given = typeof raw === 'string' && raw !== '' ? raw : spec.defaultsToCwd ? this.config.cwd : null;
    if (given === null) return { allow: false, reason: `${toolName} needs ${spec.field}` };

    const targets = [canonical(path.resolve(this.config.cwd, given))];
    // A Glob pattern can itself climb out of its base (`../../x/*`, `/etc/*`).
    if (toolName === 'Glob' && typeof input.pattern === 'string') {
      const prefix = staticPrefix(input.pattern);
      if (prefix !== '') targets.push(canonical(path.resolve(targets[0] as string, prefix)));
    }
    const roots = spec.access === 'write' ? this.writable : this.readable;
    for (const target of targets) {
      if (!roots.some((root) => covers(root, target))) {
        return { allow: false, reason: this.denialText(spec.access), path: target };
      }
    }
    return { allow: true };
  }

  private denialText(access: Access): string {
    if (access === 'write') {
      const list = this.config.writablePaths;
      return list.length === 0
        ? 'Skill Builder allows no writes for this agent'
        : `Skill Builder allows writes only to: ${list.join(', ')}`;
    }
    const list = [...this.config.readableRoots, ...this.config.writablePaths];
    return `Skill Builder allows reads only under: ${list.join(', ')}`;
  }
}

function toRoot(p: string): Root {
  // A trailing separator marks a directory (§2.3); an existing directory is one too.
  const dir = p.endsWith('/') || p.endsWith(path.sep) || isDirectory(p);
  return { path: canonical(path.resolve(p)), dir };
}

function covers(root: Root, target: string): boolean {
  if (target === root.path) return true;
  if (!root.dir) return false;
  const base = root.path.endsWith(path.sep) ? root.path : root.path + path.sep;
  return target.startsWith(base);
}

/**
 * Resolves symlinks of the longest existing ancestor, then re-appends the
 * missing tail. This catches a symlinked directory that points outside a root,
 * and still works for files that do not exist yet (a Write target).
 */
export function canonical(absolute: string): string {
  const tail: string[] = [];
  let current = path.normalize(absolute);
  for (;;) {
    try {
      const real = fs.realpathSync.native(current);
      return tail.length === 0 ? real : path.join(real, ...tail.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.normalize(absolute);
      tail.push(path.basename(current));
      current = parent;
    }
  }
}

/** The part of a glob pattern before its first wildcard, e.g. `../x/` of `../x/*.md`. */
function staticPrefix(pattern: string): string {
  const idx = pattern.search(/[*?[{]/);
  const head = idx === -1 ? pattern : pattern.slice(0, idx);
  const cut = head.lastIndexOf('/');
  return cut === -1 ? (idx === -1 ? head : '') : head.slice(0, cut + 1);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
