import type { AppSettingsView } from "../../bindings";
import { ClearWorkspaceSetting } from "./ClearWorkspaceSetting";
import { LogLevelSetting } from "./LogLevelSetting";
import { NumberSetting, SettingRow, SwitchSetting, TextSetting } from "./settingFields";
import { SkillsFolderSetting } from "./SkillsFolderSetting";

export function AdvancedTab({ view }: { view: AppSettingsView }) {
  const { settings } = view;
  return (
    <div>
      <LogLevelSetting value={settings.logLevel ?? "info"} logFilePath={view.logFilePath} />
      <NumberSetting
        label="Keep transcripts (days)"
        help="1 to 365; older run transcripts are removed at startup."
        value={settings.transcriptRetentionDays ?? 30}
        testId="settings-retention"
        patch={(transcriptRetentionDays) => ({ transcriptRetentionDays })}
      />
      <SkillsFolderSetting view={view} />
      <SwitchSetting label="Commit automatically" help="Commit every change to the skills folder." checked={settings.gitAutoCommit ?? true} testId="settings-git-auto" patch={(gitAutoCommit) => ({ gitAutoCommit })} />
      <SwitchSetting
        label="Allow a folder inside another repository"
        checked={settings.gitAllowNested ?? false}
        testId="settings-git-nested"
        patch={(gitAllowNested) => ({ gitAllowNested })}
      />
      <ClearWorkspaceSetting workspacePath={view.workspacePath} />
      <SettingRow label="App data" testId="settings-data-dir">
        <p className="font-mono text-sm break-all">{view.dataDir}</p>
      </SettingRow>
      <TextSetting
        label="Claude Code path"
        help="Empty to use the bundled binary."
        value={settings.claudeCodePath ?? null}
        mono
        testId="settings-claude-path"
        patch={(claudeCodePath) => ({ claudeCodePath })}
      />
      <SwitchSetting
        label="Developer: mock agents"
        help="Agents replay recorded runs: no API calls, no cost."
        checked={settings.agentBackend === "mock"}
        testId="settings-mock"
        patch={(mock) => ({ agentBackend: mock ? "mock" : "sdk" })}
      />
    </div>
  );
}
