import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { createQueryClient } from "../lib/queryClient";

/** Renders the whole app as the desktop shell does, with a fresh query cache per test. */
export function renderApp() {
  const user = userEvent.setup();
  return { user, ...render(<App queryClient={createQueryClient()} />) };
}
