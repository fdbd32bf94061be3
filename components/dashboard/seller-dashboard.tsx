"use client";
import Link from "next/link";
import { LeaderboardButton } from "@/components/leaderboard/leaderboard-button";
import { useLiveUpdates } from "@/lib/leaderboard/live-updates";
import { useSellerDashboard } from "@/lib/swr/use-seller-dashboard";
import type { DashboardResponse } from "@/lib/validation/dashboard";
import { FigureCards } from "./figure-cards";
import { monthLabel } from "../leaderboard/format";
import { formatCount } from "./format";
import { LeaderboardCallToAction } from "./leaderboard-call-to-action";
import { MonthlyChart } from "./monthly-chart";
import { RankHistory } from "./rank-history";
import { TopProducts } from "./top-products";

/** Nothing listed, sold or viewed, ever: a shopper (or a seller whose listings are all drafts). */
function hasNoSellerActivity(dashboard: DashboardResponse): boolean {
  return (
    dashboard.activeListings === 0 &&
    dashboard.soldAllTime === 0 &&
    dashboard.viewsAllTime === 0 &&
    dashboard.topProducts.length === 0
  );
}

/**
 * The seller dashboard: rendered on the server first, then kept fresh by SWR (the live-update client
 * revalidates /api/dashboard when the leaderboard changes). A failed refresh keeps the last figures.
 */
export function SellerDashboard({ initialDashboard }: { initialDashboard: DashboardResponse }) {
  const { dashboard = initialDashboard, error } = useSellerDashboard(initialDashboard);
  const current = dashboard.months[dashboard.months.length - 1];
  const thisMonth = current ? monthLabel(current.year, current.month, dashboard.timeZone) : dashboard.timeZone;

  // The tab's one EventSource: a sale or view anywhere revalidates /api/dashboard at once.
  useLiveUpdates();
  const leaderboard = <LeaderboardCallToAction action={<LeaderboardButton label="Open the leaderboard" signedIn />} />;

  if (hasNoSellerActivity(dashboard)) {
    return (
      <div className="dashboard">
        <section className="card dashboard-empty" aria-labelledby="dashboard-empty-title">
          <h2 id="dashboard-empty-title">Nothing for sale yet</h2>
          <p>
            List something you no longer need: once it is live, your views, sales, earnings and rank show up here, month
            by month.
          </p>
          <p>
            <Link href="/my-products" className="button-link">
              List your first item
            </Link>
          </p>
          {dashboard.unreadMessages > 0 && (
            <p>
              <Link href="/messages">
                {formatCount(dashboard.unreadMessages)} unread {dashboard.unreadMessages === 1 ? "message" : "messages"}
              </Link>
            </p>
          )}
        </section>
        {leaderboard}
      </div>
    );
  }

  return (
    <div className="dashboard">
      {error && (
        <p role="alert" className="alert">
          Could not refresh your figures; showing the last ones. {error.message}
        </p>
      )}
      <section aria-labelledby="dashboard-figures-title">
        <h2 id="dashboard-figures-title">
          Your figures <span className="muted dashboard-month">· this month is {thisMonth}</span>
        </h2>
        <FigureCards dashboard={dashboard} />
      </section>
      <div className="dashboard-columns">
        <div className="dashboard-main">
          <section className="card" aria-labelledby="dashboard-chart-title">
            <h2 id="dashboard-chart-title">The last {dashboard.months.length} months</h2>
            <MonthlyChart months={dashboard.months} />
          </section>
          <section className="card" aria-labelledby="dashboard-rank-title">
            <h2 id="dashboard-rank-title">Your rank over time</h2>
            <RankHistory months={dashboard.months} />
          </section>
        </div>
        <div className="dashboard-side">
          <section className="card" aria-labelledby="dashboard-top-title">
            <h2 id="dashboard-top-title">Most viewed this month</h2>
            <TopProducts products={dashboard.topProducts} />
          </section>
          {leaderboard}
        </div>
      </div>
    </div>
  );
}
