import type { ErrorComponentProps } from "@tanstack/react-router";
import { CommandErrorMessage } from "../components/CommandErrorMessage";
import { Button } from "../components/ui/button";
import { toCommandError } from "../lib/commandError";

/** A page that threw while rendering: the shell stays, the page shows the error and can try again. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  return (
    <div className="space-y-3" data-testid="page-error">
      <h1 className="text-xl font-semibold">This page stopped working</h1>
      <CommandErrorMessage error={toCommandError(error)} testId="page-error-message" />
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}
