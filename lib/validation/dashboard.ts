/**
 * The seller dashboard's answer (GET /api/dashboard), shared by the route (parsed on the way out, so
 * the JSON always has this shape) and the client (types of what SWR receives).
 */
import { z } from "zod";
import { LEADERBOARD_TIME_ZONE } from "./leaderboard";
import { PRODUCT_STATUSES } from "./products";

export const DASHBOARD_MONTHS = 12;
export const DASHBOARD_TOP_PRODUCTS = 5;

const count = z.number().int().min(0);
const rank = z.number().int().min(1).nullable();

const dashboardMonthSchema = z.strictObject({
  year: z.number().int(),
  month: z.number().int().min(1).max(12),
  itemsSold: count,
  totalViews: count,
  /** That month's final (or, for the current month, present) rank on each board; null when not ranked. */
  rankSales: rank,
  rankViews: rank,
});
export type DashboardMonth = z.infer<typeof dashboardMonthSchema>;

const dashboardTopProductSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  status: z.enum(PRODUCT_STATUSES),
  price: z.number(),
  viewsMonth: count,
  viewsAllTime: count,
});
export type DashboardTopProduct = z.infer<typeof dashboardTopProductSchema>;

/** The figures of get_seller_dashboard() in camelCase, plus the chart's months and the best products. */
export const dashboardResponseSchema = z.strictObject({
  activeListings: count,
  viewsMonth: count,
  viewsAllTime: count,
  soldMonth: count,
  soldAllTime: count,
  /** Sum of the sold products' prices, in the currency's units. */
  earningsTotal: z.number().min(0),
  unreadMessages: count,
  /** Ranks this month; null when not ranked (nothing sold / viewed this month). */
  rankSalesMonth: rank,
  rankViewsMonth: rank,
  /**
   * Every current sale in three parts: ranked (on the boards: soldAllTime), not ranked (disputed by the
   * buyer, over the 3-per-buyer-and-month cap, or free) and sold elsewhere (no buyer named).
   */
  sales: z.strictObject({ ranked: count, notRanked: count, soldElsewhere: count }),
  /** Conversations about the seller's products whose latest message is the other person's. */
  peopleAsking: count,
  timeZone: z.literal(LEADERBOARD_TIME_ZONE),
  /** The last DASHBOARD_MONTHS months, oldest first, the current month last; zero months included. */
  months: z.array(dashboardMonthSchema),
  topProducts: z.array(dashboardTopProductSchema),
});
export type DashboardResponse = z.infer<typeof dashboardResponseSchema>;
