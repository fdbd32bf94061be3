/**
 * The signed-in seller's dashboard for the route and the page, through the one database seam. The
 * figures are get_seller_dashboard()'s (read from the leaderboard cache, so they agree with the
 * boards) and get_my_sales_summary()'s (sales in three parts, people asking); nothing is computed here
 * but the shape.
 */
import "server-only";
import { rpc, type DbSession } from "../db";
import { LEADERBOARD_TIME_ZONE } from "../validation/leaderboard";
import {
  DASHBOARD_MONTHS,
  DASHBOARD_TOP_PRODUCTS,
  dashboardResponseSchema,
  type DashboardResponse,
} from "../validation/dashboard";

export async function getSellerDashboard(session: DbSession): Promise<DashboardResponse> {
  const [[figures], [sales], months, topProducts, ranks] = await Promise.all([
    rpc("get_seller_dashboard", {}, session),
    rpc("get_my_sales_summary", {}, session),
    rpc("get_seller_monthly_stats", { p_months: DASHBOARD_MONTHS }, session),
    rpc("get_my_top_products", { p_limit: DASHBOARD_TOP_PRODUCTS }, session),
    rpc("get_my_rank_history", {}, session),
  ]);
  // The same last 12 months (get_my_rank_history always answers 12).
  const rankOf = new Map(ranks.map((row) => [`${row.year}-${row.month}`, row]));
  return dashboardResponseSchema.parse({
    activeListings: figures.active_listings,
    viewsMonth: figures.views_month,
    viewsAllTime: figures.views_all_time,
    soldMonth: figures.sold_month,
    soldAllTime: figures.sold_all_time,
    earningsTotal: Number(figures.earnings_total),
    unreadMessages: figures.unread_messages,
    rankSalesMonth: figures.rank_sales_month ?? null,
    rankViewsMonth: figures.rank_views_month ?? null,
    sales: { ranked: sales.sold_ranked, notRanked: sales.sold_not_ranked, soldElsewhere: sales.sold_elsewhere },
    peopleAsking: sales.people_asking,
    timeZone: LEADERBOARD_TIME_ZONE,
    months: months.map((row) => ({
      year: row.year,
      month: row.month,
      itemsSold: row.items_sold,
      totalViews: row.total_views,
      rankSales: rankOf.get(`${row.year}-${row.month}`)?.rank_sales ?? null,
      rankViews: rankOf.get(`${row.year}-${row.month}`)?.rank_views ?? null,
    })),
    topProducts: topProducts.map((row) => ({
      id: row.id,
      title: row.title,
      status: row.status,
      price: Number(row.price),
      viewsMonth: row.views_month,
      viewsAllTime: row.views_all_time,
    })),
  });
}
