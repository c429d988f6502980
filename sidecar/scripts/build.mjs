// Bundles src/main.ts into dist/agent-runner.mjs (one ESM file, platform node).
// `--tests` instead bundles test/unit/*.test.ts into test-dist/ for `node --test`
// (the unit tests import src/ directly; the other tests spawn dist/).
// The SDK's JavaScript is inlined; the Claude Code binary is not, so the app
// always passes pathToClaudeCodeExecutable (agents-and-workflow.md §2.11).

import { build } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const readJson = (p) => JSON.parse(readFileSync(path.join(root, p), 'utf8'));
const sidecarVersion = readJson('package.json').version;
const sdkVersion = readJson('node_modules/@anthropic-ai/claude-agent-sdk/package.json').version;

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  loader: { '.md': 'text' },
  define: {
    __SIDECAR_VERSION__: JSON.stringify(sidecarVersion),
    __SDK_VERSION__: JSON.stringify(sdkVersion),
  },
  // Bundled CommonJS dependencies may call require(); give ESM one.
  banner: {
    js: "import { createRequire as __sbCreateRequire } from 'node:module'; const require = __sbCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
};

if (!process.argv.includes('--tests')) {
  await build({
    ...common,
    entryPoints: [path.join(root, 'src/main.ts')],
    outfile: path.join(root, 'dist/agent-runner.mjs'),
  });
} else {
  const dir = path.join(root, 'test/unit');
  const entries = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f));
  await build({
    ...common,
    entryPoints: entries,
    outdir: path.join(root, 'test-dist'),
    outExtension: { '.js': '.mjs' },
    // node:test must stay external; it is a builtin.
    external: ['node:test'],
  });
}
