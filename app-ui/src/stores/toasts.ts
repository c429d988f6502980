import { create } from "zustand";

export type Toast = { id: number; title: string; description?: string; tone: "info" | "error" };

type ToastState = {
  toasts: Toast[];
  push: (toast: Omit<Toast, "id">) => void;
  dismiss: (id: number) => void;
};

let nextId = 1;

/** Notices that come and go (reconciliation notes, a stopped agent); the Toaster renders them. */
export const useToasts = create<ToastState>()((set) => ({
  toasts: [],
  push: (toast) => set((state) => ({ toasts: [...state.toasts, { ...toast, id: nextId++ }] })),
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
}));

export function toast(title: string, description?: string, tone: Toast["tone"] = "info") {
  useToasts.getState().push({ title, description, tone });
}
