import type { AppSettings } from "../../bindings";
import { NumberSetting } from "./settingFields";

export function BuildingTab({ settings }: { settings: AppSettings }) {
  return (
    <div>
      <NumberSetting
        label="Research scope"
        help="How many dimensions research explores, 1 to 18."
        value={settings.maxDimensions ?? 5}
        testId="settings-dimensions"
        patch={(maxDimensions) => ({ maxDimensions })}
      />
    </div>
  );
}
