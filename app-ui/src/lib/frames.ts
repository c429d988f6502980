/**
 * Collects items and hands them over once per animation frame (agents-and-workflow.md §4.3),
 * so a flood of agent events costs one store update per frame, not one per event.
 */
export function frameBatcher<T>(flush: (batch: T[]) => void) {
  let queue: T[] = [];
  let scheduled = false;
  let held = false;
  const schedule =
    typeof requestAnimationFrame === "function" ? requestAnimationFrame : (run: () => void) => setTimeout(run, 16);
  const run = () => {
    scheduled = false;
    if (held || queue.length === 0) return;
    const batch = queue;
    queue = [];
    flush(batch);
  };
  return {
    push(item: T) {
      queue.push(item);
      if (!scheduled && !held) {
        scheduled = true;
        schedule(run);
      }
    },
    /** Holds items back (while a replay snapshot loads); `release` flushes them after it. */
    hold() {
      held = true;
    },
    release() {
      held = false;
      run();
    },
  };
}
