/**
 * The seller dashboard through the seller's eyes: figure cards, the chart and its table, the empty state,
 * the button that opens the leaderboard (sharing the tab's one stream with it), and polling as the
 * fallback to the stream.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SellerDashboard } from "../../components/dashboard/seller-dashboard";
import type { DashboardResponse } from "../../lib/validation/dashboard";
import { stubApi } from "../helpers/api-stub";
import { fakeEventSource } from "../helpers/event-source";
import { board } from "../helpers/leaderboard";
import { advance, renderWithProviders, screen, setVisibility, waitFor, within } from "../helpers/render";

function months(values: [number, number, (number | null)?, (number | null)?][]) {
  // Twelve months ending November 2026; the ranks by sales and by views when given.
  return values.map(([itemsSold, totalViews, rankSales = null, rankViews = null], index) => {
    const date = new Date(Date.UTC(2026, 10 - (values.length - 1 - index), 1));
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, itemsSold, totalViews, rankSales, rankViews };
  });
}

const seller: DashboardResponse = {
  activeListings: 7,
  viewsMonth: 1234,
  viewsAllTime: 20500,
  soldMonth: 3,
  soldAllTime: 41,
  earningsTotal: 12345.5,
  unreadMessages: 2,
  rankSalesMonth: 2,
  rankViewsMonth: null,
  sales: { ranked: 41, notRanked: 3, soldElsewhere: 5 },
  peopleAsking: 4,
  timeZone: "UTC",
  months: months([
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [2, 100, 40, 310],
    [5, 300, 12, 120],
    [4, 250, 15, null],
    [6, 500, 9, 80],
    [8, 900, 4, 51],
    [7, 1100, 5, 33],
    [6, 2000, 5, 20],
    [3, 1234, 2, null],
  ]),
  topProducts: [
    { id: "p1", title: "Leica M3", status: "active", price: 1450, viewsMonth: 120, viewsAllTime: 800 },
    { id: "p2", title: "Film scanner", status: "sold", price: 200, viewsMonth: 1, viewsAllTime: 30 },
  ],
};

const shopper: DashboardResponse = {
  ...seller,
  activeListings: 0,
  viewsMonth: 0,
  viewsAllTime: 0,
  soldMonth: 0,
  soldAllTime: 0,
  earningsTotal: 0,
  unreadMessages: 1,
  rankSalesMonth: null,
  rankViewsMonth: null,
  sales: { ranked: 0, notRanked: 0, soldElsewhere: 0 },
  peopleAsking: 0,
  months: months(Array.from({ length: 12 }, () => [0, 0])),
  topProducts: [],
};

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** The value shown for a card's label (a <dt>/<dd> pair). */
function figure(label: string): string {
  const term = screen.getByText(label, { selector: "dt" });
  return term.nextElementSibling?.textContent ?? "";
}

describe("Seller dashboard", () => {
  it("shows every figure as a labelled card, money formatted and a missing rank said in words", () => {
    stubApi({ "GET /api/dashboard": { json: seller } });
    renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    expect(figure("Active listings")).toBe("7");
    expect(figure("Views this month")).toBe("1,234");
    expect(figure("Views all time")).toBe("20,500");
    expect(figure("Sold this month")).toBe("3");
    expect(figure("Sold all time")).toBe("41");
    expect(figure("Total earnings")).toBe("$12,345.50");
    expect(figure("Unread messages")).toBe("2");
    // Role queries within the figures' section: the rest of the page (charts, tables) is not needed here.
    const figures = screen.getByText("Unread messages", { selector: "dt" }).closest("section")!;
    expect(within(figures).getByRole("link", { name: "2" })).toHaveAttribute("href", "/messages");
    // Sales in three parts: ranked (the boards' figure), not ranked, sold elsewhere; and who is waiting.
    expect(figure("Sold, not ranked")).toBe("3");
    expect(figure("Sold elsewhere")).toBe("5");
    expect(figure("People asking")).toBe("4");
    expect(screen.getByRole("link", { name: "4" })).toHaveAttribute("href", "/messages");
    expect(figure("Rank by sales this month")).toBe("#2");
    expect(figure("Rank by views this month")).toBe("Not ranked yet");
    expect(within(figures).getByRole("heading", { name: /this month is November 2026, UTC/ })).toBeInTheDocument();
  });

  it("draws both series as images with a text alternative, and the numbers as a table", async () => {
    stubApi({ "GET /api/dashboard": { json: seller } });
    const { user } = renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    const sales = screen.getByRole("img", {
      name: /^Items sold, December 2025 to November 2026: 41 items sold in total, at most 8 in a month/,
    });
    const views = screen.getByRole("img", {
      name: /^Views, December 2025 to November 2026: 6,384 views in total, at most 2,000 in a month/,
    });
    expect(sales.querySelectorAll("rect")).toHaveLength(12);
    expect(views.querySelectorAll("rect")).toHaveLength(12);

    await user.click(screen.getByText("Show the numbers as a table"));
    const table = screen.getByRole("table", { name: "Items sold and views per month (UTC)" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(13);
    expect(within(rows[12]).getByRole("rowheader")).toHaveTextContent("November 2026");
    expect(
      within(rows[12])
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["3", "1,234"]);
    expect(
      within(rows[1])
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["0", "0"]);
  });

  it("shows the rank over time: how it moved since last month in words, lines with gaps, and a table", async () => {
    stubApi({ "GET /api/dashboard": { json: seller } });
    const { user } = renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    const section = screen.getByRole("region", { name: "Your rank over time" });
    expect(within(section).getByText(/Up 3 places since October \(#5 to #2\)/)).toBeInTheDocument();
    expect(within(section).getByText("Not ranked this month")).toBeInTheDocument();
    const chart = within(section).getByRole("img", {
      name: /^Your rank by sales and by views, December 2025 to November 2026\. Sales: Up 3 places since October/,
    });
    // Sales ranked 8 months in a row: one line; views ranked with a gap in July: two lines.
    expect(chart.querySelectorAll(".rank-line-sales polyline")).toHaveLength(1);
    expect(chart.querySelectorAll(".rank-line-views polyline")).toHaveLength(2);
    await user.click(within(section).getByText("Show your ranks as a table"));
    const table = within(section).getByRole("table", { name: "Your rank per month (UTC)" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(13);
    expect(
      within(rows[12])
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["#2", "Not ranked yet"]);
  });

  it("lists the most viewed products of the month and has a place for the leaderboard", () => {
    stubApi({ "GET /api/dashboard": { json: seller } });
    renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    const list = screen.getByRole("list", { name: "Your most viewed products this month" });
    const items = within(list).getAllByRole("listitem");
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringMatching(/^Leica M3 Active120 views this month · 800 all time$/),
      expect.stringMatching(/^Film scanner Sold1 view this month · 30 all time$/),
    ]);
    expect(within(items[0]).getByRole("link", { name: "Leica M3" })).toHaveAttribute("href", "/products/p1");
    expect(screen.getByRole("region", { name: "How you compare" })).toBeInTheDocument();
  });

  it("opens the leaderboard from its button", async () => {
    stubApi({ "GET /api/dashboard": { json: seller }, "GET /api/leaderboard": { json: board() } });
    const { user } = renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    const region = screen.getByRole("region", { name: "How you compare" });
    await user.click(within(region).getByRole("button", { name: "Open the leaderboard" }));
    const dialog = screen.getByRole("dialog", { name: "Leaderboard" });
    expect(await within(dialog).findByText("Ada Lovelace")).toBeInTheDocument();
  });

  it("shares the tab's one EventSource with the open leaderboard, and closes it when both are gone", async () => {
    const live = fakeEventSource();
    const api = stubApi({ "GET /api/dashboard": { json: seller }, "GET /api/leaderboard": { json: board() } });
    const { user, unmount } = renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    expect(live.open()).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Open the leaderboard" }));
    await screen.findByText("Ada Lovelace");
    expect(live.sources).toHaveLength(1);
    expect(live.open()).toHaveLength(1);

    // One change event refreshes both.
    const before = api.requests.length;
    live.change();
    await waitFor(() =>
      expect(
        api.requests
          .slice(before)
          .map((request) => request.path)
          .sort(),
      ).toEqual(["/api/dashboard", "/api/leaderboard"]),
    );

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(live.open()).toHaveLength(1); // the dashboard still listens
    unmount();
    expect(live.open()).toHaveLength(0);
    expect(live.sources).toHaveLength(1);
  });

  it("polls /api/dashboard every 30 s as the fallback to the stream, not while the tab is hidden", async () => {
    vi.useFakeTimers();
    const api = stubApi({ "GET /api/dashboard": { json: seller } });
    const polls = () => api.requests.filter((request) => request.path === "/api/dashboard").length;
    const { unmount } = renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    await advance(100);
    expect(polls()).toBe(1); // the mount's revalidation of the server-rendered figures (next frame)
    await advance(29_899);
    expect(polls()).toBe(1);
    await advance(1);
    expect(polls()).toBe(2);

    setVisibility("hidden");
    await advance(120_000);
    expect(polls()).toBe(2);
    setVisibility("visible");
    await advance(30_000);
    expect(polls()).toBe(3);

    unmount();
    await advance(120_000);
    expect(polls()).toBe(3);
  });

  it("shows newer figures when /api/dashboard revalidates", async () => {
    stubApi({ "GET /api/dashboard": { json: { ...seller, soldMonth: 4, rankViewsMonth: 9 } } });
    renderWithProviders(<SellerDashboard initialDashboard={seller} />);
    await waitFor(() => expect(figure("Sold this month")).toBe("4"));
    expect(figure("Rank by views this month")).toBe("#9");
  });

  it("invites a shopper with no products to list something, instead of a page of zeros", () => {
    stubApi({ "GET /api/dashboard": { json: shopper } });
    renderWithProviders(<SellerDashboard initialDashboard={shopper} />);
    expect(screen.getByRole("heading", { name: "Nothing for sale yet" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "List your first item" })).toHaveAttribute("href", "/my-products");
    expect(screen.getByRole("link", { name: "1 unread message" })).toHaveAttribute("href", "/messages");
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
    expect(screen.queryByText("Total earnings")).not.toBeInTheDocument();
  });
});
