import type { UseQueryResult } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type RefObject, useLayoutEffect, useRef, useState } from "react";
import type { SkillSummary } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError } from "../../lib/commandError";
import type { LibraryView } from "../../stores/uiPrefs";
import { LibraryEmpty, NoMatchingSkills } from "./EmptyStates";
import { SkillCard, SkillRow } from "./SkillCard";
import type { SkillActionHandlers } from "./SkillActions";

type LibraryResultsProps = {
  query: UseQueryResult<SkillSummary[]>;
  skills: SkillSummary[];
  filtered: boolean;
  view: LibraryView;
  runningSkills: Set<string>;
  onCreate: () => void;
  onClearFilters: () => void;
} & SkillActionHandlers;

const CARD_MIN_WIDTH = 340;
const GAP = 16;
/** Rows have fixed heights (cards clip what does not fit), so scrolling never re-measures. */
const ROW_HEIGHT = { grid: 248 + GAP, list: 56 };

/** The width of an element, kept up to date (ResizeObserver where it exists). */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.offsetWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setWidth(element.offsetWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * The skills, virtualised (§9.4: smooth with 10,000): only the rows in view (plus a few) are in
 * the DOM. The grid virtualises rows of as many cards as fit the width.
 */
function VirtualSkills({ skills, view, runningSkills, ...actions }: Omit<LibraryResultsProps, "query" | "filtered" | "onCreate" | "onClearFilters">) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const columns = view === "list" ? 1 : Math.max(1, Math.floor((width + GAP) / (CARD_MIN_WIDTH + GAP)));
  const rowCount = Math.ceil(skills.length / columns);
  // The virtualizer's functions change on every scroll by design; React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT[view],
    overscan: 4,
  });
  const Item = view === "list" ? SkillRow : SkillCard;

  return (
    <div ref={scrollRef} data-testid="skill-scroll" className="min-h-0 flex-1 overflow-y-auto [scrollbar-gutter:stable]">
      <div role="list" aria-label="Skills" data-testid="skill-list" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            role="none"
            className="absolute top-0 left-0 grid w-full"
            style={{
              transform: `translateY(${row.start}px)`,
              height: row.size,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              columnGap: view === "grid" ? GAP : 0,
              paddingBottom: view === "grid" ? GAP : 0,
            }}
          >
            {skills.slice(row.index * columns, row.index * columns + columns).map((skill) => (
              <div role="listitem" key={skill.name} data-testid={`skill-card-${skill.name}`} className="min-w-0">
                <Item skill={skill} running={runningSkills.has(skill.name)} {...actions} />
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The part of the library below the toolbar: loading, error, empty or the skills. */
export function LibraryResults({ query, skills, filtered, onCreate, onClearFilters, ...rest }: LibraryResultsProps) {
  if (query.isPending) {
    return (
      <p role="status" data-testid="library-loading" className="py-16 text-center text-sm text-muted-foreground">
        Loading skills…
      </p>
    );
  }
  if (query.isError) {
    return (
      <div className="space-y-3">
        <CommandErrorMessage error={toCommandError(query.error)} testId="library-error" />
        <Button onClick={() => void query.refetch()}>Retry</Button>
      </div>
    );
  }
  if (skills.length === 0) {
    return filtered ? <NoMatchingSkills onClearFilters={onClearFilters} /> : <LibraryEmpty onCreate={onCreate} />;
  }
  return <VirtualSkills skills={skills} {...rest} />;
}
