// The seam between a session and whatever produces SDK messages: the real
// Agent SDK, or the mock agent of §8.1. Both sit behind the same session code,
// so the mock exercises the real protocol path.

import type { Options, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';

export interface AgentQuery extends AsyncIterable<SDKMessage> {
  interrupt(): Promise<unknown>;
}

export interface QueryInput {
  prompt: AsyncIterable<SDKUserMessage>;
  options: Options;
}

export type QueryFactory = (input: QueryInput) => Promise<AgentQuery>;

/** Loads the SDK lazily: mock runs never pay for it, and `ready` is sent sooner. */
export const sdkQueryFactory: QueryFactory = async ({ prompt, options }) => {
  const { query } = await import('@anthropic-ai/claude-agent-sdk');
  return query({ prompt, options });
};
