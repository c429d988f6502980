import { describe, expect, it } from "vitest";
import { frameBatcher } from "./frames";

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(null)));

describe("frameBatcher", () => {
  it("hands over everything pushed within a frame as one batch, in order", async () => {
    const batches: number[][] = [];
    const batcher = frameBatcher<number>((batch) => batches.push(batch));
    for (let i = 0; i < 2000; i += 1) batcher.push(i);
    expect(batches).toEqual([]);
    await nextFrame();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(2000);
    expect(batches[0][1999]).toBe(1999);
  });

  it("holds items back until released, then flushes them at once", async () => {
    const batches: string[][] = [];
    const batcher = frameBatcher<string>((batch) => batches.push(batch));
    batcher.hold();
    batcher.push("live-1");
    await nextFrame();
    expect(batches).toEqual([]);
    batcher.release();
    expect(batches).toEqual([["live-1"]]);
  });
});
