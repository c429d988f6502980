import type { UsageByModel } from "../../bindings";

/** One local calendar day as the `from`/`to` window of a usage filter (inclusive, like the backend's `<=`). */
export type DayWindow = { day: string; from: string; to: string };

/** The last `days` local days, oldest first, ending today. Timestamps match the backend's format. */
export function lastDays(days: number, now: Date = new Date()): DayWindow[] {
  const windows: DayWindow[] = [];
  for (let back = days - 1; back >= 0; back -= 1) {
    const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - back);
    const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() - back + 1);
    const day = `${start.getFullYear()}-${String(start.getMonth() + 1).padStart(2, "0")}-${String(start.getDate()).padStart(2, "0")}`;
    windows.push({ day, from: start.toISOString(), to: new Date(next.getTime() - 1).toISOString() });
  }
  return windows;
}

/** A chart row: the day, then one cost per model (absent = nothing spent on that model that day). */
export type DailyRow = { day: string } & Record<string, number | string>;

export type DailySeries = { rows: DailyRow[]; models: string[] };

/**
 * Rows for the stacked per-day chart, straight from each day's `get_usage_by_model`: no sums or
 * rounding happen here, so every bar segment is a figure the database returned.
 */
export function toDailySeries(days: DayWindow[], perDay: UsageByModel[][]): DailySeries {
  const models: string[] = [];
  const rows = days.map((window, index) => {
    const row: DailyRow = { day: window.day };
    for (const entry of perDay[index] ?? []) {
      if (!models.includes(entry.model)) models.push(entry.model);
      row[entry.model] = entry.totalCostUsd ?? 0;
    }
    return row;
  });
  return { rows, models: models.sort() };
}
