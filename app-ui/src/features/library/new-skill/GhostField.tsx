import { type KeyboardEvent, useId } from "react";
import { fieldClasses } from "../../../components/ui/input";
import { cn } from "../../../lib/utils";

/** The part of `suggestion` that would complete `value`, or "" when it does not continue it. */
export function ghostRemainder(value: string, suggestion: string | undefined): string {
  if (!suggestion) return "";
  if (value === "") return suggestion;
  return suggestion.length > value.length && suggestion.toLowerCase().startsWith(value.toLowerCase())
    ? suggestion.slice(value.length)
    : "";
}

type GhostFieldProps = {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  suggestion?: string;
  multiline?: boolean;
  placeholder?: string;
  testId: string;
  autoFocus?: boolean;
};

/**
 * A text field that shows a suggestion as ghost text after what was typed; Tab accepts it
 * (§9.4). Without a suggestion Tab moves on as usual. Screen readers get the suggestion as the
 * field's description.
 */
export function GhostField({ id, label, value, onChange, suggestion, multiline = false, placeholder, testId, autoFocus }: GhostFieldProps) {
  const hintId = useId();
  const remainder = ghostRemainder(value, suggestion);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Tab" && !event.shiftKey && remainder !== "") {
      event.preventDefault();
      onChange(value + remainder);
    }
  };
  const common = {
    id,
    value,
    placeholder: remainder === "" ? placeholder : undefined,
    onKeyDown,
    autoFocus,
    "aria-describedby": remainder ? hintId : undefined,
    "data-testid": testId,
    className: cn("block w-full", fieldClasses, multiline && "min-h-20 resize-y"),
  };
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="relative mt-1">
        {multiline ? (
          <textarea {...common} rows={3} onChange={(event) => onChange(event.target.value)} />
        ) : (
          <input {...common} onChange={(event) => onChange(event.target.value)} />
        )}
        {remainder !== "" && (
          <div
            aria-hidden="true"
            data-testid={`${testId}-ghost`}
            className={cn(
              "pointer-events-none absolute inset-0 overflow-hidden border border-transparent px-3 py-1.5 text-sm",
              multiline ? "whitespace-pre-wrap break-words" : "truncate whitespace-pre",
            )}
          >
            <span className="invisible">{value}</span>
            <span className="text-muted-foreground">{remainder}</span>
          </div>
        )}
      </div>
      {remainder !== "" && (
        <p id={hintId} className="sr-only">
          Suggestion: {value + remainder}. Press Tab to accept.
        </p>
      )}
    </div>
  );
}
