"use client";
/**
 * The signed-in seller's dashboard (GET /api/dashboard). The live-update client revalidates every
 * key that starts with /api/dashboard when the leaderboard stream reports a change. As the fallback it
 * also polls, as the open modal does (every 30 s, or NEXT_PUBLIC_LEADERBOARD_REFRESH_MS; never while the
 * tab is hidden), so with the stream down the figures do not go stale.
 */
import "client-only";
import useSWR from "swr";
import { swrFetcher } from "../api/client";
import { fallbackRefreshMs } from "../leaderboard/live-updates";
import type { DashboardResponse } from "../validation/dashboard";

export const SELLER_DASHBOARD_KEY = "/api/dashboard";

export function useSellerDashboard(fallbackData?: DashboardResponse) {
  const { data, error, isValidating, mutate } = useSWR<DashboardResponse>(SELLER_DASHBOARD_KEY, swrFetcher, {
    fallbackData,
    refreshInterval: fallbackRefreshMs(),
    refreshWhenHidden: false,
  });
  return { dashboard: data, error: error as Error | undefined, isValidating, mutate };
}
