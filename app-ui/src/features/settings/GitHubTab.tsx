import type { AppSettings } from "../../bindings";
import { GitHubSignIn } from "./GitHubSignIn";
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
          <GitHubSignIn />
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
