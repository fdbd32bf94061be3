import Link from "next/link";
import { formatPrice } from "@/components/products/format";
import type { DashboardResponse } from "@/lib/validation/dashboard";
import { formatCount, formatRank } from "./format";

/** The seller's figures as cards: a definition list, so each value is read with its label. */
export function FigureCards({ dashboard }: { dashboard: DashboardResponse }) {
  const figures: { label: string; value: string; note?: string; href?: string; muted?: boolean }[] = [
    { label: "Active listings", value: formatCount(dashboard.activeListings) },
    { label: "Views this month", value: formatCount(dashboard.viewsMonth) },
    { label: "Views all time", value: formatCount(dashboard.viewsAllTime) },
    { label: "Sold this month", value: formatCount(dashboard.soldMonth) },
    { label: "Sold all time", value: formatCount(dashboard.soldAllTime), note: "Ranked sales, as on the boards" },
    {
      label: "Sold, not ranked",
      value: formatCount(dashboard.sales.notRanked),
      note: "The buyer said “Not me”, or over 3 a month from one buyer",
      muted: dashboard.sales.notRanked === 0,
    },
    {
      label: "Sold elsewhere",
      value: formatCount(dashboard.sales.soldElsewhere),
      note: "No buyer named: in your records and earnings only",
      muted: dashboard.sales.soldElsewhere === 0,
    },
    { label: "Total earnings", value: formatPrice(dashboard.earningsTotal), note: "Sum of your sold items' prices" },
    { label: "Unread messages", value: formatCount(dashboard.unreadMessages), href: "/messages" },
    {
      label: "People asking",
      value: formatCount(dashboard.peopleAsking),
      note: "Conversations waiting for your reply",
      href: "/messages",
    },
    {
      label: "Rank by sales this month",
      value: formatRank(dashboard.rankSalesMonth),
      muted: dashboard.rankSalesMonth === null,
    },
    {
      label: "Rank by views this month",
      value: formatRank(dashboard.rankViewsMonth),
      muted: dashboard.rankViewsMonth === null,
    },
  ];
  return (
    <dl className="figure-cards">
      {figures.map(({ label, value, note, href, muted }) => (
        <div key={label} className="card figure-card">
          <dt>{label}</dt>
          <dd className={muted ? "figure-value figure-value-muted" : "figure-value"}>
            {href ? <Link href={href}>{value}</Link> : value}
          </dd>
          {note && <dd className="muted figure-note">{note}</dd>}
        </div>
      ))}
    </dl>
  );
}
