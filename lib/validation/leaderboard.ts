/**
 * The leaderboard's query parameters and answer, shared by the route (validation of the query, the
 * answer parsed on the way out by lib/leaderboard) and the client (types of what SWR receives).
 */
import { z } from "zod";

export const LEADERBOARD_TIME_ZONE = "UTC";
export const LEADERBOARD_METRICS = ["sales", "views"] as const;
export const LEADERBOARD_PERIODS = ["month", "all"] as const;

/** Rows per page of the full ranking (/leaderboard). */
export const FULL_RANKING_PAGE_SIZE = 50;

/**
 * Where a page of a board starts: after (or ends before) the row with this sort key, in the board's order
 * (the metric's figure desc, the other metric's desc, display name, seller id). It names its board
 * (metric, period, month: year and month 0 for all time), so a cursor of another board is refused. A key,
 * not a position: it stays meaningful while figures change.
 */
export const leaderboardCursorSchema = z.strictObject({
  direction: z.enum(["after", "before"]),
  metric: z.enum(LEADERBOARD_METRICS),
  period: z.enum(LEADERBOARD_PERIODS),
  year: z.number().int().min(0).max(9999),
  month: z.number().int().min(0).max(12),
  figure: z.number().int().min(1).max(2_147_483_647),
  other: z.number().int().min(0).max(2_147_483_647),
  displayName: z.string().min(1).max(200),
  sellerId: z.uuid(),
});
export type LeaderboardCursor = z.infer<typeof leaderboardCursorSchema>;

/** A cursor as it travels in URLs: base64url of its JSON, opaque to clients. */
export function encodeLeaderboardCursor(cursor: LeaderboardCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor in `text`, or null when it is not one of ours. */
export function decodeLeaderboardCursor(text: string): LeaderboardCursor | null {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const json = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const parsed = leaderboardCursorSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const cursorParam = z
  .string()
  .max(1000)
  .transform((text, context) => {
    const cursor = /^[A-Za-z0-9_-]+$/.test(text) ? decodeLeaderboardCursor(text) : null;
    if (!cursor) {
      context.addIssue({ code: "custom", message: "This cursor is not one of ours: start again from the first page." });
      return z.NEVER;
    }
    return cursor;
  });

export const leaderboardQuerySchema = z
  .strictObject({
    metric: z.enum(LEADERBOARD_METRICS).default("sales"),
    period: z.enum(LEADERBOARD_PERIODS).default("month"),
    year: z.coerce.number().int().min(2000).max(9999).optional(),
    month: z.coerce.number().int().min(1).max(12).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(10),
    /** A page after (or before) a row: nextCursor / prevCursor of an earlier answer. */
    cursor: cursorParam.optional(),
    /** around=me: also answer the signed-in seller's neighbours (two above, two below). */
    around: z.literal("me").optional(),
  })
  .refine((query) => (query.year === undefined) === (query.month === undefined), {
    message: "Give both year and month, or neither (for the current month).",
    path: ["month"],
  })
  .refine((query) => query.period === "month" || (query.year === undefined && query.month === undefined), {
    message: "year and month only apply to period=month.",
    path: ["period"],
  })
  .refine(
    ({ cursor, metric, period, year, month }) =>
      !cursor ||
      (cursor.metric === metric &&
        cursor.period === period &&
        (year === undefined || (cursor.year === year && cursor.month === month)) &&
        (period === "month") === cursor.year > 0),
    { message: "This cursor belongs to another board (metric, period or month).", path: ["cursor"] },
  );

export type LeaderboardQuery = z.infer<typeof leaderboardQuerySchema>;
export type LeaderboardMetric = LeaderboardQuery["metric"];
export type LeaderboardPeriod = LeaderboardQuery["period"];

const count = z.number().int().min(0);
const rank = z.number().int().min(1);

const leaderboardEntrySchema = z.strictObject({
  rank,
  sellerId: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  itemsSold: count,
  totalViews: count,
});
export type LeaderboardEntry = z.infer<typeof leaderboardEntrySchema>;

export const leaderboardResponseSchema = z.strictObject({
  metric: z.enum(LEADERBOARD_METRICS),
  period: z.enum(LEADERBOARD_PERIODS),
  /** The month shown (null for all time). */
  year: z.number().int().nullable(),
  month: z.number().int().min(1).max(12).nullable(),
  timeZone: z.literal(LEADERBOARD_TIME_ZONE),
  /** The latest change anywhere in the period (null when the period has no activity). */
  updatedAt: z.string().nullable(),
  /** The first month with any activity: the month picker starts there (null when there is none). */
  firstMonth: z.strictObject({ year: z.number().int(), month: z.number().int().min(1).max(12) }).nullable(),
  entries: z.array(leaderboardEntrySchema),
  /**
   * The signed-in seller's own standing (null when signed out). `sellerId` lets the client tell whether
   * the seller's row is among `entries` (a seller tied with the last listed rank may be cut off by the limit).
   */
  me: z.strictObject({ sellerId: z.string(), rank: rank.nullable(), itemsSold: count, totalViews: count }).nullable(),
  /**
   * With around=me: the signed-in seller and the two sellers right above and below them, in board order
   * (empty when they are not ranked or are excluded).
   */
  around: z.array(leaderboardEntrySchema).optional(),
  /** The next page (absent on the last one) and the previous one (absent on the first). */
  nextCursor: z.string().optional(),
  prevCursor: z.string().optional(),
});
export type LeaderboardResponse = z.infer<typeof leaderboardResponseSchema>;
