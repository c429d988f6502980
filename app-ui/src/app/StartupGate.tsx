import type { ReactNode } from "react";
import { CommandErrorMessage } from "../components/CommandErrorMessage";
import { Button } from "../components/ui/button";
import { toCommandError } from "../lib/commandError";
import { useSettings, useStartupDeps } from "../lib/queries";
import { useAppStatus } from "../stores/appStatus";
import { SetupScreen } from "./SetupScreen";
import { StartupSplash } from "./StartupSplash";

/**
 * Startup (§9.2): the dependency splash until the checks pass (or the user goes on without
 * agents), then the setup screen on a first start with no skills folder chosen, then the app.
 * Checks that fail without blocking agents do not stop here; the shell shows them.
 */
export function StartupGate({ children }: { children: ReactNode }) {
  const deps = useStartupDeps();
  const settings = useSettings();
  const acknowledged = useAppStatus((state) => state.depsAcknowledged);
  const acknowledge = useAppStatus((state) => state.acknowledgeDeps);

  const blockingFailure = deps.isError || (deps.data?.checks.some((check) => !check.ok && check.blocking) ?? false);
  if (deps.isPending || (blockingFailure && !acknowledged)) return <StartupSplash onContinue={acknowledge} />;
  if (settings.isPending) return <StartupSplash onContinue={acknowledge} waiting />;
  if (settings.isError) {
    return (
      <main className="grid min-h-screen place-items-center p-6">
        <div className="w-full max-w-lg space-y-3">
          <CommandErrorMessage error={toCommandError(settings.error)} testId="settings-error" />
          <Button onClick={() => void settings.refetch()}>Retry</Button>
        </div>
      </main>
    );
  }
  const { skillsPath, splashShown } = settings.data.settings;
  if (skillsPath === null && !splashShown) return <SetupScreen />;
  return children;
}
