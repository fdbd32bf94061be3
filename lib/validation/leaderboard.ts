/**
 * The leaderboard's query parameters and answer, shared by the route (validation of the query, the
 * answer parsed on the way out by lib/leaderboard) and the client (types of what SWR receives).
 */
import { z } from "zod";

export const LEADERBOARD_TIME_ZONE = "UTC";
export const LEADERBOARD_METRICS = ["sales", "views"] as const;
export const LEADERBOARD_PERIODS = ["month", "all"] as const;

export const leaderboardQuerySchema = z
  .strictObject({
    metric: z.enum(LEADERBOARD_METRICS).default("sales"),
    period: z.enum(LEADERBOARD_PERIODS).default("month"),
    year: z.coerce.number().int().min(2000).max(9999).optional(),
    month: z.coerce.number().int().min(1).max(12).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .refine((query) => (query.year === undefined) === (query.month === undefined), {
    message: "Give both year and month, or neither (for the current month).",
    path: ["month"],
  })
  .refine((query) => query.period === "month" || (query.year === undefined && query.month === undefined), {
    message: "year and month only apply to period=month.",
    path: ["period"],
  });

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
});
export type LeaderboardResponse = z.infer<typeof leaderboardResponseSchema>;
