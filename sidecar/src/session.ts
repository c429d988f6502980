// AgentSession: one SDK query driven by streaming input (§2.8).
//
// A one-shot `run` is a session whose input closes after the first result; a
// multi-turn session stays open until `session_end`. The session turns SDK
// messages into protocol lines and finishes each run exactly once through the
// RunLedger, also when the SDK throws, the iterator ends early, or we abort.

import type { CanUseTool, SDKMessage, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { DeltaCoalescer } from './deltas.js';
import { classifyResult, classifyThrown, type Outcome } from './errors.js';
import { Inbox } from './inbox.js';
import { claudeStderr, describe, log } from './log.js';
import { capSdkMessage, Normalizer } from './normalize.js';
import { buildOptions } from './options.js';
import { nowIso, type Output } from './output.js';
import { PathPolicy } from './policy.js';
import type { Item, ProgressLine, SessionEndReason, SidecarConfig } from './protocol.js';
import type { AgentQuery, QueryFactory } from './query.js';
import { CostLedger, newRunStats, resultFromSdk, syntheticResult, type RunStats } from './results.js';
import type { RunLedger } from './runs.js';

/** After an interrupt, how long to wait for the SDK's result before aborting (§1.9). */
export const INTERRUPT_GRACE_MS = 5000;

export interface SessionDeps {
  out: Output;
  ledger: RunLedger;
  factory: QueryFactory;
  processEnv: NodeJS.ProcessEnv;
  /** Overrides INTERRUPT_GRACE_MS (tests). */
  interruptGraceMs?: number;
}

export type SendRefusal = 'session_busy' | 'session_closed';

export class AgentSession {
  readonly done: Promise<void>;

  private readonly inbox = new Inbox();
  private readonly abortController = new AbortController();
  private readonly normalizer = new Normalizer();
  private readonly costs = new CostLedger();
  private readonly deltas: DeltaCoalescer;
  private readonly policy: PathPolicy;
  /** Tool calls our policy denied, so the SDK's own denial message is not doubled. */
  private readonly deniedToolUses = new Set<string>();

  private query: AgentQuery | null = null;
  private currentRun: string | null;
  private stats: RunStats = newRunStats();
  private initializedThisRun = false;
  private cancelRequested = false;
  private endRequested = false;
  private finished = false;
  private sdkSessionId: string | null = null;
  private endedReported = false;
  private abortTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: SessionDeps,
    private readonly config: SidecarConfig,
    runId: string,
    /** Null for a one-shot `run`. */
    readonly sessionId: string | null,
  ) {
    this.currentRun = runId;
    this.deltas = new DeltaCoalescer(deps.out);
    this.policy = new PathPolicy(config);
    this.inbox.push(config.prompt);
    this.done = this.loop();
  }

  get isOneShot(): boolean {
    return this.sessionId === null;
  }

  /** Checks whether a new turn can start now. */
  refusal(): SendRefusal | null {
    if (this.finished || this.endRequested || this.inbox.isClosed) return 'session_closed';
    if (this.currentRun !== null) return 'session_busy';
    return null;
  }

  /** Starts the next turn; the caller has checked `refusal()` and registered the run. */
  send(runId: string, text: string): void {
    this.beginRun(runId);
    const sdk = this.inbox.push(text);
    // Our echo of the turn, so a replay shows what the user sent.
    this.emitMessage(runId, [{ kind: 'user_text', text }], sdk);
  }

  /** Interrupts the run if it is ours and still running; otherwise ignored. */
  cancel(runId: string): void {
    if (this.currentRun !== runId || this.cancelRequested) return;
    this.cancelRequested = true;
    this.progress(runId, 'cancelling', null);
    if (this.query) this.interrupt(runId);
    // Else the query is still loading; the loop interrupts once it exists.
  }

  /** `session_end`: close the input; the loop then ends and reports `closed`. */
  end(): void {
    this.endRequested = true;
    this.inbox.close();
  }

  /**
   * Shutdown (§1.11): interrupt the run, end the input, and wait until
   * `deadline`. Whatever is still running then is aborted and its run is
   * finished with a synthetic `cancelled` result.
   */
  async shutdown(deadline: number): Promise<void> {
    if (this.currentRun) this.cancel(this.currentRun);
    this.end();
    if (await settlesBefore(this.done, deadline)) return;
    this.abortController.abort();
    this.finishSynthetic({
      status: 'cancelled',
      error: { category: 'cancelled', message: 'The sidecar shut down.', retryable: false },
    });
    this.reportEnded('closed');
  }

  // -------------------------------------------------------------------------

  private async loop(): Promise<void> {
    let reason: SessionEndReason = 'closed';
    try {
      this.progressCurrent('loading_sdk');
      const options = buildOptions(this.config, {
        abortController: this.abortController,
        canUseTool: this.canUseTool,
        stderr: claudeStderr,
        processEnv: this.deps.processEnv,
      });
      this.query = await this.deps.factory({ prompt: this.inbox, options });
      this.progressCurrent('starting_claude');
      if (this.cancelRequested && this.currentRun) this.interrupt(this.currentRun);
      for await (const msg of this.query) this.handle(msg);
      this.finishSynthetic(
        this.cancelRequested
          ? { status: 'cancelled', error: { category: 'cancelled', message: 'The run was cancelled.', retryable: false } }
          : {
              status: 'error',
              error: { category: 'execution', message: 'The agent ended without a result.', retryable: true },
            },
      );
      // Input still open but the iterator ended: the turn budget ran out.
      reason = this.endRequested || this.isOneShot ? 'closed' : 'exhausted';
    } catch (err) {
      const aborted = this.abortController.signal.aborted;
      // With a one-shot run the SDK may throw after an error result it already
      // yielded; that throw only matters while a run is still open.
      const level = aborted || this.currentRun === null ? 'debug' : 'warn';
      log(level, `session ${this.sessionId ?? '(run)'} threw: ${describe(err)}`);
      this.finishSynthetic(classifyThrown(err, { cancelRequested: this.cancelRequested || aborted }));
      reason = aborted && this.endRequested ? 'closed' : 'error';
    } finally {
      this.finished = true;
      this.inbox.close();
      this.deltas.discard();
      if (this.abortTimer) clearTimeout(this.abortTimer);
    }
    this.reportEnded(reason);
  }

  private reportEnded(reason: SessionEndReason): void {
    if (this.sessionId === null || this.endedReported) return;
    this.endedReported = true;
    this.deps.out.write({ type: 'session_ended', session_id: this.sessionId, reason });
  }

  private handle(msg: SDKMessage): void {
    if (msg.type === 'result') {
      this.finishFromSdk(msg);
      return;
    }
    const runId = this.currentRun;
    if (runId === null) {
      // Between turns or after an abort: such lines cannot be routed (§2.7).
      log('debug', `dropping ${msg.type} outside a run`);
      return;
    }
    if (msg.type === 'stream_event') {
      this.deltas.onEvent(runId, msg.event, msg.parent_tool_use_id);
      return;
    }
    if (msg.type === 'system') this.systemProgress(runId, msg);

    const items = this.normalizer
      .normalize(msg)
      .filter((item) => !(item.kind === 'permission_denied' && this.isOurDenial(msg)));
    for (const item of items) {
      if (item.kind === 'tool_use') this.stats.toolUses += 1;
      if (item.kind === 'compaction') this.stats.compactions += 1;
      if (item.kind === 'permission_denied') this.stats.permissionDenials += 1;
      if (item.kind === 'text' && item.parent_tool_use_id === null) this.stats.lastText = item.text;
    }
    this.emitMessage(runId, items, msg);
  }

  private systemProgress(runId: string, msg: SDKMessage & { type: 'system' }): void {
    switch (msg.subtype) {
      case 'init':
        this.sdkSessionId = msg.session_id;
        if (!this.initializedThisRun) {
          this.initializedThisRun = true;
          this.progress(runId, 'initialized', { sdk_session_id: msg.session_id, model: msg.model });
        }
        break;
      case 'api_retry':
        this.progress(runId, 'api_retry', {
          attempt: msg.attempt,
          max_retries: msg.max_retries,
          retry_delay_ms: msg.retry_delay_ms,
          error_status: msg.error_status,
          error: msg.error,
        });
        break;
      case 'status':
        if (msg.status === 'compacting') this.progress(runId, 'compacting', null);
        break;
      default:
        break;
    }
  }

  private isOurDenial(msg: SDKMessage): boolean {
    return msg.type === 'system' && msg.subtype === 'permission_denied' && this.deniedToolUses.has(msg.tool_use_id);
  }

  private finishFromSdk(result: SDKResultMessage): void {
    this.sdkSessionId = result.session_id;
    const costs = this.costs.take(result);
    const runId = this.currentRun;
    if (runId === null) {
      log('debug', 'result outside a run (already finished)');
      return;
    }
    const outcome = classifyResult(
      {
        subtype: result.subtype,
        is_error: result.is_error,
        terminal_reason: result.terminal_reason ?? null,
        api_error_status: 'api_error_status' in result ? (result.api_error_status ?? null) : null,
        stop_reason: result.stop_reason,
        text: result.subtype === 'success' ? result.result : '',
        errors: result.subtype === 'success' ? [] : result.errors,
      },
      { cancelRequested: this.cancelRequested },
    );
    this.deltas.flush();
    this.deps.ledger.finishWithResult(resultFromSdk(runId, result, outcome, this.stats, costs));
    this.endRun();
  }

  /** Finishes the current run with a result we built, unless it already ended. */
  private finishSynthetic(outcome: Outcome): void {
    const runId = this.currentRun;
    if (runId === null) return;
    this.deltas.flush();
    this.deps.ledger.finishWithResult(
      syntheticResult(runId, outcome, this.stats, this.sdkSessionId, this.costs.cumulative),
    );
    this.endRun();
  }

  private beginRun(runId: string): void {
    this.currentRun = runId;
    this.stats = newRunStats();
    this.initializedThisRun = false;
    this.cancelRequested = false;
  }

  private endRun(): void {
    this.currentRun = null;
    this.cancelRequested = false;
    if (this.abortTimer) clearTimeout(this.abortTimer);
    this.abortTimer = undefined;
    // A one-shot run's input closes after its first result (§2.2).
    if (this.isOneShot) this.inbox.close();
  }

  private interrupt(runId: string): void {
    this.query?.interrupt().catch((err: unknown) => log('warn', `interrupt failed: ${describe(err)}`));
    // If the SDK does not answer the interrupt, abort the whole query; the
    // loop then throws AbortError and the run ends as a synthetic `cancelled`.
    const grace = this.deps.interruptGraceMs ?? INTERRUPT_GRACE_MS;
    this.abortTimer = setTimeout(() => {
      if (this.currentRun === runId) {
        log('warn', `run ${runId}: no result ${grace} ms after interrupt; aborting`);
        this.abortController.abort();
      }
    }, grace);
  }

  /** The path policy of §2.10; denials become `permission_denied` items. */
  private readonly canUseTool: CanUseTool = async (toolName, input, ctx) => {
    const decision = this.policy.check(toolName, input);
    if (decision.allow) return { behavior: 'allow', updatedInput: input };
    this.deniedToolUses.add(ctx.toolUseID);
    const runId = this.currentRun;
    if (runId !== null) {
      this.stats.permissionDenials += 1;
      const item: Item = { kind: 'permission_denied', tool: toolName, reason: decision.reason };
      if (decision.path !== undefined) item.path = decision.path;
      this.emitMessage(runId, [item], {
        type: 'sidecar',
        subtype: 'policy_denied',
        tool_name: toolName,
        tool_use_id: ctx.toolUseID,
        agent_id: ctx.agentID ?? null,
        path: decision.path ?? null,
        message: decision.reason,
      });
    }
    return { behavior: 'deny', message: decision.reason };
  };

  private emitMessage(runId: string, items: Item[], sdk: unknown): void {
    this.deltas.flush();
    this.deps.out.write({ type: 'message', run_id: runId, ts: nowIso(), items, sdk: capSdkMessage(sdk) });
  }

  private progressCurrent(stage: ProgressLine['stage']): void {
    if (this.currentRun) this.progress(this.currentRun, stage, null);
  }

  private progress(runId: string, stage: ProgressLine['stage'], detail: ProgressLine['detail']): void {
    this.deps.out.write({ type: 'progress', run_id: runId, ts: nowIso(), stage, detail });
  }
}

/** Resolves true if `p` settles before the wall-clock `deadline` (ms since epoch). */
async function settlesBefore(p: Promise<unknown>, deadline: number): Promise<boolean> {
  const wait = Math.max(0, deadline - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), wait)));
  const settled = p.then(
    () => true,
    () => true,
  );
  const won = await Promise.race([settled, timeout]);
  if (timer) clearTimeout(timer);
  return won;
}
