// Exactly one terminal event per run (§2.4, §2.7).
//
// Sessions, the mock and the shutdown path all finish runs through this ledger,
// so a second `result` or a late `error` for the same run can never reach the
// wire, whatever order the SDK, a cancel and a shutdown race in.

import type { Output, LineDraft } from './output.js';
import type { ErrorLine, ResultLine, RunError } from './protocol.js';

type ResultDraft = Omit<ResultLine, 'v'>;

export class RunLedger {
  private readonly active = new Set<string>();
  private readonly finished = new Set<string>();

  constructor(private readonly out: Output) {}

  /** Registers a new run; false if the id was already used in this process. */
  begin(runId: string): boolean {
    if (this.active.has(runId) || this.finished.has(runId)) return false;
    this.active.add(runId);
    return true;
  }

  isKnown(runId: string): boolean {
    return this.active.has(runId) || this.finished.has(runId);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  activeRuns(): string[] {
    return [...this.active];
  }

  /** Writes the run's `result` unless the run already ended. */
  finishWithResult(result: ResultDraft): boolean {
    if (!this.close(result.run_id)) return false;
    this.out.write(result as LineDraft);
    return true;
  }

  /** Writes a terminal `error` for the run unless the run already ended. */
  finishWithError(runId: string, error: RunError, detail?: unknown): boolean {
    if (!this.close(runId)) return false;
    const line: Omit<ErrorLine, 'v'> = { type: 'error', run_id: runId, ...error };
    if (detail !== undefined) line.detail = detail;
    this.out.write(line);
    return true;
  }

  private close(runId: string): boolean {
    if (!this.active.delete(runId)) return false;
    this.finished.add(runId);
    return true;
  }
}
