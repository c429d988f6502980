import { type KeyboardEvent, useState } from "react";
import type { RefineCommand } from "../../bindings";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Label, Textarea } from "../../components/ui/input";
import { commandSuggestions, parseComposer } from "./refineQueries";

type Props = {
  disabled: boolean;
  onSend: (turn: { text: string; command: RefineCommand | null }) => void;
  /** The tester's findings, prefilled once (agents-and-workflow.md §7.2 step 4); never sent by itself. */
  initialDraft?: string;
};

/** The message box: `/rewrite` and `/validate` become a badge; Enter sends, Shift+Enter is a newline. */
export function RefineComposer({ disabled, onSend, initialDraft = "" }: Props) {
  const [draft, setDraft] = useState(initialDraft);
  const parsed = parseComposer(draft);
  const suggestions = commandSuggestions(draft);
  const canSend = !disabled && parsed.text.length > 0;

  const send = () => {
    if (!canSend) return;
    onSend(parsed);
    setDraft("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };

  return (
    <div className="space-y-2 border-t border-border pt-3" data-testid="refine-composer">
      <div className="flex items-center gap-2">
        <Label htmlFor="refine-draft">Message</Label>
        {parsed.command && <Badge data-testid="refine-command-badge">/{parsed.command}</Badge>}
      </div>
      {suggestions.length > 0 && (
        <div className="flex gap-1" role="group" aria-label="Commands">
          {suggestions.map((name) => (
            <Button key={name} size="sm" variant="secondary" onClick={() => setDraft(`/${name} `)} data-testid={`refine-command-${name}`}>
              /{name}
            </Button>
          ))}
        </div>
      )}
      <Textarea
        id="refine-draft"
        rows={3}
        value={draft}
        placeholder="Ask for a change, or type / for commands"
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        data-testid="refine-input"
      />
      <div className="flex justify-end">
        <Button variant="primary" disabled={!canSend} onClick={send} data-testid="refine-send">
          Send
        </Button>
      </div>
    </div>
  );
}
