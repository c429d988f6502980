import type { ComponentProps } from "react";
import { cn } from "../../lib/utils";

export const fieldClasses =
  "rounded-lg border border-input bg-card px-3 py-1.5 text-sm text-foreground shadow-sm placeholder:text-muted-foreground focus:border-ring focus:outline-none focus:ring-2 focus:ring-ring/20";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn("block w-full", fieldClasses, className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cn("block w-full", fieldClasses, className)} {...props} />;
}

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={cn("block text-sm font-medium text-foreground", className)} {...props} />;
}
