import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { LibraryPage } from "./features/library/LibraryPage";

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <div className="min-h-screen">
        <header className="border-b border-slate-200 bg-white px-6 py-3">
          <span className="text-sm font-semibold tracking-tight text-slate-700">Skill Builder</span>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-8">
          <LibraryPage />
        </main>
      </div>
    </QueryClientProvider>
  );
}
