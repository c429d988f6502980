import { useQuery } from "@tanstack/react-query";
import { commands, type FileRef } from "../../bindings";
import { unwrap } from "../../lib/commandError";

/** Steps 0–5 and Validate (6), as the sidebar names them (§9.4). */
export const VALIDATE_STEP = 6;
export const REVIEW_STEPS = [1, 3];

export function skillFile(name: string, path: string): FileRef {
  return { root: "skills", path: `${name}/${path}` };
}

export function useWorkflowState(name: string) {
  return useQuery({ queryKey: ["get_workflow_state", name], queryFn: () => unwrap(commands.getWorkflowState(name)) });
}

/** A text file of the skill, or null when it does not exist yet. */
export function useSkillFile(name: string, path: string, enabled = true) {
  return useQuery({
    queryKey: ["read_file", "skills", `${name}/${path}`],
    queryFn: () => unwrap(commands.readFile(skillFile(name, path))),
    enabled,
    retry: false,
  });
}

/** Cost per step of this skill (`get_usage_by_step` filtered to it; mock runs included). */
export function useStepCosts(name: string) {
  return useQuery({
    queryKey: ["get_usage_by_step", name],
    queryFn: () => unwrap(commands.getUsageByStep({ skillName: name, includeMock: true })),
    select: (rows) => new Map(rows.filter((row) => row.stepId !== null).map((row) => [row.stepId as number, row.totalCostUsd])),
  });
}

export function useStepVerification(name: string, step: number, enabled: boolean) {
  return useQuery({
    queryKey: ["verify_step_output", name, step],
    queryFn: () => unwrap(commands.verifyStepOutput(name, step)),
    enabled,
  });
}
