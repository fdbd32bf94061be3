/**
 * The leaderboard modal through a shopper's eyes and keyboard: opening and closing (focus in, trapped,
 * back on the opener), tabs, period and month, every state (loading, empty, error with retry keeping
 * the last figures, quiet refresh), `me`, rank movement announced politely, the live stream turning
 * change events into refetches and reconnecting with growing delays, and polling (at the configured
 * interval while open, never while the tab is hidden or after closing).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { LeaderboardButton } from "../../components/leaderboard/leaderboard-button";
import { apiError, hold, stubApi } from "../helpers/api-stub";
import { fakeEventSource } from "../helpers/event-source";
import { board, entry, thisMonth, thisYear, now } from "../helpers/leaderboard";
import { advance, fireEvent, renderWithProviders, screen, setVisibility, waitFor, within } from "../helpers/render";

type Reply = { status?: number; json: unknown };

/** Answers GET /api/leaderboard from `answer(query)`, so a test can change what the server says. */
function stubLeaderboard(answer: (query: URLSearchParams) => Reply | Promise<Reply>) {
  const queries: URLSearchParams[] = [];
  const api = stubApi({
    "GET /api/leaderboard": async () => {
      const call = api.fetch.mock.calls.at(-1)!;
      const query = new URL(String(call[0]), "http://localhost").searchParams;
      queries.push(query);
      return answer(query);
    },
  });
  return { ...api, queries };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const dialog = () => screen.getByRole("dialog", { name: "Leaderboard" });
const rows = () => within(screen.getByRole("list", { name: /Top sellers/ })).getAllByRole("listitem");

describe("Leaderboard modal", () => {
  it("opens from its button with focus inside, traps Tab, and Esc returns focus to the opener", async () => {
    stubLeaderboard(() => ({ json: board() }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    const opener = screen.getByRole("button", { name: "Leaderboard" });
    await user.click(opener);
    expect(dialog()).toBeInTheDocument();
    expect(dialog()).toContainElement(document.activeElement as HTMLElement);
    await screen.findByText("Ada Lovelace");
    for (let i = 0; i < 12; i++) {
      await user.tab();
      expect(dialog()).toContainElement(document.activeElement as HTMLElement);
    }
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(opener).toHaveFocus();
  });

  it("closes with its close button and returns focus", async () => {
    stubLeaderboard(() => ({ json: board() }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await user.click(screen.getByRole("button", { name: "Close leaderboard" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByRole("button", { name: "Leaderboard" })).toHaveFocus();
  });

  it("shows a skeleton first, then the top sellers with shared ranks, avatars or initials and both figures", async () => {
    const answer = hold({ json: board() });
    stubLeaderboard(answer.reply);
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    expect(screen.getByText("Loading the leaderboard…")).toBeInTheDocument();
    answer.release();
    await screen.findByText("Ada Lovelace");
    expect(screen.queryByText("Loading the leaderboard…")).not.toBeInTheDocument();
    const [ada, bea, cy] = rows();
    expect(within(ada).getByLabelText("Rank 1")).toBeInTheDocument();
    expect(within(bea).getByLabelText("Rank 1")).toBeInTheDocument();
    expect(within(cy).getByLabelText("Rank 3")).toBeInTheDocument();
    expect(within(ada).getByText("AL")).toBeInTheDocument();
    expect(bea.querySelector("img")).toHaveAttribute("src", "https://example.test/bea.png");
    expect(within(cy).getByText("2 sold")).toBeInTheDocument();
    expect(within(cy).getByText("90 views")).toBeInTheDocument();
    const label = new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(now);
    expect(screen.getByText(`${label}, UTC`)).toBeInTheDocument();
    expect(screen.getByText(/resets in \d+ (day|days|hour|hours|minute|minutes)/)).toBeInTheDocument();
    expect(screen.getByText("Last updated 5 minutes ago")).toBeInTheDocument();
  });

  it("moves between Sales and Views with the arrow keys, with aria-selected", async () => {
    const api = stubLeaderboard((query) => ({
      json: board({
        metric: query.get("metric") as "sales" | "views",
        entries: query.get("metric") === "views" ? [entry(1, "Cy", 2, 90)] : board().entries,
      }),
    }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    const sales = screen.getByRole("tab", { name: "Sales" });
    const views = screen.getByRole("tab", { name: "Views" });
    expect(sales).toHaveAttribute("aria-selected", "true");
    sales.focus();
    await user.keyboard("{ArrowRight}");
    expect(views).toHaveFocus();
    expect(views).toHaveAttribute("aria-selected", "true");
    expect(sales).toHaveAttribute("aria-selected", "false");
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(api.queries.at(-1)?.get("metric")).toBe("views");
    await user.keyboard("{ArrowLeft}");
    expect(sales).toHaveAttribute("aria-selected", "true");
  });

  it("switches to all time and to a past month (from the first month with activity, none in the future)", async () => {
    const api = stubLeaderboard((query) =>
      query.get("period") === "all"
        ? { json: board({ period: "all", year: null, month: null }) }
        : query.get("year")
          ? {
              json: board({
                year: Number(query.get("year")),
                month: Number(query.get("month")),
                entries: [],
                updatedAt: null,
              }),
            }
          : { json: board() },
    );
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await screen.findByText("Ada Lovelace");
    const picker = screen.getByRole("combobox", { name: "Month" });
    const options = within(picker)
      .getAllByRole("option")
      .map((option) => option.textContent);
    // From the current month back to November of last year.
    expect(options[0]).toMatch(/\(now\)$/);
    expect(options.at(-1)).toBe(`November ${thisYear - 1}, UTC`);
    expect(options).toHaveLength(thisMonth + 2);
    await user.selectOptions(picker, `${thisYear - 1}-11`);
    await screen.findByText("No sales in this month. Check back soon.");
    expect(api.queries.at(-1)?.toString()).toContain(`year=${thisYear - 1}&month=11`);
    expect(screen.getByText(`November ${thisYear - 1}, UTC`, { selector: "strong" })).toBeInTheDocument();
    expect(screen.queryByText(/resets in/)).not.toBeInTheDocument();
    expect(screen.getByText("No activity yet")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "All time" }));
    expect(screen.getByRole("button", { name: "All time" })).toHaveAttribute("aria-pressed", "true");
    await screen.findByText("All time", { selector: "strong" });
    expect(screen.queryByRole("combobox", { name: "Month" })).not.toBeInTheDocument();
    expect(api.queries.at(-1)?.get("period")).toBe("all");
  });

  it("shows the signed-in seller's own row when they are outside the top 10", async () => {
    stubLeaderboard(() => ({ json: board({ me: { sellerId: "id-me", rank: 14, itemsSold: 1, totalViews: 3 } }) }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    const me = await screen.findByLabelText("Your standing");
    expect(within(me).getByText("#14")).toBeInTheDocument();
    expect(within(me).getByText("1 sold")).toBeInTheDocument();
  });

  it("does not repeat the seller's row when they are in the list", async () => {
    stubLeaderboard(() => ({ json: board({ me: { sellerId: "id-Cy", rank: 3, itemsSold: 2, totalViews: 90 } }) }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await screen.findByText("Cy");
    expect(screen.queryByLabelText("Your standing")).not.toBeInTheDocument();
  });

  it("shows the seller's row when they tie the 10th rank but the limit cut them off", async () => {
    // Ten listed, the last four sharing rank 7; the seller also has rank 7 but is not among them.
    const entries = Array.from({ length: 10 }, (_, i) =>
      entry(Math.min(i + 1, 7), `Seller ${i + 1}`, 10 - Math.min(i, 6)),
    );
    stubLeaderboard(() => ({
      json: board({ entries, me: { sellerId: "id-me", rank: 7, itemsSold: 4, totalViews: 0 } }),
    }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    const me = await screen.findByLabelText("Your standing");
    expect(rows()).toHaveLength(10);
    expect(within(rows()[9]).getByLabelText("Rank 7")).toBeInTheDocument();
    expect(within(me).getByText("#7")).toBeInTheDocument();
    expect(within(me).getByText("4 sold")).toBeInTheDocument();
  });

  it("shows an empty state for a month without activity", async () => {
    stubLeaderboard(() => ({ json: board({ entries: [], updatedAt: null, firstMonth: null }) }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await screen.findByText("No sales in this month. Check back soon.");
    expect(screen.queryByRole("combobox", { name: "Month" })).not.toBeInTheDocument();
  });

  it("shows an error with retry when the first load fails, and loads on retry", async () => {
    let fail = true;
    stubLeaderboard(() => (fail ? apiError(503, "service_unavailable", "Down") : { json: board() }));
    const { user } = renderWithProviders(<LeaderboardButton refreshInterval={0} />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not load the leaderboard.");
    fail = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await screen.findByText("Ada Lovelace");
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
  });

  it("keeps the last figures on screen when a refresh fails, and refreshes quietly", async () => {
    let reply: () => Reply | Promise<Reply> = () => ({ json: board() });
    stubLeaderboard(() => reply());
    const live = fakeEventSource();
    const { user } = renderWithProviders(<LeaderboardButton refreshInterval={0} />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await screen.findByText("Ada Lovelace");

    const slow = hold({ json: board() });
    reply = slow.reply;
    // A refresh in flight: the list stays, a quiet indicator says so.
    live.change();
    await screen.findByText("Refreshing");
    expect(rows()).toHaveLength(3);
    slow.release();
    await waitFor(() => expect(screen.queryByText("Refreshing")).not.toBeInTheDocument());

    reply = () => apiError(500, "internal", "Boom");
    live.change();
    expect(await screen.findByRole("alert")).toHaveTextContent("showing the last figures");
    expect(rows()).toHaveLength(3);
    expect(screen.getByText("Ada Lovelace")).toBeInTheDocument();
  });

  it("marks sellers who moved since the modal opened and announces it politely", async () => {
    let entries = board().entries;
    const live = fakeEventSource();
    stubLeaderboard(() => ({ json: board({ entries }) }));
    const { user } = renderWithProviders(<LeaderboardButton refreshInterval={0} />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await screen.findByText("Ada Lovelace");
    expect(screen.queryByText("moved up")).not.toBeInTheDocument();
    entries = [entry(1, "Cy", 6, 90), entry(2, "Ada Lovelace", 5, 40), entry(2, "Bea", 5, 10)];
    live.change();
    await waitFor(() => expect(within(rows()[0]).getByText("moved up")).toBeInTheDocument());
    expect(within(rows()[1]).getByText("moved down")).toBeInTheDocument();
    const announcer = screen.getByRole("status");
    expect(announcer).toHaveAttribute("aria-live", "polite");
    expect(announcer).toHaveTextContent("Cy moved up to 1st.");
  });

  it("refetches when the live stream says something changed, and closes the stream with the modal", async () => {
    const { sources, change } = fakeEventSource();
    let sold = 5;
    const api = stubLeaderboard(() => ({ json: board({ entries: [entry(1, "Ada Lovelace", sold, 40)] }) }));
    const { user } = renderWithProviders(<LeaderboardButton refreshInterval={0} />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await screen.findByText("5 sold");
    expect(sources).toHaveLength(1);
    expect(sources[0].url).toBe("/api/leaderboard/stream");
    sold = 6;
    const before = api.queries.length;
    change();
    await screen.findByText("6 sold");
    expect(api.queries.length).toBe(before + 1);
    await user.keyboard("{Escape}");
    await waitFor(() => expect(sources[0].closed).toBe(true));
  });

  it("polls every 30 s while open, not while the tab is hidden, and stops when closed", async () => {
    vi.useFakeTimers();
    const api = stubLeaderboard(() => ({ json: board() }));
    renderWithProviders(<LeaderboardButton />);
    fireEvent.click(screen.getByRole("button", { name: "Leaderboard" }));
    await advance(0);
    expect(screen.getByText("Ada Lovelace")).toBeInTheDocument();
    expect(api.queries).toHaveLength(1);
    await advance(29_999);
    expect(api.queries).toHaveLength(1);
    await advance(1);
    expect(api.queries).toHaveLength(2);
    await advance(30_000);
    expect(api.queries).toHaveLength(3);

    setVisibility("hidden");
    await advance(120_000);
    expect(api.queries).toHaveLength(3);
    setVisibility("visible");
    await advance(30_000);
    expect(api.queries).toHaveLength(4);

    fireEvent.click(screen.getByRole("button", { name: "Close leaderboard" }));
    await advance(0);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    await advance(120_000);
    expect(api.queries).toHaveLength(4);
  });

  it("polls at a configured interval", async () => {
    vi.useFakeTimers();
    const api = stubLeaderboard(() => ({ json: board() }));
    renderWithProviders(<LeaderboardButton refreshInterval={5000} />);
    fireEvent.click(screen.getByRole("button", { name: "Leaderboard" }));
    await advance(0);
    await advance(4999);
    expect(api.queries).toHaveLength(1);
    await advance(1);
    expect(api.queries).toHaveLength(2);
  });

  it("reconnects the stream after 1 s, 2 s, 4 s … up to 30 s, and keeps polling while it is down", async () => {
    const { sources, api, sell } = await openLiveBoard(5000);
    expect(sources).toHaveLength(1);
    sources[0].dispatchEvent(new Event("open"));

    // Each failure waits twice as long as the one before, never more than 30 s.
    const fetchesBefore = api.queries.length;
    let waited = 0;
    for (const delay of [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]) {
      const failed = sources.at(-1)!;
      failed.dispatchEvent(new Event("error"));
      expect(failed.closed).toBe(true);
      await advance(delay - 1);
      expect(sources).toHaveLength(sources.indexOf(failed) + 1);
      await advance(1);
      expect(sources).toHaveLength(sources.indexOf(failed) + 2);
      waited += delay;
    }
    // Meanwhile polling (every 5 s here) kept the figures fresh, sale included.
    expect(api.queries.length - fetchesBefore).toBe(Math.floor(waited / 5000));
    sell(6);
    await advance(5000);
    expect(screen.getByText("6 sold")).toBeInTheDocument();

    // Once a connection opens, the next failure starts again at 1 s (and the reopening refetches).
    const fetches = api.queries.length;
    sources.at(-1)!.dispatchEvent(new Event("open"));
    await advance(0);
    expect(api.queries.length).toBe(fetches + 1);
    sources.at(-1)!.dispatchEvent(new Event("error"));
    const count = sources.length;
    await advance(1000);
    expect(sources).toHaveLength(count + 1);
  });

  it("refetches when the stream first opens after failing, even if it had never opened", async () => {
    const { sources, api, sell } = await openLiveBoard(60_000);
    // The first connection fails before it ever opens; a sale happens while the stream is down.
    sources[0].dispatchEvent(new Event("error"));
    sell(6);
    await advance(1000);
    expect(sources).toHaveLength(2);
    const fetches = api.queries.length;
    sources[1].dispatchEvent(new Event("open"));
    await advance(0);
    expect(api.queries.length, "the reopened stream refetches what it may have missed").toBe(fetches + 1);
    expect(screen.getByText("6 sold")).toBeInTheDocument();
  });

  it("links to the full ranking of the board on screen", async () => {
    stubLeaderboard((query) => ({
      json: board({ metric: query.get("metric") as "sales", period: query.get("period") as "month" }),
    }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    const link = await within(dialog()).findByRole("link", { name: "See the full ranking" });
    expect(link).toHaveAttribute("href", "/leaderboard?metric=sales&period=month");
    await user.click(within(dialog()).getByRole("tab", { name: "Views" }));
    await user.click(within(dialog()).getByRole("button", { name: "All time" }));
    expect(within(dialog()).getByRole("link", { name: "See the full ranking" })).toHaveAttribute(
      "href",
      "/leaderboard?metric=views&period=all",
    );
  });

  it("signed in outside the top 10: asks around=me and shows the two sellers above and below, with ranks", async () => {
    const { queries } = stubLeaderboard(() => ({
      json: board({
        me: { sellerId: "id-Mo", rank: 42, itemsSold: 2, totalViews: 5 },
        around: [
          entry(40, "Kai", 3, 1),
          entry(41, "Lu", 2, 9),
          entry(42, "Mo", 2, 5),
          entry(42, "Ned", 2, 5),
          entry(44, "Oz", 1, 0),
        ],
      }),
    }));
    const { user } = renderWithProviders(<LeaderboardButton signedIn />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    const around = await within(dialog()).findByRole("region", { name: "Around you" });
    expect(queries.at(-1)!.get("around")).toBe("me");
    expect(
      within(around)
        .getAllByRole("listitem")
        .map((item) => [
          item.querySelector(".leaderboard-rank")?.textContent,
          item.querySelector(".leaderboard-name-text")?.textContent,
        ]),
    ).toEqual([
      ["40", "Kai"],
      ["41", "Lu"],
      ["42", "Mo"],
      ["42", "Ned"],
      ["44", "Oz"],
    ]);
    expect(within(around).getByRole("listitem", { current: true })).toHaveTextContent("(you)");
  });

  it("signed out: never asks around=me", async () => {
    const { queries } = stubLeaderboard(() => ({ json: board() }));
    const { user } = renderWithProviders(<LeaderboardButton />);
    await user.click(screen.getByRole("button", { name: "Leaderboard" }));
    await screen.findByText("Ada Lovelace");
    expect(queries.every((query) => !query.has("around"))).toBe(true);
  });
});

/**
 * The modal open (fake timers, a fake stream, polling every `refreshInterval` ms) on a board where Ada has
 * sold 5; `sell(n)` changes what the next fetch answers.
 */
async function openLiveBoard(refreshInterval: number) {
  vi.useFakeTimers();
  const { sources } = fakeEventSource();
  let sold = 5;
  const api = stubLeaderboard(() => ({ json: board({ entries: [entry(1, "Ada Lovelace", sold, 40)] }) }));
  renderWithProviders(<LeaderboardButton refreshInterval={refreshInterval} />);
  fireEvent.click(screen.getByRole("button", { name: "Leaderboard" }));
  await advance(0);
  expect(screen.getByText("5 sold")).toBeInTheDocument();
  return {
    sources,
    api,
    sell: (n: number) => {
      sold = n;
    },
  };
}
