import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { commands } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { Input } from "../../components/ui/input";
import { toCommandError, unwrap } from "../../lib/commandError";
import { useSettings } from "../../lib/queries";
import { SettingRow, useFieldSave } from "./settingFields";

/**
 * The Anthropic API key: never shown, only its last four characters. Test checks the typed key,
 * or the stored one when nothing is typed (`test_api_key`, no tokens spent).
 */
export function ApiKeySetting() {
  const stored = useSettings().data?.anthropicApiKey;
  const [key, setKey] = useState("");
  const { save, status, pending } = useFieldSave();
  const test = useMutation({ mutationFn: (typed: string | null) => unwrap(commands.testApiKey(typed)) });
  const typed = key.trim();
  return (
    <SettingRow
      label="Anthropic API key"
      htmlFor="settings-api-key"
      testId="settings-api-key"
      help={stored?.set ? `A key ending in ${stored.hint ?? "…"} is stored (${stored.backend}).` : "No key stored: agents run in mock mode."}
    >
      <div className="flex gap-2">
        <Input
          id="settings-api-key"
          type="password"
          autoComplete="off"
          value={key}
          placeholder={stored?.set ? "Type a new key to replace it" : "sk-ant-…"}
          onChange={(event) => setKey(event.target.value)}
          data-testid="settings-api-key-input"
        />
        <Button disabled={test.isPending || (typed === "" && !stored?.set)} onClick={() => test.mutate(typed === "" ? null : typed)} data-testid="settings-api-key-test">
          {test.isPending ? "Testing…" : "Test"}
        </Button>
        <Button
          variant="primary"
          disabled={typed === "" || pending}
          onClick={() => {
            save({ anthropicApiKey: { set: typed } });
            setKey("");
          }}
          data-testid="settings-api-key-save"
        >
          Save
        </Button>
        {stored?.set && (
          <Button variant="ghost" disabled={pending} onClick={() => save({ anthropicApiKey: "clear" })} data-testid="settings-api-key-clear">
            Remove
          </Button>
        )}
      </div>
      {test.data && (
        <p className="text-sm" data-testid="settings-api-key-result" data-outcome={test.data.outcome}>
          {test.data.outcome === "valid" ? "Valid: " : test.data.outcome === "invalid" ? "Rejected: " : "Could not tell: "}
          {test.data.message}
        </p>
      )}
      {test.isError && <CommandErrorMessage error={toCommandError(test.error)} testId="settings-api-key-test-error" />}
      {status("settings-api-key")}
    </SettingRow>
  );
}
