/** The agent output panel, for the pages that show agents (the workflow page embeds `LiveAgentPanel`). */
export { AgentOutputPanel, type PanelRun } from "./AgentOutputPanel";
export { LiveAgentPanel } from "./LiveAgentPanel";
export { Markdown } from "./Markdown";
