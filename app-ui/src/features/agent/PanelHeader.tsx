import { Square } from "lucide-react";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { formatCount, formatUsd } from "../usage/format";
import { ContextMeter } from "./ContextMeter";
import { contextWindow } from "./rows";

export type HeaderFigures = {
  label: string;
  model: string;
  status: string;
  turns: number;
  contextTokens: number | null;
  costUsd: number | null;
};

type PanelHeaderProps = {
  figures: HeaderFigures;
  showThinking: boolean;
  onShowThinking: (show: boolean) => void;
  /** Absent when the run cannot be stopped (it ended, or this is a run log). */
  onStop?: () => void;
  stopping?: boolean;
};

/** Model, status, turns, tokens, cost, the context meter, the thinking toggle and Stop (§9.4). */
export function PanelHeader({ figures, showThinking, onShowThinking, onStop, stopping = false }: PanelHeaderProps) {
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-border px-3 py-2 text-xs" data-testid="agent-output-header">
      <span className="text-sm font-medium">{figures.label}</span>
      <span className="font-mono text-muted-foreground" data-testid="agent-output-model">
        {figures.model || "–"}
      </span>
      <Badge data-testid="agent-output-status">{figures.status}</Badge>
      <span data-testid="agent-output-turns">{figures.turns} turns</span>
      <span data-testid="agent-output-tokens">{figures.contextTokens === null ? "– tokens" : `${formatCount(figures.contextTokens)} tokens`}</span>
      <span data-testid="agent-output-cost">{figures.costUsd === null ? "–" : formatUsd(figures.costUsd)}</span>
      <ContextMeter tokens={figures.contextTokens} window={contextWindow(figures.model)} />
      <label className="ml-auto flex items-center gap-1.5">
        <Checkbox checked={showThinking} onCheckedChange={(checked) => onShowThinking(checked === true)} data-testid="show-thinking" />
        Show thinking
      </label>
      {onStop && (
        <Button size="sm" variant="danger" onClick={onStop} disabled={stopping} data-testid="agent-output-stop">
          <Square aria-hidden="true" />
          {stopping ? "Stopping…" : "Stop"}
        </Button>
      )}
    </div>
  );
}
