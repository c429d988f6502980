import { useNavigate, useSearch } from "@tanstack/react-router";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { useSkills } from "../library/skillQueries";
import { ALL, SkillPicker } from "./SkillPicker";
import { RefineSession } from "./RefineSession";
import { useRefineSession } from "./refineQueries";

function SessionLoader({ skill, findings }: { skill: string; findings: string | undefined }) {
  const { session, markClosed, restart } = useRefineSession(skill);
  if (session.status === "starting") return <p className="text-sm text-muted-foreground">Starting a refine session…</p>;
  if (session.status === "failed") return <CommandErrorMessage error={session.error} testId="refine-start-error" />;
  return (
    <RefineSession
      key={session.info.sessionId}
      info={session.info}
      initialDraft={findings}
      onClosed={(id) => {
        markClosed(id);
        restart();
      }}
    />
  );
}

/** `/refine?skill=`: chat with the refine agent about a finished skill, then save or discard. */
export function RefinePage() {
  const { skill, findings } = useSearch({ from: "/refine" });
  const skills = useSkills(ALL);
  const navigate = useNavigate();
  return (
    <section className="flex h-full min-h-0 flex-col gap-4" data-testid="refine-page">
      <header className="flex flex-wrap items-center gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">Refine</h1>
        <SkillPicker skills={skills.data ?? []} value={skill ?? ""} onChange={(name) => void navigate({ to: "/refine", search: name ? { skill: name } : {} })} />
      </header>
      {skill ? <SessionLoader key={skill} skill={skill} findings={findings} /> : <p className="text-sm text-muted-foreground">Choose a skill to refine.</p>}
    </section>
  );
}
