/**
 * How the usage page writes numbers. The cards, chart tooltips and tables share these rules,
 * so a test can derive the expected text from the backend's figures.
 */
const USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const SMALL_USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 4, maximumFractionDigits: 4 });
const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Cents, except a non-zero cost under one cent, which keeps four decimals rather than showing $0.00. */
export function formatUsd(value: number | null): string {
  const cost = value ?? 0;
  if (cost !== 0 && Math.abs(cost) < 0.01) return SMALL_USD.format(cost);
  return USD.format(cost);
}

/** Whole numbers with thousands separators; a missing count is 0. */
export function formatCount(value: number | null): string {
  return COUNT.format(value ?? 0);
}

/** `1 h 02 min`, `3 min 05 s`, `42 s`; nothing recorded is a dash. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}
