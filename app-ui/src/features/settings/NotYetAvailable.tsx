/** A part of Settings whose backend commands do not exist yet: said plainly, never mocked up. */
export function NotYetAvailable({ what, testId }: { what: string; testId: string }) {
  return (
    <p className="rounded-lg border border-dashed border-border px-3 py-4 text-sm text-muted-foreground" data-testid={testId}>
      Not available yet: {what}
    </p>
  );
}
