// Dispatches protocol requests to sessions (§2.2) and owns the process-level
// paths: shutdown, fatal errors and fault injection.
//
// `handleLine` never awaits agent work: every session runs as its own promise,
// so pings are answered and cancels delivered even in the middle of a run.

import fs from 'node:fs';
import { describe, log } from './log.js';
import { mockQueryFactory, type MockFaults } from './mock/agent.js';
import type { Output } from './output.js';
import type { ExitReason, InboundLine, RunError, SidecarConfig } from './protocol.js';
import { sdkQueryFactory, type QueryFactory } from './query.js';
import { decodeLine, isMockConfig, type Rejection } from './requests.js';
import { RunLedger } from './runs.js';
import { AgentSession, type SessionDeps } from './session.js';

export interface HostDeps {
  out: Output;
  processEnv: NodeJS.ProcessEnv;
  /** SKILL_BUILDER_MOCK_AGENTS=1: every run uses the mock agent. */
  mockEnv: boolean;
  /** Writes `exited` as the last line, then exits the process with `code`. */
  exit: (code: number, reason: ExitReason) => void;
  /** Hard exit without an `exited` line (mock `crash_after`). */
  crash: (code: number) => void;
  /** Overrides the real SDK (tests of the host itself). */
  sdkFactory?: QueryFactory;
  /** Overrides the interrupt-to-abort grace (tests). */
  interruptGraceMs?: number;
}

export class Host {
  private readonly ledger: RunLedger;
  private readonly sessions = new Map<string, AgentSession>();
  private readonly runOwners = new Map<string, AgentSession>();
  private readonly live = new Set<AgentSession>();
  private shuttingDown = false;
  /** Mock `hang` fault: behave like a wedged process (no replies at all). */
  private hung = false;

  constructor(private readonly deps: HostDeps) {
    this.ledger = new RunLedger(deps.out);
  }

  handleLine(text: string): void {
    if (this.hung || text.trim() === '') return;
    const decoded = decodeLine(text, this.deps.mockEnv);
    if (!decoded.ok) {
      this.reject(decoded.rejection);
      return;
    }
    this.dispatch(decoded.line);
  }

  private dispatch(line: InboundLine): void {
    switch (line.type) {
      case 'ping':
        this.deps.out.write({ type: 'pong', nonce: line.nonce });
        return;
      case 'shutdown':
        void this.shutdown(line.grace_ms, 'shutdown');
        return;
      case 'cancel':
        this.runOwners.get(line.run_id)?.cancel(line.run_id);
        return;
      case 'session_end':
        this.sessions.get(line.session_id)?.end();
        return;
      case 'run':
        this.start(line.run_id, null, line.config);
        return;
      case 'session_start':
        if (this.sessions.has(line.session_id)) {
          this.reject({
            category: 'duplicate_session',
            message: `session ${line.session_id} is already open`,
            run_id: line.run_id,
          });
          return;
        }
        this.start(line.run_id, line.session_id, line.config);
        return;
      case 'session_send':
        this.send(line.run_id, line.session_id, line.text);
        return;
    }
  }

  private start(runId: string, sessionId: string | null, config: SidecarConfig): void {
    if (this.shuttingDown) {
      this.reject({ category: 'session_closed', message: 'the sidecar is shutting down', run_id: runId });
      return;
    }
    if (this.ledger.isKnown(runId)) {
      this.reject({ category: 'duplicate_run', message: `run ${runId} already exists`, run_id: runId });
      return;
    }
    if (!isDirectory(config.cwd)) {
      // Otherwise the SDK reports a failed spawn as a missing binary.
      this.reject({ category: 'invalid_request', message: `cwd does not exist: ${config.cwd}`, run_id: runId });
      return;
    }
    this.ledger.begin(runId);
    const factory = isMockConfig(config, this.deps.mockEnv)
      ? mockQueryFactory(config, this.faults, this.deps.processEnv)
      : (this.deps.sdkFactory ?? sdkQueryFactory);
    const sessionDeps: SessionDeps = { out: this.deps.out, ledger: this.ledger, factory, processEnv: this.deps.processEnv };
    if (this.deps.interruptGraceMs !== undefined) sessionDeps.interruptGraceMs = this.deps.interruptGraceMs;
    const session = new AgentSession(
      sessionDeps,
      config,
      runId,
      sessionId,
    );
    this.live.add(session);
    this.runOwners.set(runId, session);
    if (sessionId !== null) this.sessions.set(sessionId, session);
    void session.done.finally(() => {
      this.live.delete(session);
      if (sessionId !== null && this.sessions.get(sessionId) === session) this.sessions.delete(sessionId);
      for (const [run, owner] of this.runOwners) if (owner === session) this.runOwners.delete(run);
    });
  }

  private send(runId: string, sessionId: string, text: string): void {
    if (this.ledger.isKnown(runId)) {
      this.reject({ category: 'duplicate_run', message: `run ${runId} already exists`, run_id: runId });
      return;
    }
    const session = this.sessions.get(sessionId);
    const refusal = this.shuttingDown ? 'session_closed' : session ? session.refusal() : 'unknown_session';
    if (refusal !== null || !session) {
      this.reject({
        category: refusal ?? 'unknown_session',
        message: `cannot send to session ${sessionId}: ${refusal ?? 'unknown_session'}`,
        run_id: runId,
      });
      return;
    }
    this.ledger.begin(runId);
    this.runOwners.set(runId, session);
    session.send(runId, text);
  }

  /**
   * Answers a rejected request with an `error` line. With a fresh run id the
   * error is that run's terminal event; a run id that is already in use is
   * only named in `detail`, so an unrelated running run is never ended.
   */
  private reject(r: Rejection): void {
    const error: RunError = { category: r.category, message: r.message, retryable: false };
    if (r.run_id !== undefined && !this.ledger.isKnown(r.run_id)) {
      this.ledger.begin(r.run_id);
      this.ledger.finishWithError(r.run_id, error, r.detail);
      return;
    }
    const detail = r.run_id !== undefined ? { run_id: r.run_id, ...asObject(r.detail) } : r.detail;
    this.deps.out.write({ type: 'error', ...error, ...(detail !== undefined ? { detail } : {}) });
  }

  /**
   * §1.11: interrupt every run, end every session, wait up to `graceMs`,
   * finish whatever is left with a synthetic `cancelled` result, then exit 0.
   */
  async shutdown(graceMs: number, reason: ExitReason): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const deadline = Date.now() + graceMs;
    await Promise.allSettled([...this.live].map((s) => s.shutdown(deadline)));
    // Runs that never reached a session (none expected) still get their terminal line.
    for (const runId of this.ledger.activeRuns()) {
      this.ledger.finishWithError(runId, { category: 'cancelled', message: 'The sidecar shut down.', retryable: false });
    }
    this.deps.exit(0, reason);
  }

  /** Uncaught exception: report it, give every open run a terminal line, exit 1. */
  fatal(err: unknown): void {
    log('error', `fatal: ${describe(err)}`);
    const error: RunError = { category: 'internal', message: `internal error: ${describe(err)}`, retryable: false };
    for (const runId of this.ledger.activeRuns()) this.ledger.finishWithError(runId, error);
    this.deps.out.write({ type: 'error', ...error });
    this.deps.exit(1, 'fatal');
  }

  private readonly faults: MockFaults = {
    crash: (code) => this.deps.crash(code),
    hang: () => {
      this.hung = true;
    },
  };
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
