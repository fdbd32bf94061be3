/** Leaderboard answers for component tests: three sellers this month (two tied), nobody signed in. */
import type { LeaderboardEntry, LeaderboardResponse } from "../../lib/validation/leaderboard";

export function entry(
  rank: number,
  displayName: string,
  itemsSold: number,
  totalViews = 0,
  avatarUrl: string | null = null,
): LeaderboardEntry {
  return { rank, sellerId: `id-${displayName}`, displayName, avatarUrl, itemsSold, totalViews };
}

export const now = new Date();
export const thisYear = now.getUTCFullYear();
export const thisMonth = now.getUTCMonth() + 1;

export function board(overrides: Partial<LeaderboardResponse> = {}): LeaderboardResponse {
  return {
    metric: "sales",
    period: "month",
    year: thisYear,
    month: thisMonth,
    timeZone: "UTC",
    updatedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    firstMonth: { year: thisYear - 1, month: 11 },
    entries: [
      entry(1, "Ada Lovelace", 5, 40),
      entry(1, "Bea", 5, 10, "https://example.test/bea.png"),
      entry(3, "Cy", 2, 90),
    ],
    me: null,
    ...overrides,
  };
}
