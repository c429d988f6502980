// Test helpers: spawn the BUILT sidecar bundle and speak the protocol with it
// over stdin/stdout, exactly as Rust does.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const BUNDLE = path.join(ROOT, 'dist', 'agent-runner.mjs');

/** The platform binary from node_modules, as Rust resolves it in development (§2.11). */
export function claudeBinary() {
  const base = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  const name = process.platform === 'win32' ? 'claude.exe' : 'claude';
  for (const pkg of [base, `${base}-musl`]) {
    const p = path.join(ROOT, 'node_modules', pkg, name);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

const stacks = new WeakMap();

/**
 * Registers teardown work that runs in reverse order (processes are killed
 * before their folders are removed) and keeps going when one step fails, so a
 * failing step can never leave a child or a server holding the test open.
 */
export function defer(t, fn) {
  let stack = stacks.get(t);
  if (!stack) {
    stack = [];
    stacks.set(t, stack);
    t.after(async () => {
      const errors = [];
      for (const step of stack.reverse()) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length > 0) throw errors[0];
    });
  }
  stack.push(fn);
}

/** A fresh temp dir with `cwd`, `home` and `config` subfolders, removed after the test. */
export function tempRoot(t) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sidecar-')));
  for (const d of ['cwd', 'home', 'config']) fs.mkdirSync(path.join(root, d));
  defer(t, () => fs.rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  return { root, cwd: path.join(root, 'cwd'), home: path.join(root, 'home'), config: path.join(root, 'config') };
}

/**
 * The §2.9 test environment: no inherited secrets, temp HOME and config dir.
 * Rust builds the real one (src/actors/sidecar/env.rs) and the sidecar passes
 * it on unchanged, so the fixed variables Rust always sets are set here too.
 */
export function sdkEnv(dirs, baseUrl, extra = {}) {
  return {
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dirs.home,
    CLAUDE_CONFIG_DIR: dirs.config,
    TMPDIR: os.tmpdir(),
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: baseUrl,
    CLAUDE_CODE_MAX_RETRIES: '1',
    CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK: '1',
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}

/** A complete SidecarConfig (§2.3) for tests. */
export function makeConfig(dirs, overrides = {}) {
  return {
    agentKind: 'workflow_step',
    label: 'step0',
    prompt: 'Write the file hello.txt.',
    model: 'claude-sonnet-4-5',
    cwd: dirs.cwd,
    tools: ['Read', 'Write'],
    allowedTools: [],
    readableRoots: [dirs.cwd + '/'],
    writablePaths: [dirs.cwd + '/'],
    maxTurns: 5,
    permissionMode: 'default',
    pathToClaudeCodeExecutable: claudeBinary() ?? '/nonexistent/claude',
    settingSources: ['project'],
    includePartialMessages: true,
    ...overrides,
  };
}

/**
 * Spawns the sidecar in its own process group (like Rust's process_group(0)),
 * so teardown can kill the whole tree, `claude` children included.
 */
export function startSidecar(t, { env = {}, args = ['--protocol=1'] } = {}) {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [BUNDLE, ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const lines = [];
  const raw = [];
  let stderr = '';
  let buffer = '';
  const waiters = new Set();
  const notify = () => {
    for (const w of waiters) w();
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      raw.push(line);
      lines.push(JSON.parse(line)); // stdout must carry JSON lines only
    }
    notify();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      notify();
      resolve({ code, signal });
    });
  });
  let alive = true;
  exited.then(() => (alive = false));

  defer(t, async () => {
    try {
      process.kill(-child.pid, 'SIGKILL'); // the whole group: claude children too
    } catch {
      // already gone
    }
    await exited;
  });

  const sc = {
    child,
    lines,
    raw,
    exited,
    get stderr() {
      return stderr;
    },
    get alive() {
      return alive;
    },
    send(obj) {
      child.stdin.write(typeof obj === 'string' ? `${obj}\n` : `${JSON.stringify({ v: 1, ...obj })}\n`);
    },
    /** Resolves with the first line (from `from` on) matching `pred`. */
    waitFor(pred, { timeout = 10_000, from = 0, what = 'line' } = {}) {
      return new Promise((resolve, reject) => {
        let i = from;
        const check = () => {
          for (; i < lines.length; i++) {
            if (pred(lines[i])) {
              cleanup();
              return resolve(lines[i]);
            }
          }
          if (!alive) {
            cleanup();
            reject(new Error(`sidecar exited before ${what}; stderr:\n${stderr.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeout} ms waiting for ${what}; last lines:\n${raw.slice(-5).join('\n')}\nstderr:\n${stderr.slice(-2000)}`));
        }, timeout);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    /** Waits for the terminal line of `runId` (result, or error with that run_id). */
    terminal(runId, opts = {}) {
      return sc.waitFor((l) => (l.type === 'result' || l.type === 'error') && l.run_id === runId, { what: `terminal of ${runId}`, ...opts });
    },
    forRun(runId) {
      return lines.filter((l) => l.run_id === runId);
    },
    items(runId, kind) {
      return sc
        .forRun(runId)
        .filter((l) => l.type === 'message')
        .flatMap((l) => l.items)
        .filter((i) => !kind || i.kind === kind);
    },
    async ready() {
      return sc.waitFor((l) => l.type === 'ready', { what: 'ready' });
    },
  };
  return sc;
}

/** Asserts the invariants every line must hold. */
export function assertWellFormed(assert, sc) {
  for (const l of sc.lines) assert.equal(l.v, 1, `line without v:1: ${JSON.stringify(l)}`);
  const seqs = sc.lines.filter((l) => 'seq' in l).map((l) => l.seq);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], 'seq must strictly increase');
  const terminals = new Map();
  for (const l of sc.lines) {
    if ((l.type === 'result' || l.type === 'error') && l.run_id) terminals.set(l.run_id, (terminals.get(l.run_id) ?? 0) + 1);
  }
  for (const [run, n] of terminals) assert.equal(n, 1, `run ${run} has ${n} terminal lines`);
  const exited = sc.lines.findIndex((l) => l.type === 'exited');
  if (exited !== -1) assert.equal(exited, sc.lines.length - 1, 'exited must be the last line');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
