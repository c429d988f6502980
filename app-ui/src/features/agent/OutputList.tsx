import { measureElement, useVirtualizer } from "@tanstack/react-virtual";
import { ArrowDown } from "lucide-react";
import { useCallback, useLayoutEffect, useRef, useState } from "react";
import { Button } from "../../components/ui/button";
import { type Expansion, OutputRow } from "./OutputRow";
import type { Row } from "./rows";

/** Closer than this to the end counts as "at the end": the list keeps following new output. */
const FOLLOW_SLACK_PX = 48;
const ESTIMATED_ROW_PX = 40;

type OutputListProps = { rows: Row[]; expansion: Expansion; label: string };

/**
 * The run's rows, virtualised (only those in view are in the DOM, so 5,000 items scroll
 * smoothly). It follows new output while the user is at the end; scrolling up stops that, and
 * "Jump to latest" resumes it (§9.4).
 */
export function OutputList({ rows, expansion, label }: OutputListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's functions change on every scroll by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 6,
    // Rows vary in height; an element without layout (measured 0) keeps the estimate.
    measureElement: (element, entry, instance) => measureElement(element, entry, instance) || ESTIMATED_ROW_PX,
  });

  const toEnd = useCallback(() => {
    const element = scrollRef.current;
    if (element) element.scrollTop = virtualizer.getTotalSize();
  }, [virtualizer]);

  // Follow new rows, and rows that grew once measured.
  const totalSize = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    if (following && rows.length > 0) toEnd();
  }, [following, rows, totalSize, toEnd]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    const distance = virtualizer.getTotalSize() - (element.scrollTop + element.clientHeight);
    setFollowing(distance <= FOLLOW_SLACK_PX);
  };

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scrollRef} onScroll={onScroll} className="h-full overflow-y-auto px-3" data-testid="agent-output-scroll">
        <div role="log" aria-label={label} className="relative w-full" style={{ height: totalSize }} data-testid="agent-output-list">
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="absolute top-0 left-0 w-full py-1"
                style={{ transform: `translateY(${item.start}px)` }}
                data-testid="agent-output-row"
              >
                <OutputRow row={row} expansion={expansion} />
              </div>
            );
          })}
        </div>
      </div>
      {!following && (
        <Button size="sm" variant="primary" className="absolute right-4 bottom-3" onClick={() => setFollowing(true)} data-testid="jump-to-latest">
          <ArrowDown aria-hidden="true" />
          Jump to latest
        </Button>
      )}
    </div>
  );
}
