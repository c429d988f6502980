import { useQuery } from "@tanstack/react-query";
import { type AppSettings, commands } from "../../bindings";
import { toCommandError, unwrap } from "../../lib/commandError";
import { useSettings } from "../../lib/queries";
import { NumberSetting, SelectSetting, SwitchSetting } from "./settingFields";

/** Tier aliases, resolved by the backend to the newest model of the tier; always offered. */
const ALIASES = [
  { value: "sonnet", label: "Sonnet (newest)" },
  { value: "opus", label: "Opus (newest)" },
  { value: "haiku", label: "Haiku (newest)" },
];

function useModels(enabled: boolean) {
  return useQuery({ queryKey: ["list_models"], queryFn: () => unwrap(commands.listModels(null)), enabled, staleTime: 10 * 60 * 1000 });
}

function ModelSetting({ value }: { value: string }) {
  const keySet = useSettings().data?.anthropicApiKey.set ?? false;
  const models = useModels(keySet);
  const options = [...ALIASES, ...(models.data ?? []).map((model) => ({ value: model.id, label: `${model.displayName} (${model.id})` }))];
  if (!options.some((option) => option.value === value)) options.push({ value, label: value });
  const help = !keySet
    ? "Only the aliases: no API key to list models with."
    : models.isError
      ? `Only the aliases: ${toCommandError(models.error).message}`
      : models.isPending
        ? "Listing models…"
        : "Aliases follow the newest model of their tier.";
  return <SelectSetting label="Preferred model" help={help} value={value} options={options} testId="settings-model" patch={(preferredModel) => ({ preferredModel })} />;
}

export function ModelsTab({ settings }: { settings: AppSettings }) {
  return (
    <div>
      <ModelSetting value={settings.preferredModel ?? "sonnet"} />
      <SwitchSetting
        label="Extended thinking"
        help="Agents that reason get a thinking budget of 16,000 tokens."
        checked={settings.extendedThinking ?? false}
        testId="settings-thinking"
        patch={(extendedThinking) => ({ extendedThinking })}
      />
      <NumberSetting label="Agents at once" help="1 to 8." value={settings.maxParallelAgents ?? 4} testId="settings-parallel" patch={(maxParallelAgents) => ({ maxParallelAgents })} />
      <NumberSetting
        label="Run timeout (minutes)"
        help="5 to 240; a run is stopped after this long."
        value={settings.agentRunTimeoutMin ?? 45}
        testId="settings-timeout"
        patch={(agentRunTimeoutMin) => ({ agentRunTimeoutMin })}
      />
      <NumberSetting
        label="Cost cap per run (USD)"
        help="Empty for no cap."
        value={settings.maxBudgetUsd ?? null}
        testId="settings-budget"
        patch={(maxBudgetUsd) => ({ maxBudgetUsd })}
      />
    </div>
  );
}
