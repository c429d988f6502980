import { clearMocks } from "@tauri-apps/api/mocks";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { useAgentRuns } from "../stores/agentRuns";
import { useAppStatus } from "../stores/appStatus";
import { useToasts } from "../stores/toasts";
import { useUiPrefs } from "../stores/uiPrefs";

// jsdom lays nothing out. Give every element a window-sized box, so the virtualised library has
// a viewport to fill (and renders only what fits in it).
Object.defineProperties(HTMLElement.prototype, {
  offsetWidth: { configurable: true, get: () => 1200 },
  offsetHeight: { configurable: true, get: () => 800 },
  clientWidth: { configurable: true, get: () => 1200 },
  clientHeight: { configurable: true, get: () => 800 },
});
// Radix Select and DropdownMenu use pointer capture and scrolling, which jsdom lacks.
Element.prototype.hasPointerCapture ??= () => false;
Element.prototype.releasePointerCapture ??= () => undefined;
Element.prototype.scrollIntoView ??= () => undefined;
// Radix measures some parts (the checkbox's bubble input) with a ResizeObserver; nothing resizes here.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

// Stores are module singletons: every test starts from their initial state.
const initial = {
  agentRuns: useAgentRuns.getState(),
  appStatus: useAppStatus.getState(),
  toasts: useToasts.getState(),
  uiPrefs: useUiPrefs.getState(),
};
beforeEach(() => {
  useAgentRuns.setState(initial.agentRuns, true);
  useAppStatus.setState(initial.appStatus, true);
  useToasts.setState(initial.toasts, true);
  useUiPrefs.setState(initial.uiPrefs, true);
  document.documentElement.classList.remove("dark");
});

afterEach(() => {
  cleanup();
  clearMocks();
});
