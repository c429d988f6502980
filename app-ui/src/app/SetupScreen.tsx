import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { commands } from "../bindings";
import { CommandErrorMessage } from "../components/CommandErrorMessage";
import { Button } from "../components/ui/button";
import { Input, Label } from "../components/ui/input";
import { toCommandError, unwrap } from "../lib/commandError";
import { useSaveSettings } from "../lib/queries";

type SettingsPatch = Parameters<typeof commands.saveSettings>[0];

/**
 * First start (§9.2): the API key with Test and the skills folder, then Get started. Both may be
 * left as they are: without a key agents run in mock mode, and the default folder is used.
 */
export function SetupScreen() {
  const defaultPath = useQuery({ queryKey: ["get_default_skills_path"], queryFn: () => unwrap(commands.getDefaultSkillsPath()) });
  const [apiKey, setApiKey] = useState("");
  const [folder, setFolder] = useState<string | null>(null);
  const test = useMutation({ mutationFn: (key: string) => unwrap(commands.testApiKey(key)) });
  const save = useSaveSettings();
  const shownFolder = folder ?? defaultPath.data ?? "";

  function submit(event: FormEvent) {
    event.preventDefault();
    const patch: SettingsPatch = { splashShown: true };
    if (apiKey.trim() !== "") patch.anthropicApiKey = { set: apiKey.trim() };
    if (folder !== null && folder.trim() !== "" && folder.trim() !== defaultPath.data) patch.skillsPath = folder.trim();
    save.mutate(patch);
  }

  return (
    <main className="grid min-h-screen place-items-center p-6" data-testid="setup-screen">
      <form onSubmit={submit} className="w-full max-w-lg space-y-5 rounded-xl bg-card p-6 shadow-sm ring-1 ring-border">
        <div>
          <h1 className="text-lg font-semibold">Welcome to Skill Builder</h1>
          <p className="mt-1 text-sm text-muted-foreground">Two things before you start; both can be changed later in Settings.</p>
        </div>
        <div>
          <Label htmlFor="setup-api-key">Anthropic API key</Label>
          <div className="mt-1 flex gap-2">
            <Input
              id="setup-api-key"
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(event) => setApiKey(event.target.value)}
              placeholder="sk-ant-…"
              data-testid="setup-api-key"
            />
            <Button disabled={apiKey.trim() === "" || test.isPending} onClick={() => test.mutate(apiKey.trim())} data-testid="setup-test-key">
              {test.isPending ? "Testing…" : "Test"}
            </Button>
          </div>
          <p className="mt-1 text-xs text-muted-foreground" role="status" data-testid="setup-key-result">
            {test.data ? test.data.message : "Without a key, agents run in mock mode."}
          </p>
          {test.isError && <CommandErrorMessage error={toCommandError(test.error)} testId="setup-key-error" />}
        </div>
        <div>
          <Label htmlFor="setup-folder">Skills folder</Label>
          <Input
            id="setup-folder"
            className="mt-1 font-mono"
            value={shownFolder}
            onChange={(event) => setFolder(event.target.value)}
            spellCheck={false}
            data-testid="setup-folder"
          />
          <p className="mt-1 text-xs text-muted-foreground">Every skill is a folder in here; it becomes a git repository.</p>
        </div>
        {save.isError && <CommandErrorMessage error={toCommandError(save.error)} testId="setup-error" />}
        <div className="flex justify-end">
          <Button type="submit" variant="primary" disabled={save.isPending} data-testid="setup-get-started">
            {save.isPending ? "Saving…" : "Get started"}
          </Button>
        </div>
      </form>
    </main>
  );
}
