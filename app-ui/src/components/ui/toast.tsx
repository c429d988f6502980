import { X } from "lucide-react";
import { Toast as ToastPrimitive } from "radix-ui";
import { cn } from "../../lib/utils";
import { useToasts } from "../../stores/toasts";

/** Renders the toast queue with Radix Toast (a polite live region, swipe and Escape to dismiss). */
export function Toaster() {
  const toasts = useToasts((state) => state.toasts);
  const dismiss = useToasts((state) => state.dismiss);
  return (
    <ToastPrimitive.Provider duration={6000}>
      {toasts.map((item) => (
        <ToastPrimitive.Root
          key={item.id}
          data-testid="toast"
          onOpenChange={(open) => {
            if (!open) dismiss(item.id);
          }}
          className={cn(
            "flex items-start gap-3 rounded-lg bg-card p-3 text-sm text-foreground shadow-lg ring-1 ring-border",
            item.tone === "error" && "ring-rose-400",
          )}
        >
          <div className="flex-1">
            <ToastPrimitive.Title className="font-medium">{item.title}</ToastPrimitive.Title>
            {item.description && (
              <ToastPrimitive.Description className="mt-0.5 text-muted-foreground">{item.description}</ToastPrimitive.Description>
            )}
          </div>
          <ToastPrimitive.Close aria-label="Dismiss" className="rounded p-0.5 text-muted-foreground hover:bg-muted">
            <X className="size-4" aria-hidden="true" />
          </ToastPrimitive.Close>
        </ToastPrimitive.Root>
      ))}
      <ToastPrimitive.Viewport className="fixed right-4 bottom-4 z-[60] flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2 outline-none" />
    </ToastPrimitive.Provider>
  );
}
