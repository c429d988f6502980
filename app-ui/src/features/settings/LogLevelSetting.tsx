import { useMutation, useQueryClient } from "@tanstack/react-query";
import { commands, type LogLevel } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Select } from "../../components/ui/select";
import { toCommandError, unwrap } from "../../lib/commandError";
import { SettingRow } from "./settingFields";

const LEVELS: { value: LogLevel; label: string }[] = (["error", "warn", "info", "debug", "trace"] as const).map((level) => ({ value: level, label: level }));

/** `set_log_level` swaps the running filter at once and stores the level. */
export function LogLevelSetting({ value, logFilePath }: { value: LogLevel; logFilePath: string }) {
  const queryClient = useQueryClient();
  const apply = useMutation({
    mutationFn: (level: LogLevel) => unwrap(commands.setLogLevel(level)),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["get_settings"] }),
  });
  return (
    <SettingRow label="Log level" help={<span className="font-mono break-all">{logFilePath}</span>} testId="settings-log-level">
      <Select label="Log level" value={apply.isPending && apply.variables ? apply.variables : value} options={LEVELS} onValueChange={(level) => apply.mutate(level as LogLevel)} testId="settings-log-level-input" className="w-72" />
      {apply.isError && <CommandErrorMessage error={toCommandError(apply.error)} testId="settings-log-level-error" />}
      <p role="status" className="text-xs text-muted-foreground" data-testid="settings-log-level-status">
        {apply.isSuccess ? "Applied" : ""}
      </p>
    </SettingRow>
  );
}
