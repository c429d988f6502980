import { memo } from "react";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { cn } from "../../lib/utils";
import { type Draft, type Item, currentAnswer } from "./clarifications";

/** One question or refinement: text, choice chips, recommendation, free-text answer (§9.4). */
export const QuestionCard = memo(function QuestionCard({
  item,
  draft,
  onEdit,
  inScope,
  readOnly,
}: {
  item: Item;
  draft: Draft | undefined;
  onEdit: (id: string, draft: Draft) => void;
  inScope: boolean;
  readOnly: boolean;
}) {
  const answer = currentAnswer(item, draft ? { [item.id]: draft } : {});
  const autofilled = !draft && item.answer.source === "recommendation";
  const choose = (key: string) => {
    const choice = item.choices.find((c) => c.key === key);
    if (!choice) return;
    // A chip fills the answer; "Other" leaves the text for the user to write.
    onEdit(item.id, { choice: key, text: choice.other ? answer.text : choice.text });
  };
  const inputId = `answer-${item.id}`;
  return (
    <article className="space-y-2 py-3" data-testid={`question-${item.id}`} aria-labelledby={`${inputId}-title`}>
      <header className="flex flex-wrap items-center gap-2">
        <h3 id={`${inputId}-title`} className="text-sm font-semibold">
          {item.id}: {item.title}
        </h3>
        {item.priority === "required" && <Badge className="border-amber-300 text-amber-800 dark:text-amber-200">required</Badge>}
        {autofilled && (
          <Badge className="border-indigo-300 text-indigo-800 dark:text-indigo-200" data-testid={`autofilled-${item.id}`}>
            auto-filled
          </Badge>
        )}
      </header>
      {(item.text ?? item.rationale) && <p className="text-sm text-muted-foreground">{item.text ?? item.rationale}</p>}
      {inScope && (
        <>
          <div role="group" aria-label={`Choices for ${item.id}`} className="flex flex-wrap gap-2">
            {item.choices.map((choice) => (
              <button
                key={choice.key}
                type="button"
                disabled={readOnly}
                aria-pressed={answer.choice === choice.key}
                onClick={() => choose(choice.key)}
                data-testid={`choice-${item.id}-${choice.key}`}
                className={cn(
                  "rounded-full border border-input px-3 py-1 text-xs hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring disabled:opacity-60",
                  answer.choice === choice.key && "border-primary bg-primary text-primary-foreground hover:bg-primary",
                )}
              >
                <span className="font-semibold">{choice.key}.</span> {choice.text}
              </button>
            ))}
          </div>
          {item.recommendation && (
            <div className="flex flex-wrap items-start gap-2 rounded-lg bg-muted p-2 text-sm">
              <p className="min-w-0 flex-1">
                <span className="font-semibold">Recommendation:</span> {item.recommendation.text}
              </p>
              <Button
                size="sm"
                disabled={readOnly}
                data-testid={`use-recommendation-${item.id}`}
                onClick={() => item.recommendation && onEdit(item.id, { text: item.recommendation.text, choice: item.recommendation.choice })}
              >
                Use recommendation
              </Button>
            </div>
          )}
          <label htmlFor={inputId} className="sr-only">
            Answer to {item.id}
          </label>
          <textarea
            id={inputId}
            data-testid={inputId}
            readOnly={readOnly}
            value={answer.text}
            onChange={(event) => onEdit(item.id, { text: event.target.value, choice: answer.choice })}
            rows={3}
            placeholder="Your answer"
            className="w-full rounded-lg border border-input bg-card px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-ring"
          />
        </>
      )}
    </article>
  );
});
