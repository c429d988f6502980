// Entry point of agent-runner.mjs: `node agent-runner.mjs --protocol=1`.
//
// Owns the process: stdout discipline, the `ready` handshake, the stdin line
// loop, signals, and the one way out (`exited`, then exit).

import readline from 'node:readline';
import { format } from 'node:util';
import { Host } from './host.js';
import { describe, log } from './log.js';
import { Output, stdoutSink } from './output.js';
import { PROTOCOL_VERSION, type ExitReason } from './protocol.js';
import { SDK_VERSION, SIDECAR_VERSION } from './version.js';

/** A line is at most 16 MiB (§2.1). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** stdin EOF and signals act like `shutdown` with this grace (§2.2). */
const DEFAULT_GRACE_MS = 3000;

// stdout carries protocol lines only: anything a dependency logs goes to stderr.
const toStderr = (...args: unknown[]): void => {
  process.stderr.write(`${format(...args)}\n`);
};
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;

async function main(): Promise<void> {
  const requested = process.argv.find((a) => a.startsWith('--protocol='));
  if (requested && requested !== `--protocol=${PROTOCOL_VERSION}`) {
    // Still answer with `ready`: Rust compares `protocol` and reports protocol_mismatch.
    log('warn', `asked for ${requested}; this sidecar speaks protocol ${PROTOCOL_VERSION}`);
  }
  const mockEnv = process.env.SKILL_BUILDER_MOCK_AGENTS === '1';
  if (process.env.SKILL_BUILDER_MOCK_FAIL === 'slow_ready') {
    // Mock fault `slow_ready`: the handshake deadline is 10 s (§1.4).
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }

  const out = new Output(stdoutSink);
  let exiting = false;
  const exit = (code: number, reason: ExitReason): void => {
    if (exiting) return;
    exiting = true;
    const hardStop = setTimeout(() => process.exit(code), 1000);
    out.writeLast({ type: 'exited', code, reason }, () => {
      clearTimeout(hardStop);
      process.exit(code);
    });
  };
  const host = new Host({ out, processEnv: process.env, mockEnv, exit, crash: (code) => process.exit(code) });

  process.on('uncaughtException', (err) => host.fatal(err));
  process.on('unhandledRejection', (err) => host.fatal(err));
  process.on('SIGTERM', () => void host.shutdown(DEFAULT_GRACE_MS, 'signal'));
  process.on('SIGINT', () => void host.shutdown(DEFAULT_GRACE_MS, 'signal'));
  // Rust went away: nobody reads our lines any more.
  process.stdout.on('error', () => void host.shutdown(0, 'stdin_closed'));

  out.write({
    type: 'ready',
    protocol: PROTOCOL_VERSION,
    sidecar_version: SIDECAR_VERSION,
    sdk_version: SDK_VERSION,
    node_version: process.versions.node,
    mock: mockEnv,
  });

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.length > MAX_LINE_BYTES) {
      out.write({ type: 'error', category: 'invalid_request', message: 'line over 16 MiB', retryable: false });
      return;
    }
    host.handleLine(line);
  });
  lines.on('close', () => void host.shutdown(DEFAULT_GRACE_MS, 'stdin_closed'));
}

main().catch((err: unknown) => {
  log('error', `startup failed: ${describe(err)}`);
  process.exit(1);
});
