import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type SkillCommit } from "../../bindings";
import { unwrap } from "../../lib/commandError";

export const HISTORY_PAGE = 50;

/** The skill's commits, newest first, a page at a time: the next page starts before the last sha. */
export function useSkillHistory(name: string) {
  return useInfiniteQuery({
    queryKey: ["get_skill_history", name],
    queryFn: ({ pageParam }) => unwrap(commands.getSkillHistory(name, HISTORY_PAGE, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (page: SkillCommit[]) => (page.length === HISTORY_PAGE ? (page.at(-1)?.sha ?? null) : null),
  });
}

/**
 * The commit before `sha` in the skill's history (its folder's previous state), or `null` for the
 * commit that created it. Known from the loaded list when it holds a later page, else asked for.
 */
export function usePreviousCommit(name: string, sha: string, loaded: SkillCommit[], complete: boolean) {
  const index = loaded.findIndex((commit) => commit.sha === sha);
  const known = index >= 0 && (index + 1 < loaded.length || complete);
  const asked = useQuery({
    queryKey: ["get_skill_history", name, "before", sha],
    queryFn: async () => (await unwrap(commands.getSkillHistory(name, 1, sha)))[0] ?? null,
    enabled: !known,
  });
  if (known) return { data: loaded[index + 1] ?? null, isPending: false, error: null };
  return { data: asked.data, isPending: asked.isPending, error: asked.error };
}

/** `toSha: null` compares with the working folder (the current state, uncommitted files included). */
export function useSkillDiff(name: string, fromSha: string | null, toSha: string | null) {
  return useQuery({
    queryKey: ["get_skill_diff", name, fromSha, toSha],
    queryFn: () => unwrap(commands.getSkillDiff(name, fromSha as string, toSha)),
    enabled: fromSha !== null,
  });
}

export function useRestoreVersion(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sha: string) => unwrap(commands.restoreSkillVersion(name, sha)),
    onSuccess: () => {
      for (const key of ["get_skill_history", "get_skill_diff", "list_skills"]) void queryClient.invalidateQueries({ queryKey: [key] });
    },
  });
}
