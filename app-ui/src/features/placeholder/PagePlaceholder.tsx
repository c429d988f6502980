/** A page whose backend commands do not exist yet: only its route and title (no mock-up). */
export function PagePlaceholder({ title, testId }: { title: string; testId: string }) {
  return (
    <section data-testid={testId}>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
    </section>
  );
}
