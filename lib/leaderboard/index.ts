/**
 * Reads the leaderboard. Rankings are computed in SQL (get_top_sellers_by_*), never here; this module
 * only resolves the period and shapes the answer (checked by the response schema on the way out).
 */
import "server-only";
import { rpc, type DbSession } from "../db";
import {
  LEADERBOARD_TIME_ZONE,
  leaderboardResponseSchema,
  type LeaderboardQuery,
  type LeaderboardResponse,
} from "../validation/leaderboard";

export async function getLeaderboard(query: LeaderboardQuery, session: DbSession): Promise<LeaderboardResponse> {
  const monthly = query.period === "month";
  // The summary resolves "current month" with the database's clock (UTC), so both calls agree on it.
  const [summary] = await rpc(
    "get_leaderboard_summary",
    { p_metric: query.metric, p_period: query.period, p_year: query.year, p_month: query.month },
    session,
  );
  const topSellers = query.metric === "sales" ? "get_top_sellers_by_sales" : "get_top_sellers_by_views";
  const [rows, [first]] = await Promise.all([
    rpc(
      topSellers,
      { p_period: query.period, p_year: summary.year, p_month: summary.month, p_limit: query.limit },
      session,
    ),
    rpc("get_leaderboard_first_month", {}, session),
  ]);
  return leaderboardResponseSchema.parse({
    metric: query.metric,
    period: query.period,
    year: monthly ? summary.year : null,
    month: monthly ? summary.month : null,
    timeZone: LEADERBOARD_TIME_ZONE,
    updatedAt: summary.updated_at,
    firstMonth: first ? { year: first.year, month: first.month } : null,
    entries: rows.map((row) => ({
      rank: row.rank,
      sellerId: row.seller_id,
      displayName: row.display_name,
      avatarUrl: row.avatar_url ?? null,
      itemsSold: row.items_sold,
      totalViews: row.total_views,
    })),
    me:
      session.role === "authenticated"
        ? {
            // The summary's figures are auth.uid()'s, the verified session's user.
            sellerId: session.userId,
            rank: summary.my_rank,
            itemsSold: summary.my_items_sold ?? 0,
            totalViews: summary.my_total_views ?? 0,
          }
        : null,
  });
}
