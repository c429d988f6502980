import { useInfiniteQuery } from "@tanstack/react-query";
import { commands } from "../../bindings";
import { unwrap } from "../../lib/commandError";

/** A run's transcript, page by page (`get_run_transcript`, about 2,000 items a page, §4.4). */
export function useRunTranscript(runId: string) {
  return useInfiniteQuery({
    queryKey: ["get_run_transcript", runId],
    queryFn: ({ pageParam }) => unwrap(commands.getRunTranscript(runId, pageParam)),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.hasMore ? last.page + 1 : undefined),
  });
}
