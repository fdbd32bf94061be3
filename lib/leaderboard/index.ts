/**
 * Reads the leaderboard. Rankings are computed in SQL (get_leaderboard, over get_top_sellers_by_*), never
 * here; this module only shapes the answer (checked by the response schema on the way out).
 */
import "server-only";
import { shownAvatarUrl } from "../avatars";
import { rpc, type DbSession } from "../db";
import {
  LEADERBOARD_TIME_ZONE,
  leaderboardResponseSchema,
  type LeaderboardQuery,
  type LeaderboardResponse,
} from "../validation/leaderboard";

export async function getLeaderboard(query: LeaderboardQuery, session: DbSession): Promise<LeaderboardResponse> {
  const monthly = query.period === "month";
  // One call, one snapshot: the period ("current month" by the database's clock, UTC), the summary, the
  // first month with activity and the board, one row per listed seller (or one row with no seller).
  const rows = await rpc(
    "get_leaderboard",
    { p_metric: query.metric, p_period: query.period, p_year: query.year, p_month: query.month, p_limit: query.limit },
    session,
  );
  const [summary] = rows;
  return leaderboardResponseSchema.parse({
    metric: query.metric,
    period: query.period,
    year: monthly ? summary.year : null,
    month: monthly ? summary.month : null,
    timeZone: LEADERBOARD_TIME_ZONE,
    updatedAt: summary.updated_at,
    firstMonth:
      summary.first_year !== null && summary.first_month !== null
        ? { year: summary.first_year, month: summary.first_month }
        : null,
    entries: rows
      .filter((row) => row.seller_id !== null)
      .map((row) => ({
        rank: row.rank,
        sellerId: row.seller_id,
        displayName: row.display_name,
        avatarUrl: shownAvatarUrl(row.avatar_url),
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
