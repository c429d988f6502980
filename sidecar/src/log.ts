// Diagnostics go to stderr only: stdout carries protocol lines and nothing else.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const DEBUG = process.env.SKILL_BUILDER_SIDECAR_DEBUG === '1';

export function log(level: LogLevel, message: string): void {
  if (level === 'debug' && !DEBUG) return;
  process.stderr.write(`[sidecar] ${level}: ${message}\n`);
}

/** Forwards the Claude Code child's stderr, one prefixed line at a time (§2.8). */
export function claudeStderr(data: string): void {
  for (const line of data.split(/\r?\n/)) {
    if (line.trim() !== '') process.stderr.write(`[claude] ${line}\n`);
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
