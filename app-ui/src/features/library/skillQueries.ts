import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type SkillFilter } from "../../bindings";
import { unwrap } from "../../lib/commandError";

/** Query keys follow the command names, so invalidating `list_skills` refreshes every filtered list. */
const LIST_SKILLS = "list_skills";

/** The generated argument types, whatever names tauri-specta gives them (`*_Deserialize`). */
export type NewSkill = Parameters<typeof commands.createSkill>[0];
export type MetadataPatch = Parameters<typeof commands.updateSkillMetadata>[1];
export type SuggestRequest = Parameters<typeof commands.suggestSkillFields>[0];

export function useSkills(filter: SkillFilter) {
  return useQuery({
    queryKey: [LIST_SKILLS, filter],
    queryFn: () => unwrap(commands.listSkills(filter)),
    // Keeps the current cards on screen while a new search or filter loads.
    placeholderData: keepPreviousData,
  });
}

function useLibraryMutation<A, R>(mutationFn: (args: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [LIST_SKILLS] });
      void queryClient.invalidateQueries({ queryKey: ["get_all_tags"] });
    },
  });
}

export function useCreateSkill() {
  return useLibraryMutation((req: NewSkill) => unwrap(commands.createSkill(req)));
}

export function useDeleteSkill() {
  return useLibraryMutation((name: string) => unwrap(commands.deleteSkill(name, true)));
}

export type DetailsChange = { name: string; newName: string | null; tags: string[] | null; patch: MetadataPatch | null };

/** Edit details: rename first (the other calls need the new name), then tags, then metadata. */
export function useEditDetails() {
  return useLibraryMutation(async ({ name, newName, tags, patch }: DetailsChange) => {
    let current = name;
    if (newName !== null && newName !== name) current = (await unwrap(commands.renameSkill(name, newName))).name;
    if (tags !== null) await unwrap(commands.updateSkillTags(current, tags));
    if (patch !== null) await unwrap(commands.updateSkillMetadata(current, patch));
    return current;
  });
}

/**
 * Field suggestions for the new-skill dialog. The key is the (debounced) request, so an answer to
 * an older request is never shown: it lands under its own key, which nobody reads any more.
 */
export function useFieldSuggestions(request: SuggestRequest | null) {
  return useQuery({
    queryKey: ["suggest_skill_fields", request],
    queryFn: () => unwrap(commands.suggestSkillFields(request as SuggestRequest)),
    enabled: request !== null,
    staleTime: 10 * 60 * 1000,
  });
}
