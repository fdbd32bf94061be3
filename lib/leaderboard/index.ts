/**
 * Reads the leaderboard. Rankings are computed in SQL (get_leaderboard over get_top_sellers_by_*, and
 * get_leaderboard_page / get_leaderboard_around_me for the full ranking), never here; this module only
 * picks the calls, turns rows into cursors and shapes the answer (checked by the response schema on the
 * way out).
 */
import "server-only";
import { shownAvatarUrl } from "../avatars";
import { rpc, type DbSession } from "../db";
import type { Database } from "../db/database.types";
import { AppError } from "../errors";
import {
  LEADERBOARD_TIME_ZONE,
  encodeLeaderboardCursor,
  leaderboardResponseSchema,
  type LeaderboardCursor,
  type LeaderboardEntry,
  type LeaderboardQuery,
  type LeaderboardResponse,
} from "../validation/leaderboard";

type BoardRow = Database["public"]["Functions"]["get_leaderboard_page"]["Returns"][number];

function toEntry(row: BoardRow): LeaderboardEntry {
  return {
    rank: row.rank,
    sellerId: row.seller_id,
    displayName: row.display_name,
    avatarUrl: shownAvatarUrl(row.avatar_url),
    itemsSold: row.items_sold,
    totalViews: row.total_views,
  };
}

export async function getLeaderboard(query: LeaderboardQuery, session: DbSession): Promise<LeaderboardResponse> {
  if (query.around && session.role !== "authenticated") {
    throw new AppError("unauthorized", "Sign in to see the sellers around you.");
  }
  const monthly = query.period === "month";
  const { cursor, limit } = query;
  // A cursor names its month; without year and month in the query it decides which month is shown.
  const year = cursor ? cursor.year || undefined : query.year;
  const month = cursor ? cursor.month || undefined : query.month;
  const board = { p_metric: query.metric, p_period: query.period, p_year: year, p_month: month };

  const pageAt = (direction: "after" | "before", at: LeaderboardCursor, size: number) =>
    rpc(
      "get_leaderboard_page",
      {
        ...board,
        p_limit: size,
        p_direction: direction,
        p_value: at.figure,
        p_other: at.other,
        p_name: at.displayName,
        p_seller_id: at.sellerId,
      },
      session,
    );
  // One row more than shown tells whether there is a page beyond (limit 100 asks 100: the last page then
  // may be followed by an empty one).
  const probe = Math.min(limit + 1, 100);
  const [top, page, around] = await Promise.all([
    // One call, one snapshot: the period ("current month" by the database's clock, UTC), the summary, the
    // first month with activity and, without a cursor, the first page.
    rpc("get_leaderboard", { ...board, p_limit: cursor ? 1 : probe }, session),
    cursor ? pageAt(cursor.direction, cursor, probe) : null,
    query.around ? rpc("get_leaderboard_around_me", board, session) : null,
  ]);
  const [summary] = top;

  let rows: BoardRow[];
  let hasPrev: boolean;
  let hasNext: boolean;
  if (!cursor) {
    rows = top.filter((row) => row.seller_id !== null) as BoardRow[];
    hasPrev = false;
    hasNext = rows.length > limit;
    rows = rows.slice(0, limit);
  } else if (cursor.direction === "after") {
    rows = page!;
    hasPrev = true;
    hasNext = rows.length > limit;
    rows = rows.slice(0, limit);
  } else if (page!.length > limit) {
    rows = page!.slice(-limit);
    hasPrev = true;
    hasNext = true;
  } else {
    // Back at the top: the first page, full, rather than the few rows left before the cursor.
    const first = (await rpc("get_leaderboard", { ...board, p_limit: probe }, session)).filter(
      (row) => row.seller_id !== null,
    ) as BoardRow[];
    rows = first.slice(0, limit);
    hasPrev = false;
    hasNext = first.length > limit;
  }

  const resolved = { year: monthly ? summary.year : 0, month: monthly ? summary.month : 0 };
  const cursorAt = (direction: "after" | "before", row: BoardRow): string =>
    encodeLeaderboardCursor({
      direction,
      metric: query.metric,
      period: query.period,
      year: resolved.year ?? 0,
      month: resolved.month ?? 0,
      figure: query.metric === "sales" ? row.items_sold : row.total_views,
      other: query.metric === "sales" ? row.total_views : row.items_sold,
      displayName: row.display_name,
      sellerId: row.seller_id,
    });
  const first = rows[0];
  const last = rows.at(-1);
  // An empty page past the end leads back to the rows before its cursor.
  const prevCursor =
    hasPrev &&
    (first ? cursorAt("before", first) : cursor && encodeLeaderboardCursor({ ...cursor, direction: "before" }));

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
    entries: rows.map(toEntry),
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
    ...(around ? { around: around.map(toEntry) } : {}),
    ...(hasNext && last ? { nextCursor: cursorAt("after", last) } : {}),
    ...(prevCursor ? { prevCursor } : {}),
  });
}
