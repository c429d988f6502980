import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { commands } from "../../bindings";
import { CommandErrorMessage } from "../../components/CommandErrorMessage";
import { Accordion, AccordionContent, AccordionItem, AccordionTrigger } from "../../components/ui/accordion";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../../components/ui/tabs";
import { toCommandError, unwrap } from "../../lib/commandError";
import { Markdown } from "../agent";
import { type Clarifications, type Item, isAnswered, itemsInScope } from "./clarifications";
import { QuestionCard } from "./QuestionCard";
import type { useAnswerAutosave } from "./useAnswerAutosave";
import { useSkillFile } from "./workflowQueries";

const SAVE_LABEL = { idle: "", pending: "Unsaved changes…", saving: "Saving…", saved: "Saved", error: "Not saved" } as const;

/**
 * The structured Q&A editor of review steps 1 and 3 (§9.4): an accordion per section, chips,
 * recommendations, filters, the answered counter, autosave and a read-only Markdown tab.
 */
export function QaEditor({
  name,
  step,
  doc,
  autosave,
  readOnly,
}: {
  name: string;
  step: number;
  doc: Clarifications;
  autosave: ReturnType<typeof useAnswerAutosave>;
  readOnly: boolean;
}) {
  const [unansweredOnly, setUnansweredOnly] = useState(false);
  const [requiredOnly, setRequiredOnly] = useState(false);
  const markdown = useSkillFile(name, "context/clarifications.md");
  const { drafts, edit } = autosave;
  const scope = itemsInScope(doc, step);
  const inScope = new Set(scope.map((item) => item.id));
  const answered = scope.filter((item) => isAnswered(item, drafts)).length;

  const fill = useMutation({
    mutationFn: async () => {
      await autosave.flush();
      return unwrap(step === 3 ? commands.autofillRefinements(name) : commands.autofillClarifications(name));
    },
    onSuccess: () => autosave.clearSaved(),
  });

  const shown = (item: Item) =>
    (!unansweredOnly || !isAnswered(item, drafts)) && (!requiredOnly || item.priority === "required");
  const cards = (item: Item, depth = 0): React.ReactNode[] => {
    const children = (item.refinements ?? []).flatMap((child) => cards(child, depth + 1));
    const self = inScope.has(item.id) ? shown(item) : children.length > 0;
    if (!self) return children;
    return [
      <div key={item.id} style={{ marginLeft: `${depth * 1.25}rem` }}>
        <QuestionCard item={item} draft={drafts[item.id]} onEdit={edit} inScope={inScope.has(item.id)} readOnly={readOnly} />
      </div>,
      ...children,
    ];
  };

  return (
    <Tabs defaultValue="answers" data-testid="qa-editor">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <TabsList>
          <TabsTrigger value="answers">Answers</TabsTrigger>
          <TabsTrigger value="markdown">Markdown</TabsTrigger>
        </TabsList>
        <span className="text-sm font-medium" data-testid="answered-counter" aria-live="polite">
          {answered} / {scope.length} answered
        </span>
        <span className="text-xs text-muted-foreground" data-testid="save-status" aria-live="polite">
          {SAVE_LABEL[autosave.status]}
        </span>
      </div>
      <TabsContent value="answers" className="space-y-3">
        <div className="flex flex-wrap items-center gap-4 text-sm">
          <label className="flex items-center gap-2">
            <Checkbox checked={unansweredOnly} onCheckedChange={(v) => setUnansweredOnly(v === true)} data-testid="filter-unanswered" />
            Unanswered only
          </label>
          <label className="flex items-center gap-2">
            <Checkbox checked={requiredOnly} onCheckedChange={(v) => setRequiredOnly(v === true)} data-testid="filter-required" />
            Required only
          </label>
          <Button size="sm" className="ml-auto" disabled={readOnly || fill.isPending} onClick={() => fill.mutate()} data-testid="fill-recommendations">
            Fill empty with recommendations
          </Button>
        </div>
        {fill.isError && <CommandErrorMessage error={toCommandError(fill.error)} testId="fill-error" />}
        {autosave.error && (
          <div className="space-y-2">
            <CommandErrorMessage error={autosave.error} testId="save-error" />
            {autosave.error.code === "conflict" && (
              <Button size="sm" onClick={() => void autosave.reloadAndReapply()} data-testid="reload-reapply">
                Reload and re-apply my edits
              </Button>
            )}
          </div>
        )}
        <Accordion type="multiple" defaultValue={doc.sections.map((section) => section.title)}>
          {doc.sections.map((section) => {
            const items = section.questions.flatMap((question) => cards(question));
            return (
              <AccordionItem key={section.title} value={section.title} className="mb-2">
                <AccordionTrigger>{section.title}</AccordionTrigger>
                <AccordionContent className="divide-y divide-border">
                  {items.length > 0 ? items : <p className="text-sm text-muted-foreground">Nothing matches the filters.</p>}
                </AccordionContent>
              </AccordionItem>
            );
          })}
        </Accordion>
      </TabsContent>
      <TabsContent value="markdown" data-testid="qa-markdown">
        {markdown.data ? <Markdown text={markdown.data.content} /> : <p className="text-sm text-muted-foreground">No rendered view yet.</p>}
      </TabsContent>
    </Tabs>
  );
}
