/**
 * The one render helper for component tests: wraps the providers the app's client components need
 * (SWR with a fresh cache per test, so no data leaks between tests) and sets up user-event.
 */
import { render, type RenderOptions } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement, ReactNode } from "react";
import { SWRConfig } from "swr";

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

export * from "@testing-library/react";
