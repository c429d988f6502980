import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  commands,
  type Discovery,
  type DiscoveryAction,
  type Orphan,
  type OrphanAction,
  type ReconciliationReport,
} from "../bindings";
import { CommandErrorMessage } from "../components/CommandErrorMessage";
import { Button } from "../components/ui/button";
import { Dialog, DialogContent, DialogFooter } from "../components/ui/dialog";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../components/ui/tabs";
import { toCommandError, unwrap } from "../lib/commandError";
import { useReconcileReport } from "../lib/queries";
import { useAppStatus } from "../stores/appStatus";

const ORPHAN_ACTIONS: Record<OrphanAction, string> = {
  keep: "Keep",
  reset_to_detected: "Reset to what is on disk",
  restore_artifacts: "Restore files",
  reimport: "Import again",
  delete_record: "Forget",
  delete_all: "Delete",
};

const ORPHAN_KINDS: Record<Orphan["kind"], string> = {
  folder_missing: "Its folder is missing.",
  outputs_missing: "Completed steps are missing their files.",
  skill_md_missing: "Its SKILL.md is missing.",
};

const DISCOVERY_ACTIONS: Record<DiscoveryAction, string> = { register: "Register", ignore: "Ignore", delete: "Delete" };

const DISCOVERY_KINDS: Record<Discovery["kind"], string> = {
  built: "A skill built by Skill Builder.",
  imported: "A skill with a SKILL.md.",
  partial_build: "Workflow files without a SKILL.md.",
  invalid_name: "The folder name is not a valid skill name.",
  unrecognized: "Files, but no skill.",
};

type Resolution =
  | { kind: "orphan"; name: string; action: OrphanAction }
  | { kind: "discovery"; folder: string; action: DiscoveryAction; registerAs: "skill-builder" | "imported" | null };

function resolve(resolution: Resolution): Promise<ReconciliationReport> {
  return resolution.kind === "orphan"
    ? unwrap(commands.resolveOrphan(resolution.name, resolution.action))
    : unwrap(commands.resolveDiscovered(resolution.folder, resolution.action, resolution.registerAs));
}

/**
 * What the startup reconciliation could not decide alone (§9.2): orphaned library rows
 * (Keep/Delete…), folders nobody claims (Register/Ignore), unsaved refine sessions. Each answer
 * returns a fresh report, which replaces the cached one.
 */
export function ReconciliationDialog() {
  const report = useReconcileReport();
  const dismissed = useAppStatus((state) => state.reconciliationDismissed);
  const dismiss = useAppStatus((state) => state.dismissReconciliation);
  const queryClient = useQueryClient();
  const resolution = useMutation({
    mutationFn: resolve,
    onSuccess: (next) => {
      queryClient.setQueryData(["reconcile_startup"], next);
      void queryClient.invalidateQueries({ queryKey: ["list_skills"] });
    },
  });

  const data = report.data;
  const open =
    !dismissed &&
    data !== undefined &&
    (data.orphans.length > 0 || data.discoveries.length > 0 || data.unsavedRefineSessions.length > 0);
  if (!open) return null;
  const first = data.orphans.length > 0 ? "orphans" : data.discoveries.length > 0 ? "discoveries" : "sessions";

  return (
    <Dialog open onOpenChange={(next) => !next && dismiss()}>
      <DialogContent
        title="The skills folder and the library disagree"
        description="Decide what to do with each item; nothing is deleted without a checkpoint."
        className="max-w-2xl"
        data-testid="reconciliation-dialog"
      >
        <Tabs defaultValue={first}>
          <TabsList>
            <TabsTrigger value="orphans">Missing folders ({data.orphans.length})</TabsTrigger>
            <TabsTrigger value="discoveries">New folders ({data.discoveries.length})</TabsTrigger>
            <TabsTrigger value="sessions">Unsaved sessions ({data.unsavedRefineSessions.length})</TabsTrigger>
          </TabsList>
          <TabsContent value="orphans">
            <ul className="space-y-3">
              {data.orphans.map((orphan) => (
                <li key={orphan.skillName} data-testid={`orphan-${orphan.skillName}`} className="rounded-lg border border-border p-3">
                  <p className="font-mono font-medium">{orphan.skillName}</p>
                  <p className="text-sm text-muted-foreground">{ORPHAN_KINDS[orphan.kind]}</p>
                  {orphan.missing.length > 0 && (
                    <p className="mt-1 text-xs text-muted-foreground">Missing: {orphan.missing.join(", ")}</p>
                  )}
                  <div className="mt-2 flex flex-wrap gap-2">
                    {orphan.actions.map((action) => (
                      <Button
                        key={action}
                        size="sm"
                        variant={action === "delete_all" ? "danger" : "secondary"}
                        disabled={resolution.isPending}
                        onClick={() => resolution.mutate({ kind: "orphan", name: orphan.skillName, action })}
                      >
                        {ORPHAN_ACTIONS[action]}
                      </Button>
                    ))}
                  </div>
                </li>
              ))}
            </ul>
          </TabsContent>
          <TabsContent value="discoveries">
            <ul className="space-y-3">
              {data.discoveries.map((discovery) => (
                <li key={discovery.folder} data-testid={`discovery-${discovery.folder}`} className="rounded-lg border border-border p-3">
                  <p className="font-mono font-medium">{discovery.folder}</p>
                  <p className="text-sm text-muted-foreground">{DISCOVERY_KINDS[discovery.kind]}</p>
                  {discovery.warnings.map((warning) => (
                    <p key={warning} className="mt-1 text-xs text-amber-800 dark:text-amber-200">
                      {warning}
                    </p>
                  ))}
                  <div className="mt-2 flex flex-wrap gap-2">
                    {discovery.actions.map((action) => (
                      <Button
                        key={action}
                        size="sm"
                        variant={action === "delete" ? "danger" : "secondary"}
                        disabled={resolution.isPending}
                        onClick={() =>
                          resolution.mutate({
                            kind: "discovery",
                            folder: discovery.folder,
                            action,
                            registerAs: action === "register" ? (discovery.kind === "built" ? "skill-builder" : "imported") : null,
                          })
                        }
                      >
                        {DISCOVERY_ACTIONS[action]}
                      </Button>
                    ))}
                  </div>
                </li>
              ))}
            </ul>
          </TabsContent>
          <TabsContent value="sessions">
            <p className="mb-2 text-sm text-muted-foreground">
              These refine sessions changed files that were not saved. They stay as they are until you open them in Refine.
            </p>
            <ul className="space-y-2">
              {data.unsavedRefineSessions.map((session) => (
                <li key={session.sessionId} data-testid={`unsaved-session-${session.sessionId}`} className="rounded-lg border border-border p-3 text-sm">
                  <p className="font-mono font-medium">{session.skillName}</p>
                  <p className="text-xs text-muted-foreground">{session.changedFiles.join(", ")}</p>
                </li>
              ))}
            </ul>
          </TabsContent>
        </Tabs>
        {resolution.isError && (
          <div className="mt-4">
            <CommandErrorMessage error={toCommandError(resolution.error)} testId="reconciliation-error" />
          </div>
        )}
        <DialogFooter>
          <Button onClick={dismiss} data-testid="reconciliation-later">
            Decide later
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
