import { Button } from "../../components/ui/button";

export function LibraryEmpty({ onCreate }: { onCreate: () => void }) {
  return (
    <div data-testid="library-empty" className="rounded-xl border border-dashed border-border bg-card px-6 py-16 text-center">
      <h2 className="text-base font-semibold text-foreground">No skills yet</h2>
      <p className="mt-1 text-sm text-muted-foreground">Create a skill and the guided workflow will research and write it with you.</p>
      <Button variant="primary" className="mt-5" data-testid="library-empty-create" onClick={onCreate}>
        Create your first skill
      </Button>
    </div>
  );
}

export function NoMatchingSkills({ onClearFilters }: { onClearFilters: () => void }) {
  return (
    <div data-testid="library-no-match" className="rounded-xl border border-dashed border-border bg-card px-6 py-12 text-center">
      <h2 className="text-base font-semibold text-foreground">No skills match</h2>
      <Button className="mt-4" onClick={onClearFilters}>
        Clear filters
      </Button>
    </div>
  );
}
