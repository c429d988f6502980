import { QueryClient } from "@tanstack/react-query";

/**
 * Backend errors are deterministic and carry a code and a fix hint, so queries do not retry silently:
 * the page shows the error with a Retry button instead.
 * Refetches come from mutations and (later) backend events, not from window focus.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
