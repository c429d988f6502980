import type { AppSettings } from "../../bindings";
import { NotYetAvailable } from "./NotYetAvailable";
import { SettingRow, TextSetting } from "./settingFields";

/** The GitHub account (written only by the device flow) and the marketplace repository. */
export function GitHubTab({ settings }: { settings: AppSettings }) {
  return (
    <div>
      <SettingRow label="GitHub account" testId="settings-github-account">
        {settings.githubUserLogin ? (
          <p className="text-sm" data-testid="settings-github-login">
            Signed in as {settings.githubUserLogin}
          </p>
        ) : (
          <NotYetAvailable what="GitHub sign-in (device flow) needs the sign-in commands, which the backend does not offer yet." testId="settings-github-signin-pending" />
        )}
      </SettingRow>
      <TextSetting
        label="Marketplace"
        help="A GitHub repository URL, e.g. https://github.com/owner/skills."
        value={settings.marketplaceUrl ?? null}
        type="url"
        mono
        testId="settings-marketplace"
        patch={(marketplaceUrl) => ({ marketplaceUrl })}
      />
    </div>
  );
}
