import type { AppSettings } from "../../bindings";
import { Select } from "../../components/ui/select";
import { type Theme, useUiPrefs } from "../../stores/uiPrefs";
import { ApiKeySetting } from "./ApiKeySetting";
import { SettingRow, TextSetting } from "./settingFields";

const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** The theme lives in `useUiPrefs`, which saves it to `ui_prefs` itself. */
function AppearanceSetting() {
  const theme = useUiPrefs((state) => state.theme);
  const setTheme = useUiPrefs((state) => state.setTheme);
  return (
    <SettingRow label="Appearance" testId="settings-theme">
      <Select label="Appearance" value={theme} options={THEMES} onValueChange={(value) => setTheme(value as Theme)} testId="settings-theme-input" className="w-72" />
    </SettingRow>
  );
}

export function GeneralTab({ settings }: { settings: AppSettings }) {
  return (
    <div>
      <ApiKeySetting />
      <TextSetting
        label="Industry"
        help="Gives suggestions and research your context (up to 200 characters)."
        value={settings.industry ?? null}
        testId="settings-industry"
        patch={(industry) => ({ industry })}
      />
      <TextSetting label="Function" help="Your role, e.g. “Revenue operations”." value={settings.functionRole ?? null} testId="settings-function" patch={(functionRole) => ({ functionRole })} />
      <AppearanceSetting />
    </div>
  );
}
