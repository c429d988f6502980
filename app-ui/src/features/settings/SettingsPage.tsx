import { useNavigate, useSearch } from "@tanstack/react-router";
import type { ReactNode } from "react";
import type { AppSettingsView } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../../components/ui/tabs";
import { toCommandError } from "../../lib/commandError";
import { useSettings } from "../../lib/queries";
import { AdvancedTab } from "./AdvancedTab";
import { BuildingTab } from "./BuildingTab";
import { GeneralTab } from "./GeneralTab";
import { GitHubTab } from "./GitHubTab";
import { ModelsTab } from "./ModelsTab";
import { SETTINGS_TABS, type SettingsTab, toSettingsTab } from "./settingsTabs";
import { SkillsTab } from "./SkillsTab";

function tabBody(tab: SettingsTab, view: AppSettingsView): ReactNode {
  switch (tab) {
    case "general":
      return <GeneralTab settings={view.settings} />;
    case "models":
      return <ModelsTab settings={view.settings} />;
    case "building":
      return <BuildingTab settings={view.settings} />;
    case "skills":
      return <SkillsTab />;
    case "github":
      return <GitHubTab settings={view.settings} />;
    case "advanced":
      return <AdvancedTab view={view} />;
  }
}

/** Settings (`/settings?tab=`, §9.4): the tab follows the URL, and every field saves on its own. */
export function SettingsPage() {
  const { tab } = useSearch({ from: "/settings" });
  const navigate = useNavigate();
  const settings = useSettings();
  const current = toSettingsTab(tab);
  return (
    <section data-testid="settings-page" className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
      {settings.isError && <CommandErrorMessage error={toCommandError(settings.error)} testId="settings-error" />}
      <Tabs value={current} onValueChange={(next) => void navigate({ to: "/settings", search: { tab: next }, replace: true })}>
        <TabsList aria-label="Settings sections">
          {SETTINGS_TABS.map((entry) => (
            <TabsTrigger key={entry.id} value={entry.id} data-testid={`settings-tab-${entry.id}`}>
              {entry.label}
            </TabsTrigger>
          ))}
        </TabsList>
        {settings.data && (
          <TabsContent value={current} className="max-w-4xl rounded-xl border border-border bg-card px-4" data-testid={`settings-panel-${current}`}>
            {tabBody(current, settings.data)}
          </TabsContent>
        )}
      </Tabs>
    </section>
  );
}
