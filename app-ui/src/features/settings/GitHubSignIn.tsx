import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type CommandError, commands, type DeviceFlowStart } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Button } from "../../components/ui/button";
import { toCommandError, unwrap } from "../../lib/commandError";

type Flow = { start: DeviceFlowStart; interval: number; note: string | null };

/**
 * GitHub's device flow: show the code and the URL, then poll at the interval GitHub asks for
 * (longer after `slow_down`) until success, denial or expiry.
 */
export function GitHubSignIn() {
  const queryClient = useQueryClient();
  const [flow, setFlow] = useState<Flow | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  useEffect(() => {
    if (!flow || flow.note) return;
    const timer = setTimeout(() => {
      unwrap(commands.githubPollForToken(flow.start.deviceCode, flow.interval))
        .then((result) => {
          if (result.status === "success") {
            setFlow(null);
            void queryClient.invalidateQueries({ queryKey: ["get_settings"] });
          } else if (result.status === "pending" || result.status === "slow_down") {
            setFlow({ ...flow, interval: result.interval ?? flow.interval });
          } else {
            setFlow({ ...flow, note: result.status === "expired" ? "The code expired. Start again." : "Sign-in was denied." });
          }
        })
        .catch((reason: unknown) => {
          setError(toCommandError(reason));
          setFlow(null);
        });
    }, flow.interval * 1000);
    return () => clearTimeout(timer);
  }, [flow, queryClient]);

  const begin = () => {
    setError(null);
    unwrap(commands.githubStartDeviceFlow())
      .then((start) => setFlow({ start, interval: start.interval, note: null }))
      .catch((reason: unknown) => setError(toCommandError(reason)));
  };

  return (
    <div className="space-y-2" data-testid="github-signin">
      {flow ? (
        <div className="space-y-1 text-sm" data-testid="github-device-code">
          <p>
            Open <a className="underline" href={flow.start.verificationUri} target="_blank" rel="noreferrer">{flow.start.verificationUri}</a> and enter
          </p>
          <p className="font-mono text-xl tracking-widest" data-testid="github-user-code">
            {flow.start.userCode}
          </p>
          <p className="text-muted-foreground" role="status" data-testid="github-poll-status">
            {flow.note ?? "Waiting for GitHub…"}
          </p>
          {flow.note && <Button onClick={begin}>Start again</Button>}
        </div>
      ) : (
        <Button variant="primary" onClick={begin} data-testid="github-signin-start">
          Sign in with GitHub
        </Button>
      )}
      {error && <CommandErrorMessage error={error} testId="github-signin-error" />}
    </div>
  );
}
