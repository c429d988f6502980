import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { RouterHistory } from "@tanstack/react-router";
import { RouterProvider } from "@tanstack/react-router";
import { useState } from "react";
import { CloseGuard } from "./app/CloseGuard";
import { StartupGate } from "./app/StartupGate";
import { usePrefsPersistence, useTheme } from "./app/usePrefs";
import { useEventBridge } from "./app/useEventBridge";
import { Toaster } from "./components/ui/toast";
import { TooltipProvider } from "./components/ui/tooltip";
import { createAppRouter } from "./router";

/** What runs for the whole life of the window, whatever screen is up. */
function WindowServices() {
  useEventBridge();
  useTheme();
  usePrefsPersistence();
  return <CloseGuard />;
}

/** Providers, window services, startup, then the routed shell. Tests pass a memory history. */
export function App({ queryClient, history }: { queryClient: QueryClient; history?: RouterHistory }) {
  const [router] = useState(() => createAppRouter(history));
  return (
    <QueryClientProvider client={queryClient}>
      <TooltipProvider delayDuration={300}>
        <WindowServices />
        <StartupGate>
          <RouterProvider router={router} />
        </StartupGate>
        <Toaster />
      </TooltipProvider>
    </QueryClientProvider>
  );
}
