"use client";
/**
 * The signed-in seller's dashboard (GET /api/dashboard). The live-update client revalidates every
 * key that starts with /api/dashboard when the leaderboard stream reports a change.
 */
import "client-only";
import useSWR from "swr";
import { swrFetcher } from "../api/client";
import type { DashboardResponse } from "../validation/dashboard";

export const SELLER_DASHBOARD_KEY = "/api/dashboard";

export function useSellerDashboard(fallbackData?: DashboardResponse) {
  const { data, error, isValidating, mutate } = useSWR<DashboardResponse>(SELLER_DASHBOARD_KEY, swrFetcher, {
    fallbackData,
  });
  return { dashboard: data, error: error as Error | undefined, isValidating, mutate };
}
