import type { ReactNode } from "react";

/**
 * A chart with its figures as a table: the chart is drawn for the eye, the table (visually hidden)
 * carries the same numbers for screen readers and for tests.
 */
export function ChartFrame({ title, testId, empty, chart, table }: { title: string; testId: string; empty: boolean; chart: ReactNode; table: ReactNode }) {
  return (
    <figure className="rounded-xl border border-border bg-card p-4" data-testid={testId}>
      <figcaption className="mb-3 text-sm font-medium">{title}</figcaption>
      {empty ? (
        <p className="py-8 text-center text-sm text-muted-foreground" data-testid={`${testId}-empty`}>
          No usage in this view.
        </p>
      ) : (
        <>
          <div aria-hidden="true">{chart}</div>
          <div className="sr-only">{table}</div>
        </>
      )}
    </figure>
  );
}
