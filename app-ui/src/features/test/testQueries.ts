import { useMutation } from "@tanstack/react-query";
import { commands, type TestMode } from "../../bindings";
import { unwrap } from "../../lib/commandError";

export type CostCaps = Parameters<typeof commands.runSkillEvals>[2];

/** Prepares the two folders, then starts both plans (agents-and-workflow.md §7.2 steps 1–2). */
export function useRunTest(skill: string) {
  return useMutation({
    mutationFn: async ({ mode, prompt }: { mode: TestMode; prompt: string }) => {
      const { testId } = await unwrap(commands.prepareSkillTest(skill, mode));
      const handles = await unwrap(commands.startSkillTest(testId, prompt));
      return { testId, withRun: handles.with.runId, withoutRun: handles.without.runId };
    },
  });
}

export function useStopTest() {
  return useMutation({ mutationFn: (testId: string) => unwrap(commands.stopSkillTest(testId)) });
}

/** Repeated evals: a fresh test folder unless resuming the one a budget stop left. */
export function useRunEvals(skill: string) {
  return useMutation({
    mutationFn: async ({ testId, mode, runs, caps }: { testId: string | null; mode: TestMode; runs: number; caps: CostCaps }) => {
      const id = testId ?? (await unwrap(commands.prepareSkillTest(skill, mode))).testId;
      return unwrap(commands.runSkillEvals(id, runs, caps, testId !== null));
    },
  });
}

/** A dollar amount from a field; empty means no cap. */
export function capValue(text: string): number | null {
  const value = Number.parseFloat(text);
  return Number.isFinite(value) && value > 0 ? value : null;
}
