/**
 * The full ranking (/leaderboard's client part) through the reader's eyes: the page's rows and ranks, the
 * pager's shareable links, tabs that change the address, the sellers around you, and live updates that
 * refresh figures in place but wait for the reader before the order changes.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FullRanking, type FullRankingSelection } from "../../components/leaderboard/full-ranking";
import type { LeaderboardResponse } from "../../lib/validation/leaderboard";
import { stubApi } from "../helpers/api-stub";
import { fakeEventSource } from "../helpers/event-source";
import { board, entry, thisMonth, thisYear } from "../helpers/leaderboard";
import { renderWithProviders, screen, waitFor, within } from "../helpers/render";

const router = { push: vi.fn() };
vi.mock("next/navigation", () => ({ useRouter: () => router }));

afterEach(() => {
  vi.unstubAllGlobals();
  router.push.mockReset();
});

const views: FullRankingSelection = { metric: "views", period: "all", year: null, month: null, cursor: "page2" };

const secondPage = (overrides: Partial<LeaderboardResponse> = {}) =>
  board({
    metric: "views",
    period: "all",
    year: null,
    month: null,
    entries: [entry(51, "Una", 1, 90), entry(51, "Vic", 0, 90), entry(53, "Wes", 2, 80)],
    nextCursor: "page3",
    prevCursor: "page1",
    ...overrides,
  });

function show(leaderboard: LeaderboardResponse, selection = views, signedIn = false) {
  stubApi({ "GET /api/leaderboard": { json: leaderboard } });
  return renderWithProviders(
    <FullRanking
      selection={selection}
      signedIn={signedIn}
      currentMonth={{ year: thisYear, month: thisMonth }}
      initialLeaderboard={leaderboard}
      refreshInterval={0}
    />,
  );
}

const rows = () =>
  within(screen.getByRole("list", { name: "Views ranking" }))
    .getAllByRole("listitem")
    .map((item) => item.textContent);

describe("Full ranking", () => {
  it("shows the page's rows with their ranks, and the pager's links hold the board and the cursor", () => {
    show(secondPage());
    expect(rows()).toEqual([
      expect.stringMatching(/^51.*Una.*90 views.*1 sold/),
      expect.stringMatching(/^51.*Vic/),
      expect.stringMatching(/^53.*Wes/),
    ]);
    const pages = screen.getByRole("navigation", { name: "Pages" });
    expect(within(pages).getByRole("link", { name: "Next 50 →" })).toHaveAttribute(
      "href",
      "/leaderboard?metric=views&period=all&cursor=page3",
    );
    expect(within(pages).getByRole("link", { name: "← Previous 50" })).toHaveAttribute(
      "href",
      "/leaderboard?metric=views&period=all&cursor=page1",
    );
    expect(within(pages).getByRole("link", { name: "Top" })).toHaveAttribute(
      "href",
      "/leaderboard?metric=views&period=all",
    );
  });

  it("on the first page: no previous page and no Top link; past the end: says so, with no next page", () => {
    const { unmount } = show(secondPage({ prevCursor: undefined }), { ...views, cursor: null });
    const pages = screen.getByRole("navigation", { name: "Pages" });
    expect(within(pages).queryByRole("link", { name: /Previous/ })).not.toBeInTheDocument();
    expect(within(pages).queryByRole("link", { name: "Top" })).not.toBeInTheDocument();
    unmount();
    show(secondPage({ entries: [], nextCursor: undefined }));
    expect(screen.getByText("No more sellers on this board.")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /Next/ })).not.toBeInTheDocument();
  });

  it("changes the address when the reader picks another tab, period or month (back to the top)", async () => {
    const { user } = show(secondPage({ period: "month", year: thisYear, month: thisMonth }), {
      ...views,
      period: "month",
    });
    await user.click(screen.getByRole("tab", { name: "Sales" }));
    expect(router.push).toHaveBeenLastCalledWith("/leaderboard?metric=sales&period=month");
    await user.click(screen.getByRole("button", { name: "All time" }));
    expect(router.push).toHaveBeenLastCalledWith("/leaderboard?metric=views&period=all");
    const [, past] = within(screen.getByRole("combobox")).getAllByRole("option");
    await user.selectOptions(screen.getByRole("combobox"), past);
    expect(router.push).toHaveBeenLastCalledWith(
      expect.stringMatching(/^\/leaderboard\?metric=views&period=month&year=\d+&month=\d+$/),
    );
  });

  it("shows a signed-in seller outside the top 10 the two sellers above and below, marked (you)", () => {
    show(
      secondPage({
        me: { sellerId: "id-Xia", rank: 60, itemsSold: 1, totalViews: 70 },
        around: [
          entry(58, "Una", 0, 72),
          entry(58, "Vic", 0, 72),
          entry(60, "Xia", 1, 70),
          entry(61, "Yan", 0, 69),
          entry(62, "Zoe", 0, 60),
        ],
      }),
      views,
      true,
    );
    const around = screen.getByRole("region", { name: "Around you" });
    const items = within(around).getAllByRole("listitem");
    expect(items.map((item) => item.querySelector(".leaderboard-name-text")?.textContent)).toEqual([
      "Una",
      "Vic",
      "Xia",
      "Yan",
      "Zoe",
    ]);
    expect(items[2]).toHaveAttribute("aria-current", "true");
    expect(items[2]).toHaveTextContent("(you)");
  });

  it("live: new figures in the same order show at once; a new order waits for the reader", async () => {
    let answer = secondPage();
    stubApi({ "GET /api/leaderboard": async () => ({ json: answer }) });
    const live = fakeEventSource();
    const { user } = renderWithProviders(
      <FullRanking
        selection={views}
        signedIn={false}
        currentMonth={{ year: thisYear, month: thisMonth }}
        initialLeaderboard={answer}
        refreshInterval={0}
      />,
    );
    // Same order, Una has more views: shown in place.
    answer = secondPage({ entries: [entry(51, "Una", 1, 95), entry(52, "Vic", 0, 90), entry(53, "Wes", 2, 80)] });
    live.change();
    await waitFor(() => expect(rows()[0]).toMatch(/95 views/));
    expect(rows()[1]).toMatch(/^52/);
    // Wes overtakes both: the rows stay where they are until the reader asks.
    answer = secondPage({ entries: [entry(51, "Wes", 2, 99), entry(52, "Una", 1, 95), entry(53, "Vic", 0, 90)] });
    live.change();
    await screen.findByText("The ranking has changed.");
    expect(rows()[0]).toMatch(/Una/);
    await user.click(screen.getByRole("button", { name: "Show the new order" }));
    expect(rows()[0]).toMatch(/^51.*Wes.*99 views/);
    expect(screen.queryByText("The ranking has changed.")).not.toBeInTheDocument();
  });
});
