/**
 * The one render helper for component tests: wraps the providers the app's client components need
 * (SWR with a fresh cache per test, so no data leaks between tests) and sets up user-event.
 */
import { act, render, type RenderOptions } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement, ReactNode } from "react";
import { SWRConfig } from "swr";
import { vi } from "vitest";

function Providers({ children }: { children: ReactNode }) {
  return (
    <SWRConfig value={{ provider: () => new Map(), dedupingInterval: 0, revalidateOnFocus: false }}>
      {children}
    </SWRConfig>
  );
}

export function renderWithProviders(ui: ReactElement, options?: Omit<RenderOptions, "wrapper">) {
  return { user: userEvent.setup(), ...render(ui, { wrapper: Providers, ...options }) };
}

/** Says the tab is hidden or visible again, as a browser does (tests/setup/jsdom.ts puts it back). */
export function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}

/** Moves fake timers on, letting React and the stubbed fetches settle in between. */
export async function advance(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

export * from "@testing-library/react";
