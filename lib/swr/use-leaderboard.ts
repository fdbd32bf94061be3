"use client";
/**
 * The leaderboard (GET /api/leaderboard?...). While mounted (the modal is open) it polls every
 * `refreshInterval` (default 30 s, or NEXT_PUBLIC_LEADERBOARD_REFRESH_MS) as the fallback to the live
 * stream; SWR skips polls while the tab is hidden, and closing the modal unmounts it. The previous
 * answer stays on screen while the next one loads, so the list never flickers.
 */
import "client-only";
import useSWR from "swr";
import { swrFetcher } from "../api/client";
import { fallbackRefreshMs } from "../leaderboard/live-updates";
import type { LeaderboardMetric, LeaderboardPeriod, LeaderboardResponse } from "../validation/leaderboard";

export interface LeaderboardSelection {
  metric: LeaderboardMetric;
  period: LeaderboardPeriod;
  /** A past month; both null for the current month (the server's clock decides which it is). */
  year?: number | null;
  month?: number | null;
  limit?: number;
  /** A page of the full ranking: nextCursor / prevCursor of an earlier answer (none: the top). */
  cursor?: string | null;
  /** Also ask for the signed-in seller's neighbours (around=me; signed-in users only). */
  aroundMe?: boolean;
}

export function leaderboardKey({ metric, period, year, month, limit = 10, cursor, aroundMe }: LeaderboardSelection) {
  const params = new URLSearchParams({ metric, period, limit: String(limit) });
  if (period === "month" && year != null && month != null) {
    params.set("year", String(year));
    params.set("month", String(month));
  }
  if (cursor) params.set("cursor", cursor);
  if (aroundMe) params.set("around", "me");
  return `/api/leaderboard?${params}`;
}

export function useLeaderboard(
  selection: LeaderboardSelection,
  {
    refreshInterval = fallbackRefreshMs(),
    fallbackData,
  }: { refreshInterval?: number; fallbackData?: LeaderboardResponse } = {},
) {
  const { data, error, isLoading, isValidating, mutate } = useSWR<LeaderboardResponse>(
    leaderboardKey(selection),
    swrFetcher,
    { refreshInterval, refreshWhenHidden: false, keepPreviousData: true, fallbackData },
  );
  return {
    leaderboard: data,
    error: error as Error | undefined,
    /** Nothing to show yet (first load). */
    isLoading,
    /** A refresh is in flight while data is on screen. */
    isRefreshing: isValidating && data !== undefined,
    retry: () => mutate(),
  };
}
