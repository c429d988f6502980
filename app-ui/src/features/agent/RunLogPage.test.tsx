import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { RunTranscriptPage } from "../../bindings";
import { callsOf, mockBackend } from "../../test/backend";
import { renderApp } from "../../test/renderApp";

const text = (seq: number) => ({ seq, items: [{ kind: "text", message_id: `m${seq}`, text: `line ${seq}`, parent_tool_use_id: null }] });

function page(index: number, seqs: number[], hasMore: boolean): RunTranscriptPage {
  return { runId: "run-1", transcriptPath: "/ws/logs/sales-kpis/step0-x.jsonl", page: index, hasMore, messages: seqs.map(text) };
}

const PAGES = [page(0, [1, 2, 3], true), page(1, [4, 5], false)];

describe("run log viewer", () => {
  it("pages the transcript into the output panel, read-only", async () => {
    const calls = mockBackend({ get_run_transcript: ({ page: index }) => PAGES[index as number] });
    const { user } = renderApp({ path: "/runs/run-1" });
    expect(await screen.findByText("line 3")).toBeTruthy();
    expect(screen.queryByText("line 4")).toBeNull();
    expect(screen.getByTestId("run-log-path").textContent).toBe("/ws/logs/sales-kpis/step0-x.jsonl");
    expect(screen.queryByTestId("agent-output-stop")).toBeNull();

    await user.click(screen.getByTestId("run-log-more"));
    expect(await screen.findByText("line 5")).toBeTruthy();
    expect(callsOf(calls, "get_run_transcript")).toEqual([{ runId: "run-1", page: 0 }, { runId: "run-1", page: 1 }]);
    expect(screen.queryByTestId("run-log-more")).toBeNull();
  });

  it("replays the run item by item through the same panel", async () => {
    // jsdom lays rows out as tall as the viewport and does not scroll: few enough rows stay in view.
    const many = page(0, Array.from({ length: 6 }, (_, i) => i + 1), false);
    mockBackend({ get_run_transcript: () => many });
    const { user } = renderApp({ path: "/runs/run-1" });
    await screen.findByText("line 6");
    await user.click(screen.getByTestId("run-log-replay"));
    expect(screen.queryByText("line 6")).toBeNull();
    expect(screen.getByTestId("run-log-pause")).toBeTruthy();
    await waitFor(() => expect(screen.getByText("line 6")).toBeTruthy(), { timeout: 2000 });
    expect(screen.getByTestId("run-log-replay")).toBeTruthy();
  });

  it("shows a backend error instead of the panel", async () => {
    mockBackend({
      get_run_transcript: () => {
        throw { code: "not_found", message: "No transcript for run-1", fixHint: null, details: null };
      },
    });
    renderApp({ path: "/runs/run-1" });
    expect((await screen.findByTestId("run-log-error")).textContent).toContain("No transcript for run-1");
  });
});
