import { useParams } from "@tanstack/react-router";
import { LockBanner } from "./LockBanner";
import { useSkillLock } from "./useSkillLock";

/**
 * The workflow page of one skill (`/skill/$name`). The workflow commands do not exist yet, so it
 * holds the skill's lock and shows the lost-lock banner; the step views come with them.
 */
export function WorkflowPage() {
  const { name } = useParams({ from: "/skill/$name" });
  const { lock, retry } = useSkillLock(name, "workflow");
  const blocked = lock.status === "lost" || lock.status === "denied";
  return (
    <section data-testid={`workflow-page-${name}`}>
      <LockBanner lock={lock} onRetry={retry} />
      <div inert={blocked}>
        <h1 className="font-mono text-2xl font-semibold tracking-tight">{name}</h1>
      </div>
    </section>
  );
}
