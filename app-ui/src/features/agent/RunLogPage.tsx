import { useParams } from "@tanstack/react-router";
import { Pause, Play } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError } from "../../lib/commandError";
import type { RunItem } from "../../stores/agentRuns";
import { AgentOutputPanel, type PanelRun } from "./AgentOutputPanel";
import { useRunTranscript } from "./runLogQueries";

/** Items revealed per replay tick (every 50 ms): a long run replays in seconds, not minutes. */
const REPLAY_STEP = 5;
const REPLAY_TICK_MS = 50;

/** Replays `total` items: the count shown grows each tick until all are; null shows everything. */
function useReplay(total: number) {
  const [shown, setShown] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setShown((current) => {
        const next = (current ?? 0) + REPLAY_STEP;
        if (next >= total) {
          setPlaying(false);
          return null;
        }
        return next;
      });
    }, REPLAY_TICK_MS);
    return () => clearInterval(timer);
  }, [playing, total]);
  return {
    shown,
    playing,
    start: () => {
      setShown(0);
      setPlaying(true);
    },
    pause: () => setPlaying(false),
    resume: () => setPlaying(true),
    showAll: () => {
      setPlaying(false);
      setShown(null);
    },
  };
}

/**
 * The run log viewer (`/runs/$runId`): a finished run read back from its transcript, drawn by the
 * same output panel as a live run, read-only, with Replay to watch it unfold again.
 */
export function RunLogPage() {
  const { runId } = useParams({ from: "/runs/$runId" });
  const transcript = useRunTranscript(runId);
  const items = useMemo<RunItem[]>(
    () => (transcript.data?.pages ?? []).flatMap((page) => page.messages.flatMap((message) => message.items.map((item) => ({ seq: message.seq, item })))),
    [transcript.data],
  );
  const replay = useReplay(items.length);
  const run = useMemo<PanelRun>(
    () => ({
      runId,
      label: "Run log",
      model: "",
      items: replay.shown === null ? items : items.slice(0, replay.shown),
      deltas: {},
      progress: null,
      outcome: null,
      error: null,
      summary: null,
      gap: false,
      truncatedBefore: false,
    }),
    [runId, items, replay.shown],
  );

  return (
    <section className="flex h-full min-h-0 flex-col gap-3" data-testid="run-log-page">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Run log</h1>
        <span className="font-mono text-xs text-muted-foreground">{runId}</span>
        <div className="ml-auto flex gap-2">
          {replay.shown === null ? (
            <Button size="sm" onClick={replay.start} disabled={items.length === 0} data-testid="run-log-replay">
              <Play aria-hidden="true" />
              Replay
            </Button>
          ) : (
            <>
              <Button size="sm" onClick={replay.playing ? replay.pause : replay.resume} data-testid="run-log-pause">
                {replay.playing ? <Pause aria-hidden="true" /> : <Play aria-hidden="true" />}
                {replay.playing ? "Pause" : "Resume"}
              </Button>
              <Button size="sm" onClick={replay.showAll} data-testid="run-log-show-all">
                Show all
              </Button>
            </>
          )}
        </div>
      </div>
      {transcript.isError ? (
        <CommandErrorMessage error={toCommandError(transcript.error)} testId="run-log-error" />
      ) : !transcript.data ? (
        <p className="text-sm text-muted-foreground">Loading the run log…</p>
      ) : (
        <>
          <p className="text-xs text-muted-foreground" data-testid="run-log-path">
            {transcript.data.pages[0]?.transcriptPath}
          </p>
          <div className="min-h-[24rem] flex-1">
            <AgentOutputPanel run={run} statusLabel={transcript.hasNextPage ? "partly loaded" : "log"} />
          </div>
          {transcript.hasNextPage && (
            <Button className="self-center" onClick={() => void transcript.fetchNextPage()} disabled={transcript.isFetchingNextPage} data-testid="run-log-more">
              {transcript.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          )}
        </>
      )}
    </section>
  );
}
