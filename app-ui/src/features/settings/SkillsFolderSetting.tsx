import { useState } from "react";
import type { AppSettingsView, SkillsPathMigration, SkillsPathMode } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { toCommandError } from "../../lib/commandError";
import { useSaveSettings } from "../../lib/queries";
import { type MigrationProgress, useMigrationProgress } from "./useMigrationProgress";
import { SettingRow } from "./settingFields";

const MODES: { value: SkillsPathMode; label: string }[] = [
  { value: "copy", label: "Copy my skills there (history kept)" },
  { value: "adopt", label: "Use the skills already there" },
];

const PHASES: Record<MigrationProgress["phase"], string> = { copying: "Copying", verifying: "Verifying", switching: "Switching" };

function Progress({ progress }: { progress: MigrationProgress }) {
  const percent = progress.filesTotal === 0 ? 100 : Math.round((progress.filesDone / progress.filesTotal) * 100);
  return (
    <div data-testid="skills-folder-progress">
      <div
        role="progressbar"
        aria-label="Skills folder change"
        aria-valuemin={0}
        aria-valuemax={progress.filesTotal}
        aria-valuenow={progress.filesDone}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div className="h-full bg-primary" style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-xs text-muted-foreground" data-testid="skills-folder-progress-text">
        {PHASES[progress.phase]}: {progress.filesDone} of {progress.filesTotal} files
      </p>
    </div>
  );
}

function Result({ migration }: { migration: SkillsPathMigration }) {
  return (
    <p className="text-sm" role="status" data-testid="skills-folder-result">
      {migration.mode === "copy"
        ? `Copied and verified ${migration.filesCopied} files into ${migration.to}. The old folder${migration.from ? ` ${migration.from}` : ""} is left untouched.`
        : `Now using ${migration.to}.`}
      {migration.commitSha && ` Commit ${migration.commitSha.slice(0, 8)}.`}
    </p>
  );
}

/**
 * Changing the skills folder (`save_settings` with `skillsPath: {path, mode}`, backend.md §6.6):
 * a copy is verified file by file before the switch; the backend reports progress as events.
 */
export function SkillsFolderSetting({ view }: { view: AppSettingsView }) {
  const [path, setPath] = useState("");
  const [mode, setMode] = useState<SkillsPathMode>("copy");
  const save = useSaveSettings();
  const { progress, reset } = useMigrationProgress();
  const git = view.gitStatus;
  return (
    <SettingRow
      label="Skills folder"
      htmlFor="settings-skills-folder"
      testId="settings-skills-folder"
      help={git ? (git.state === "ready" ? "A git repository: every change is committed." : `Git is off: ${git.message ?? git.reason ?? "unavailable"}.`) : undefined}
    >
      <p className="font-mono text-sm" data-testid="settings-skills-folder-current">
        {view.settings.skillsPath ?? "Not chosen"}
      </p>
      <div className="flex flex-wrap gap-2">
        <Input
          id="settings-skills-folder"
          className="min-w-64 flex-1 font-mono"
          placeholder="/absolute/path/to/new/folder"
          value={path}
          spellCheck={false}
          onChange={(event) => setPath(event.target.value)}
          data-testid="settings-skills-folder-input"
        />
        <Select label="How to change" value={mode} options={MODES} onValueChange={(value) => setMode(value as SkillsPathMode)} testId="settings-skills-folder-mode" className="w-72" />
        <Button
          variant="primary"
          disabled={path.trim() === "" || save.isPending}
          onClick={() => {
            reset();
            save.mutate({ skillsPath: { path: path.trim(), mode } }, { onSuccess: () => setPath("") });
          }}
          data-testid="settings-skills-folder-change"
        >
          {save.isPending ? "Changing…" : "Change folder"}
        </Button>
      </div>
      {save.isPending && progress && <Progress progress={progress} />}
      {save.isError && <CommandErrorMessage error={toCommandError(save.error)} testId="settings-skills-folder-error" />}
      {save.data?.skillsPathMigration && <Result migration={save.data.skillsPathMigration} />}
    </SettingRow>
  );
}
