import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type SkillFilter } from "../../bindings";
import { unwrap } from "../../lib/commandError";

/** Query keys follow the command names, so invalidating `list_skills` refreshes every filtered list. */
const LIST_SKILLS = "list_skills";

/** The generated argument type, whatever name tauri-specta gives it (e.g. `CreateSkillRequest_Deserialize`). */
type NewSkill = Parameters<typeof commands.createSkill>[0];

export function useSkills(filter: SkillFilter) {
  return useQuery({
    queryKey: [LIST_SKILLS, filter],
    queryFn: () => unwrap(commands.listSkills(filter)),
    // Keeps the current cards on screen while a new search or filter loads.
    placeholderData: keepPreviousData,
  });
}

export function useCreateSkill() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: NewSkill) => unwrap(commands.createSkill(req)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [LIST_SKILLS] }),
  });
}

export function useDeleteSkill() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(commands.deleteSkill(name, true)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [LIST_SKILLS] }),
  });
}
