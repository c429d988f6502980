import { NotYetAvailable } from "./NotYetAvailable";

/** Workspace skills (upload, marketplace, active toggle, preview, export, delete): no commands yet. */
export function SkillsTab() {
  return <NotYetAvailable what="managing workspace skills needs the import and marketplace commands, which the backend does not offer yet." testId="settings-skills-pending" />;
}
