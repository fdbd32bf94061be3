"use client";
/**
 * One EventSource per browser tab on GET /api/leaderboard/stream, shared by everything that shows
 * leaderboard or dashboard figures (the modal, the dashboard). Each `change` event revalidates every SWR
 * key starting with /api/leaderboard or /api/dashboard. The connection opens with the first user and
 * closes with the last; when it fails it comes back with growing delays (1 s up to 30 s), and meanwhile
 * SWR's polling keeps the figures fresh.
 */
import "client-only";
import { useEffect } from "react";
import { useSWRConfig, type ScopedMutator } from "swr";

export const LEADERBOARD_STREAM_URL = "/api/leaderboard/stream";
const LIVE_KEY_PREFIXES = ["/api/leaderboard", "/api/dashboard"];
const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

const DEFAULT_REFRESH_MS = 30_000;

/**
 * How often the live figures (the open modal, the dashboard) poll as the fallback to the stream:
 * NEXT_PUBLIC_LEADERBOARD_REFRESH_MS, else 30 s. SWR skips the polls while the tab is hidden
 * (`refreshWhenHidden: false`).
 */
export function fallbackRefreshMs(): number {
  const value = Number(process.env.NEXT_PUBLIC_LEADERBOARD_REFRESH_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_REFRESH_MS;
}

export function isLiveKey(key: unknown): boolean {
  return typeof key === "string" && LIVE_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));
}

interface LiveState {
  users: Map<symbol, ScopedMutator>;
  source: EventSource | null;
  retryTimer: ReturnType<typeof setTimeout> | null;
  retryMs: number;
  /** True after a failure: the next open may have missed changes (whether or not one had opened before). */
  missed: boolean;
}

const state: LiveState = { users: new Map(), source: null, retryTimer: null, retryMs: MIN_RETRY_MS, missed: false };

function revalidateAll() {
  // Each SWR cache (normally just the default one) revalidates its live keys once.
  for (const mutate of new Set(state.users.values())) void mutate(isLiveKey);
}

function connect() {
  if (typeof EventSource === "undefined" || state.source || state.users.size === 0) return;
  const source = new EventSource(LEADERBOARD_STREAM_URL);
  state.source = source;
  source.addEventListener("open", () => {
    state.retryMs = MIN_RETRY_MS;
    if (state.missed) revalidateAll();
    state.missed = false;
  });
  source.addEventListener("change", () => revalidateAll());
  source.addEventListener("error", () => {
    // Our own backoff instead of the browser's fixed retry (which also gives up on an HTTP error).
    source.close();
    state.missed = true;
    if (state.source === source) state.source = null;
    if (state.users.size === 0 || state.retryTimer) return;
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      connect();
    }, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, MAX_RETRY_MS);
  });
}

function disconnect() {
  state.source?.close();
  state.source = null;
  if (state.retryTimer) clearTimeout(state.retryTimer);
  state.retryTimer = null;
  state.retryMs = MIN_RETRY_MS;
  state.missed = false;
}

/** Registers one user of the live stream; returns the function that unregisters it. */
export function subscribeLiveUpdates(mutate: ScopedMutator): () => void {
  const id = Symbol("live-updates-user");
  state.users.set(id, mutate);
  connect();
  return () => {
    state.users.delete(id);
    if (state.users.size === 0) disconnect();
  };
}

/** Keeps the tab's stream open while the calling component is mounted. */
export function useLiveUpdates(): void {
  const { mutate } = useSWRConfig();
  useEffect(() => subscribeLiveUpdates(mutate), [mutate]);
}
