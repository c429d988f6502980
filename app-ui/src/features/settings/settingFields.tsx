import { useId, type ReactNode } from "react";
import type { commands } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Checkbox } from "../../components/ui/checkbox";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { toCommandError } from "../../lib/commandError";
import { useSaveSettings } from "../../lib/queries";

export type SettingsPatch = Parameters<typeof commands.saveSettings>[0];

/** One labelled setting: name, help text, the control, then its saved state or error. */
export function SettingRow({ label, help, htmlFor, children, testId }: { label: string; help?: ReactNode; htmlFor?: string; children: ReactNode; testId: string }) {
  return (
    <div className="grid gap-1 border-b border-border py-3 last:border-b-0 md:grid-cols-[16rem_1fr] md:gap-4" data-testid={testId}>
      <div>
        {htmlFor ? (
          <label htmlFor={htmlFor} className="text-sm font-medium">
            {label}
          </label>
        ) : (
          <p className="text-sm font-medium">{label}</p>
        )}
        {help && <p className="text-xs text-muted-foreground">{help}</p>}
      </div>
      <div className="min-w-0 space-y-1">{children}</div>
    </div>
  );
}

/** Saving one field: `save_settings` with a patch of that field alone, so nothing else is overwritten. */
export function useFieldSave() {
  const save = useSaveSettings();
  const status = (testId: string) => (
    <>
      {save.isError && <CommandErrorMessage error={toCommandError(save.error)} testId={`${testId}-error`} />}
      <p role="status" className="text-xs text-muted-foreground" data-testid={`${testId}-status`}>
        {save.isPending ? "Saving…" : save.isSuccess ? "Saved" : ""}
      </p>
    </>
  );
  return { save: (patch: SettingsPatch) => save.mutate(patch), status, pending: save.isPending };
}

type TextProps = {
  label: string;
  help?: ReactNode;
  value: string | null;
  testId: string;
  /** The patch for a new value; `null` when the user emptied the field. */
  patch: (value: string | null) => SettingsPatch;
  placeholder?: string;
  type?: "text" | "number" | "url";
  mono?: boolean;
};

/**
 * A text or number setting, saved when the user leaves the field (or presses Enter) with a changed
 * value. The input is keyed by the stored value, so a change saved elsewhere replaces it, and a
 * refused value stays in the field next to the backend's reason.
 */
export function TextSetting({ label, help, value, testId, patch, placeholder, type = "text", mono }: TextProps) {
  const id = useId();
  const { save, status } = useFieldSave();
  const commit = (raw: string) => {
    const next = raw.trim() === "" ? null : raw.trim();
    if (next !== (value ?? null)) save(patch(next));
  };
  return (
    <SettingRow label={label} help={help} htmlFor={id} testId={testId}>
      <Input
        key={value ?? ""}
        id={id}
        type={type}
        defaultValue={value ?? ""}
        placeholder={placeholder}
        className={mono ? "font-mono" : undefined}
        spellCheck={false}
        onBlur={(event) => commit(event.target.value)}
        onKeyDown={(event) => event.key === "Enter" && event.currentTarget.blur()}
        data-testid={`${testId}-input`}
      />
      {status(testId)}
    </SettingRow>
  );
}

/** A whole-number setting; the backend checks its range and answers with the bounds. */
export function NumberSetting({ value, patch, ...props }: Omit<TextProps, "value" | "patch" | "type"> & { value: number | null; patch: (value: number | null) => SettingsPatch }) {
  return <TextSetting {...props} type="number" value={value === null ? null : String(value)} patch={(raw) => patch(raw === null ? null : Number(raw))} />;
}

export function SwitchSetting({ label, help, checked, testId, patch }: { label: string; help?: ReactNode; checked: boolean; testId: string; patch: (value: boolean) => SettingsPatch }) {
  const id = useId();
  const { save, status, pending } = useFieldSave();
  return (
    <SettingRow label={label} help={help} htmlFor={id} testId={testId}>
      <Checkbox id={id} checked={checked} disabled={pending} onCheckedChange={(next) => save(patch(next === true))} data-testid={`${testId}-input`} />
      {status(testId)}
    </SettingRow>
  );
}

export function SelectSetting({
  label,
  help,
  value,
  options,
  testId,
  patch,
}: {
  label: string;
  help?: ReactNode;
  value: string;
  options: { value: string; label: string }[];
  testId: string;
  patch: (value: string) => SettingsPatch;
}) {
  const { save, status } = useFieldSave();
  return (
    <SettingRow label={label} help={help} testId={testId}>
      <Select label={label} value={value} options={options} onValueChange={(next) => next !== value && save(patch(next))} testId={`${testId}-input`} className="w-72" />
      {status(testId)}
    </SettingRow>
  );
}
