import { describe as group, expect, it, vi } from "vitest";
import { describe, forwardConsole } from "./windowLog";

group("forwardConsole", () => {
  it("sends each console line with its level and still prints it", async () => {
    const printed: unknown[][] = [];
    const fake = {
      error: (...a: unknown[]) => printed.push(a),
      warn: (...a: unknown[]) => printed.push(a),
      info: (...a: unknown[]) => printed.push(a),
      log: (...a: unknown[]) => printed.push(a),
      debug: (...a: unknown[]) => printed.push(a),
    } as unknown as Console;
    const send = vi.fn().mockResolvedValue(undefined);
    const restore = forwardConsole(fake, send);
    fake.warn("disk", { free: 0 });
    fake.log("plain");
    fake.error(new Error("boom"));
    expect(send).toHaveBeenCalledWith("warn", 'disk {"free":0}');
    expect(send).toHaveBeenCalledWith("info", "plain");
    expect(send.mock.calls[2][0]).toBe("error");
    expect(send.mock.calls[2][1]).toContain("boom");
    expect(printed).toHaveLength(3);
    restore();
    fake.info("after");
    expect(send).toHaveBeenCalledTimes(3);
  });

  it("never throws into the page when sending fails", () => {
    const fake = { error() {}, warn() {}, info() {}, log() {}, debug() {} } as unknown as Console;
    const restore = forwardConsole(fake, () => {
      throw new Error("no ipc");
    });
    expect(() => fake.error("x")).not.toThrow();
    restore();
  });

  it("describes values that JSON cannot", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describe(cyclic)).toBe("[object Object]");
    expect(describe(undefined)).toBe("undefined");
  });
});
