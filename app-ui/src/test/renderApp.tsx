import { createMemoryHistory } from "@tanstack/react-router";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { createQueryClient } from "../lib/queryClient";

/** Renders the whole app as the desktop shell does, with a fresh query cache and history per test. */
export function renderApp({ path = "/" }: { path?: string } = {}) {
  const user = userEvent.setup();
  const history = createMemoryHistory({ initialEntries: [path] });
  return { user, history, ...render(<App queryClient={createQueryClient()} history={history} />) };
}
