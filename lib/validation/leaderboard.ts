/**
 * The leaderboard's query parameters and answer, shared by the route (validation) and the client
 * (types of what SWR receives).
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

export interface LeaderboardEntry {
  rank: number;
  sellerId: string;
  displayName: string;
  avatarUrl: string | null;
  itemsSold: number;
  totalViews: number;
}

export interface LeaderboardResponse {
  metric: LeaderboardMetric;
  period: LeaderboardPeriod;
  /** The month shown (null for all time). */
  year: number | null;
  month: number | null;
  timeZone: typeof LEADERBOARD_TIME_ZONE;
  /** The latest change anywhere in the period (null when the period has no activity). */
  updatedAt: string | null;
  /** The first month with any activity: the month picker starts there (null when there is none). */
  firstMonth: { year: number; month: number } | null;
  entries: LeaderboardEntry[];
  /** The signed-in seller's own standing (null when signed out). */
  me: { rank: number | null; itemsSold: number; totalViews: number } | null;
}
