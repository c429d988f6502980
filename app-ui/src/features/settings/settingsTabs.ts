/** The tabs of Settings (§9.4), in order; `?tab=` names one, anything else opens General. */
export const SETTINGS_TABS = [
  { id: "general", label: "General" },
  { id: "models", label: "Models and agents" },
  { id: "building", label: "Skill building" },
  { id: "skills", label: "Skills" },
  { id: "github", label: "GitHub" },
  { id: "advanced", label: "Advanced" },
] as const;

export type SettingsTab = (typeof SETTINGS_TABS)[number]["id"];

export function toSettingsTab(tab: string | undefined): SettingsTab {
  return SETTINGS_TABS.find((entry) => entry.id === tab)?.id ?? "general";
}
