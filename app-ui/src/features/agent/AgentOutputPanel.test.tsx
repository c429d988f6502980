import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Value } from "../../bindings";
import { AgentOutputPanel, type PanelRun } from "./AgentOutputPanel";

function panelRun(items: Value[], overrides: Partial<PanelRun> = {}): PanelRun {
  return {
    runId: "r1",
    label: "research",
    model: "sonnet",
    items: items.map((item, index) => ({ seq: index + 1, item })),
    deltas: {},
    progress: null,
    outcome: null,
    error: null,
    summary: null,
    gap: false,
    truncatedBefore: false,
    ...overrides,
  };
}

const text = (t: string, parent: string | null = null, id = "m1") => ({ kind: "text", message_id: id, text: t, parent_tool_use_id: parent });
const toolUse = (id: string, name: string, input: Value, parent: string | null = null) => ({ kind: "tool_use", message_id: `m-${id}`, tool_use_id: id, name, input, parent_tool_use_id: parent });
const toolResult = (id: string, t: string, isError = false) => ({ kind: "tool_result", tool_use_id: id, is_error: isError, text: t, truncated: false });

// A browser fires `scroll` (asynchronously) after a programmatic scroll; jsdom does not, so the
// virtualizer would never learn the panel moved to its end.
const scrollTop = Object.getOwnPropertyDescriptor(Element.prototype, "scrollTop");
beforeAll(() => {
  Object.defineProperty(Element.prototype, "scrollTop", {
    configurable: true,
    get() {
      return scrollTop?.get?.call(this);
    },
    set(value: number) {
      scrollTop?.set?.call(this, value);
      queueMicrotask(() => this.dispatchEvent(new Event("scroll")));
    },
  });
});
afterAll(() => {
  if (scrollTop) Object.defineProperty(Element.prototype, "scrollTop", scrollTop);
});

describe("agent output panel", () => {
  it("shows a tool call collapsed as name and summary, with input and result on demand", async () => {
    const user = userEvent.setup();
    render(<AgentOutputPanel run={panelRun([toolUse("t1", "Read", { file_path: "/ws/context/plan.md" }), toolResult("t1", "file body")])} />);
    const call = screen.getByTestId("tool-call-t1");
    expect(call.textContent).toContain("Read");
    expect(call.textContent).toContain("/ws/context/plan.md");
    expect(screen.queryByTestId("tool-detail-t1")).toBeNull();
    await user.click(screen.getByTestId("tool-toggle-t1"));
    const detail = screen.getByTestId("tool-detail-t1");
    expect(detail.textContent).toContain('"file_path": "/ws/context/plan.md"');
    expect(detail.textContent).toContain("file body");
  });

  it("collapses consecutive tool calls into one line", async () => {
    const user = userEvent.setup();
    render(
      <AgentOutputPanel
        run={panelRun([
          toolUse("t1", "Read", { file_path: "a.md" }),
          toolResult("t1", "a"),
          toolUse("t2", "Grep", { pattern: "kpi" }),
          toolResult("t2", "no match", true),
          toolUse("t3", "Read", { file_path: "b.md" }),
          text("Found them."),
        ])}
      />,
    );
    const rows = screen.getAllByTestId("agent-output-row").map((row) => row.textContent ?? "");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain("3 tool calls");
    expect(rows[0]).toContain("Read, Grep");
    expect(screen.queryByTestId("tool-call-t2")).toBeNull();
    await user.click(screen.getByTestId("tool-group-toggle"));
    expect(screen.getByTestId("tool-call-t2").textContent).toContain("kpi");
  });

  it("nests a delegated agent's items under the Agent call that started it", async () => {
    const user = userEvent.setup();
    render(
      <AgentOutputPanel
        run={panelRun([
          text("Delegating the research."),
          toolUse("t1", "Agent", { description: "Research metrics", prompt: "…" }),
          text("Sub-agent reading the plan", "t1", "s1"),
          toolUse("t2", "Read", { file_path: "plan.md" }, "t1"),
          toolResult("t2", "plan"),
          toolResult("t1", "Sub-agent done"),
          text("All done."),
        ])}
      />,
    );
    const rows = screen.getAllByTestId("agent-output-row").map((row) => row.textContent ?? "");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain("Research metrics");
    expect(rows[1]).toContain("2 items");
    expect(screen.queryByText("Sub-agent reading the plan")).toBeNull();

    await user.click(screen.getByTestId("tool-toggle-t1"));
    const nested = screen.getByTestId("subagent-t1");
    expect(within(nested).getByText("Sub-agent reading the plan")).toBeTruthy();
    expect(within(nested).getByTestId("tool-call-t2")).toBeTruthy();
    expect(screen.getByTestId("tool-detail-t1").textContent).toContain("Sub-agent done");
  });

  it("renders Markdown (GFM) but never raw HTML", () => {
    render(<AgentOutputPanel run={panelRun([text("**bold** and ~~gone~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<img src=x onerror=alert(1)>")])} />);
    const list = screen.getByTestId("agent-output-list");
    expect(list.querySelector("strong")?.textContent).toBe("bold");
    expect(list.querySelector("del")?.textContent).toBe("gone");
    expect(list.querySelector("table")).not.toBeNull();
    expect(list.querySelector("img")).toBeNull();
  });

  it("hides thinking until asked, and shows the figures in the header", async () => {
    const user = userEvent.setup();
    render(
      <AgentOutputPanel
        run={panelRun(
          [
            { kind: "usage_snapshot", message_id: "m1", input_tokens: 100_000, cache_read_input_tokens: 20_000, cache_creation_input_tokens: 0 },
            { kind: "thinking", message_id: "m1", text: "Let me think", redacted: false },
            text("Answer"),
          ],
          { progress: "Retrying in 4 s (attempt 2/6): overloaded" },
        )}
        onStop={() => undefined}
      />,
    );
    expect(screen.queryByTestId("thinking-row")).toBeNull();
    await user.click(screen.getByTestId("show-thinking"));
    expect(screen.getByTestId("thinking-row").textContent).toContain("Let me think");
    expect(screen.getByTestId("agent-output-turns").textContent).toBe("1 turns");
    expect(screen.getByTestId("agent-output-tokens").textContent).toBe("120,000 tokens");
    // 120k of 200k: 60 %, amber.
    expect(screen.getByRole("meter", { name: "Context used" }).getAttribute("aria-valuenow")).toBe("60");
    expect(screen.getByTestId("context-meter-fill").className).toContain("bg-amber-500");
    expect(screen.getByTestId("agent-output-progress").textContent).toBe("Retrying in 4 s (attempt 2/6): overloaded");
    expect(screen.getByTestId("agent-output-stop")).toBeTruthy();
  });

  it("shows the cost and turns of the summary once the run ended, without Stop", () => {
    render(<AgentOutputPanel run={panelRun([text("done")], { outcome: "completed", summary: { numTurns: 7, costUsd: 0.42 } })} onStop={() => undefined} />);
    expect(screen.getByTestId("agent-output-turns").textContent).toBe("7 turns");
    expect(screen.getByTestId("agent-output-cost").textContent).toBe("$0.42");
    expect(screen.getByTestId("agent-output-status").textContent).toBe("completed");
    expect(screen.queryByTestId("agent-output-stop")).toBeNull();
  });

  it("shows streaming text after the items and marks a gap and a truncated start", () => {
    render(
      <AgentOutputPanel
        run={panelRun([text("first")], {
          deltas: { "m2:0": { messageId: "m2", index: 0, block: "text", text: "stream so far" } },
          gap: true,
          truncatedBefore: true,
        })}
      />,
    );
    const rows = screen.getAllByTestId("agent-output-row").map((row) => row.textContent);
    expect(rows).toEqual(["Earlier output is in the run log.", "first", "stream so far", "Some streamed output was dropped; reloading the run…"]);
  });

  it("renders only a window of 5,000 items, ending at the latest", async () => {
    const items = Array.from({ length: 5000 }, (_, i) => text(`item ${i + 1}`, null, `m${i}`));
    render(<AgentOutputPanel run={panelRun(items)} />);
    await screen.findByText("item 5000");
    const rows = screen.getAllByTestId("agent-output-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(rows.at(-1)?.textContent).toBe("item 5000");
  });

  it("stops following new output when the user scrolls up, and Jump to latest resumes", async () => {
    const user = userEvent.setup();
    const items = Array.from({ length: 500 }, (_, i) => text(`item ${i + 1}`, null, `m${i}`));
    const { rerender } = render(<AgentOutputPanel run={panelRun(items)} />);
    await screen.findByText("item 500");
    const scroller = screen.getByTestId("agent-output-scroll");
    expect(scroller.scrollTop).toBeGreaterThan(0);
    expect(screen.queryByTestId("jump-to-latest")).toBeNull();

    await act(async () => {
      scroller.scrollTop = 100;
    });
    expect(screen.getByTestId("jump-to-latest")).toBeTruthy();
    rerender(<AgentOutputPanel run={panelRun([...items, text("new", null, "new")])} />);
    expect(scroller.scrollTop).toBe(100);
    expect(screen.queryByText("new")).toBeNull();

    await user.click(screen.getByTestId("jump-to-latest"));
    expect(screen.queryByTestId("jump-to-latest")).toBeNull();
    expect(scroller.scrollTop).toBeGreaterThan(100);
    expect(await screen.findByText("new")).toBeTruthy();
  });
});
