/**
 * Reading the leaderboard (ranks, ties, validation, all-time, a hot seller), recording views and the
 * seller dashboard.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type ApiRole, type TestDatabase } from "../helpers/db";
import { cached, currentMonth, expectNoDrift, insertProduct, insertView, pastMonth } from "./leaderboard-helpers";

let db: TestDatabase;
let now: { year: number; month: number };

beforeAll(async () => {
  db = await createTestDatabase();
  now = await currentMonth(db.pool);
});

async function call(sql: string, params: unknown[] = []) {
  return (await db.pool.query(sql, params)).rows;
}

describe("ranks and ties", () => {
  it("ties share a rank (1, 1, 3), ordered by the other metric, then display name, then seller id", async () => {
    // A month of its own so other tests do not interfere.
    const at = "2024-02-10T12:00:00Z";
    const [zed, amy, bob, cat, dan] = await Promise.all(
      ["Zed", "Amy", "Bob", "Cat", "Dan"].map((n) => createUser(db.pool, `Tie ${n}`)),
    );
    const sell = async (seller: string, n: number, views: number) => {
      for (let i = 0; i < n; i++) {
        const p = await insertProduct(db.pool, seller, { status: "sold", soldAt: at });
        for (let v = 0; v < (i === 0 ? views : 0); v++) await insertView(db.pool, p, at);
      }
    };
    await sell(zed, 3, 1); // 3 sold, 1 view
    await sell(amy, 3, 1); // 3 sold, 1 view: ties Zed on both, Amy first by name
    await sell(bob, 3, 5); // 3 sold, 5 views: first among the 3-sale tie
    await sell(cat, 1, 0);
    await sell(dan, 0, 0); // nothing: not listed
    const sales = await call("select * from public.get_top_sellers_by_sales('month', 2024, 2, 10)");
    expect(sales.map((r) => [r.rank, r.display_name, r.items_sold, r.total_views])).toEqual([
      [1, "Tie Bob", 3, 5],
      [1, "Tie Amy", 3, 1],
      [1, "Tie Zed", 3, 1],
      [4, "Tie Cat", 1, 0],
    ]);
    const views = await call("select * from public.get_top_sellers_by_views('month', 2024, 2, 10)");
    expect(views.map((r) => [r.rank, r.display_name, r.total_views])).toEqual([
      [1, "Tie Bob", 5],
      [2, "Tie Amy", 1],
      [2, "Tie Zed", 1],
    ]);
    // Display names are unique (a second "Tie Twin" signs up as "Tie Twin 2"), so the name settles a tie.
    const twinA = await createUser(db.pool, "Tie Twin");
    const twinB = await createUser(db.pool, "Tie Twin");
    await sell(twinA, 1, 0);
    await sell(twinB, 1, 0);
    const twins = (await call("select * from public.get_top_sellers_by_sales('month', 2024, 2, 10)")).filter((r) =>
      r.display_name.startsWith("Tie Twin"),
    );
    expect(twins.map((r) => [r.seller_id, r.display_name])).toEqual([
      [twinA, "Tie Twin"],
      [twinB, "Tie Twin 2"],
    ]);
    expect(twins.map((r) => r.rank)).toEqual([4, 4]);
    // A limit that cuts through a tie still ranks exactly.
    const two = await call("select * from public.get_top_sellers_by_sales('month', 2024, 2, 2)");
    expect(two.map((r) => [r.rank, r.display_name])).toEqual([
      [1, "Tie Bob"],
      [1, "Tie Amy"],
    ]);
    expect(dan).toBeTruthy();
  });

  it("a hot seller's concurrent views wait for one another, are all counted, and rank exactly", async () => {
    const at = "2024-03-05T00:00:00Z";
    const hot = await createUser(db.pool, "Slot Hot");
    const steady = await createUser(db.pool, "Slot Steady");
    const hp = await insertProduct(db.pool, hot);
    const sp = await insertProduct(db.pool, steady);
    for (let i = 0; i < 3; i++) await insertView(db.pool, sp, at);
    await insertView(db.pool, hp, at);
    // One transaction holds the hot seller's counters while three others add views: they wait, then count.
    const holder = await db.pool.connect();
    try {
      await holder.query("begin");
      await insertView(holder, hp, at);
      const others = Promise.all(Array.from({ length: 3 }, () => insertView(db.pool, hp, at)));
      await holder.query("commit");
      await others;
    } finally {
      holder.release();
    }
    const rows = await call("select * from public.get_top_sellers_by_views('month', 2024, 3, 1)");
    expect(rows).toMatchObject([{ rank: 1, seller_id: hot, total_views: 5 }]);
    expect(await cached(db.pool, hot, 2024, 3)).toEqual({ items_sold: 0, total_views: 5 });
    expect(await cached(db.pool, hot, 0, 0)).toEqual({ items_sold: 0, total_views: 5 });
    // One statement deleting four views takes them off once; nothing goes negative.
    await db.pool.query(
      "delete from public.product_views where id in (select id from public.product_views where product_id = $1 limit 4)",
      [hp],
    );
    expect(await cached(db.pool, hot, 2024, 3)).toEqual({ items_sold: 0, total_views: 1 });
    const rebuilt = await call("select * from public.get_top_sellers_by_views('month', 2024, 3, 10)");
    expect(rebuilt.map((r) => [r.rank, r.display_name, r.total_views])).toEqual([
      [1, "Slot Steady", 3],
      [2, "Slot Hot", 1],
    ]);
    await expectNoDrift(db.pool);
  });

  it("sellers with 0 in the metric are not listed; display data comes from the profile", async () => {
    const seller = await createUser(db.pool, "Only Views");
    const p = await insertProduct(db.pool, seller);
    await insertView(db.pool, p, "2024-04-01T00:00:00Z");
    expect((await call("select * from public.get_top_sellers_by_sales('month', 2024, 4, 100)")).length).toBe(0);
    const rows = await call("select * from public.get_top_sellers_by_views('month', 2024, 4, 100)");
    expect(rows).toMatchObject([{ rank: 1, seller_id: seller, display_name: "Only Views", avatar_url: null }]);
    expect(rows[0].last_updated).toBeInstanceOf(Date);
  });
});

describe("parameters", () => {
  it.each([
    ["limit 0", "'month', null, null, 0", /limit/],
    ["limit 101", "'month', null, null, 101", /limit/],
    ["limit null", "'month', null, null, null", /limit/],
    ["period week", "'week', null, null, 10", /period/],
    ["month 13", "'month', 2025, 13, 10", /month/],
    ["month 0", "'month', 2025, 0, 10", /month/],
    ["year 0", "'month', 0, 5, 10", /year/],
  ])("rejects %s with 22023 and a clear message", async (_label, args, message) => {
    for (const fn of ["get_top_sellers_by_sales", "get_top_sellers_by_views"]) {
      const attempt = asRole(db.pool, "anon", null, (c) => c.query(`select * from public.${fn}(${args})`));
      await expect(attempt).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(message) });
    }
  });

  it("defaults to the current UTC month, limit 10, and accepts any past month", async () => {
    const seller = await createUser(db.pool, "Defaults");
    await insertProduct(db.pool, seller, { status: "sold" });
    const old = await pastMonth(db.pool, 7);
    await insertProduct(db.pool, seller, { status: "sold", soldAt: old.at });
    const implicit = await call("select * from public.get_top_sellers_by_sales()");
    const explicit = await call("select * from public.get_top_sellers_by_sales('month', $1, $2, 10)", [
      now.year,
      now.month,
    ]);
    expect(implicit).toEqual(explicit);
    expect(implicit.length).toBeLessThanOrEqual(10);
    const past = await call("select * from public.get_top_sellers_by_sales('month', $1, $2)", [old.year, old.month]);
    expect(past.find((r) => r.seller_id === seller)).toMatchObject({ items_sold: 1 });
    const all = await call("select * from public.get_top_sellers_by_sales('all', null, null, 100)");
    expect(all.find((r) => r.seller_id === seller)).toMatchObject({ items_sold: 2 });
  });

  it("the latest change of a period is one cheap call and moves with every event", async () => {
    const seller = await createUser(db.pool, "Watcher");
    const before = (await call("select public.get_leaderboard_last_updated('month', 2023, 7) as t"))[0].t;
    expect(before).toBeNull();
    const p = await insertProduct(db.pool, seller, { status: "sold", soldAt: "2023-07-03T00:00:00Z" });
    const first = (await call("select public.get_leaderboard_last_updated('month', 2023, 7) as t"))[0].t;
    await insertView(db.pool, p, "2023-07-04T00:00:00Z");
    const second = (await call("select public.get_leaderboard_last_updated('month', 2023, 7) as t"))[0].t;
    expect(first).toBeInstanceOf(Date);
    expect(second.getTime()).toBeGreaterThan(first.getTime());
    // The counter tables are analyzed after migrating, so on this tiny table the planner rightly prefers a
    // sequential scan; what matters is that an index serves the query once the table is large.
    const client = await db.pool.connect();
    try {
      await client.query("begin");
      await client.query("set local enable_seqscan = off");
      const plan = await client.query(
        "explain select max(last_updated) from public.seller_view_counts where year = 2023 and month = 7",
      );
      // An index on (year, month, ...) serves it: the period's rows only.
      expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(
        /Index.* using seller_view_counts_(changed|rank)_idx/,
      );
    } finally {
      await client.query("rollback");
      client.release();
    }
  });

  it("the boards answer from the counters alone: reading them touches neither products nor product_views", async () => {
    const lena = await createUser(db.pool, "Counters Lena");
    const lamp = await insertProduct(db.pool, lena, { status: "sold", soldAt: "2023-11-03T09:00:00Z" });
    await insertView(db.pool, lamp, "2023-11-02T09:00:00Z");
    const client = await db.pool.connect();
    try {
      await client.query("begin");
      // Scans of products and product_views this backend has counted (within one transaction nothing is
      // flushed, so a difference is what the statements in between did).
      const scans = async () =>
        (
          await client.query(
            `select relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as scans from pg_stat_xact_user_tables
              where relid in ('public.products'::regclass, 'public.product_views'::regclass) order by 1`,
          )
        ).rows.map((r) => [r.relname, Number(r.scans)]);
      const before = await scans();
      const boards = await client.query(
        `select (select count(*) from public.get_top_sellers_by_sales('month', 2023, 11, 10)) as by_sales,
                (select count(*) from public.get_top_sellers_by_views('month', 2023, 11, 10)) as by_views,
                public.get_leaderboard_last_updated('month', 2023, 11) as last_updated`,
      );
      expect(boards.rows[0], "Lena is on both November boards").toMatchObject({ by_sales: "1", by_views: "1" });
      expect(await scans(), "scans of products and product_views while reading the boards").toEqual(before);
    } finally {
      await client.query("rollback");
      client.release();
    }
    const { rows } = await db.pool.query(
      `select p.proname, p.provolatile from pg_proc p
        where p.pronamespace = 'public'::regnamespace
          and p.proname in ('get_top_sellers_by_sales', 'get_top_sellers_by_views', 'get_leaderboard_last_updated')`,
    );
    expect(rows.map((r) => [r.proname, r.provolatile]).sort(), "the reads are stable: one snapshot").toEqual([
      ["get_leaderboard_last_updated", "s"],
      ["get_top_sellers_by_sales", "s"],
      ["get_top_sellers_by_views", "s"],
    ]);
  });
});

describe("record_product_view", () => {
  let seller: string;
  let viewer: string;
  let active: string;
  beforeAll(async () => {
    seller = await createUser(db.pool, "RPV Seller");
    viewer = await createUser(db.pool, "RPV Viewer");
    active = await insertProduct(db.pool, seller);
  });

  /** As the server calls it: service_role, the viewer (a user or a session) and an address key. */
  const record = (product: string, viewer: { user?: string; session?: string }, role: ApiRole = "service_role") =>
    asRole(
      db.pool,
      role,
      role === "service_role" ? null : (viewer.user ?? null),
      async (c) =>
        (
          await c.query(
            "select public.record_product_view($1, p_session_id => $2, p_user_id => $3, p_client_keys => array[$4]) as counted",
            [product, viewer.session ?? null, viewer.user ?? null, `key-${randomUUID()}`],
          )
        ).rows[0].counted as boolean,
      { commit: true },
    );

  it("counts a signed-in viewer once per product per UTC month", async () => {
    const before = await cached(db.pool, seller, now.year, now.month);
    expect(await record(active, { user: viewer })).toBe(true);
    expect(await record(active, { user: viewer })).toBe(false);
    const after = await cached(db.pool, seller, now.year, now.month);
    expect(after.total_views - before.total_views).toBe(1);
    // Last month's view by the same viewer does not block this month's (and vice versa).
    const other = await insertProduct(db.pool, seller);
    await insertView(db.pool, other, (await pastMonth(db.pool, 1)).at, { userId: viewer });
    expect(await record(other, { user: viewer })).toBe(true);
  });

  it("counts an anonymous session once per product per month; a viewer is required, one kind only", async () => {
    const session = randomUUID();
    expect(await record(active, { session })).toBe(true);
    expect(await record(active, { session })).toBe(false);
    expect(await record(active, { session: randomUUID() })).toBe(true);
    await expect(record(active, {})).rejects.toMatchObject({ code: "22023" });
    await expect(record(active, { session: randomUUID(), user: viewer })).rejects.toMatchObject({ code: "22023" });
  });

  it("only the server may record views: anon and authenticated callers get 42501", async () => {
    const before = await cached(db.pool, seller, now.year, now.month);
    await expect(record(active, { session: randomUUID() }, "anon")).rejects.toMatchObject({ code: "42501" });
    await expect(record(active, { user: viewer }, "authenticated")).rejects.toMatchObject({ code: "42501" });
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual(before);
  });

  it("views of a draft or sold product and a seller's views of their own products never count", async () => {
    const draft = await insertProduct(db.pool, seller, { status: "draft" });
    const sold = await insertProduct(db.pool, seller, { status: "sold" });
    expect(await record(draft, { user: seller })).toBe(false); // own draft: visible, not counted
    expect(await record(active, { user: seller })).toBe(false); // own product
    expect(await record(sold, { user: viewer })).toBe(false);
    expect(await record(sold, { session: randomUUID() })).toBe(false);
    const { rows } = await db.pool.query(
      "select count(*)::int as n from public.product_views where product_id in ($1, $2) or (product_id = $3 and user_id = $4)",
      [draft, sold, active, seller],
    );
    expect(rows[0].n).toBe(0);
  });

  it("an unknown product, or another seller's draft, is not found (PT404)", async () => {
    const draft = await insertProduct(db.pool, seller, { status: "draft" });
    await expect(record(randomUUID(), { user: viewer })).rejects.toMatchObject({ code: "PT404" });
    await expect(record(draft, { user: viewer })).rejects.toMatchObject({ code: "PT404" });
    await expect(record(randomUUID(), { session: randomUUID() })).rejects.toMatchObject({ code: "PT404" });
  });

  it("is a security definer function with a fixed search_path (and generic plans)", async () => {
    const { rows } = await db.pool.query(
      "select prosecdef, proconfig from pg_proc where oid = 'public.record_product_view(uuid, uuid, text[], integer[], uuid, text, integer)'::regprocedure",
    );
    expect(rows[0]).toEqual({
      prosecdef: true,
      proconfig: ['search_path=""', "plan_cache_mode=force_generic_plan"],
    });
  });
});

describe("get_seller_dashboard", () => {
  it("returns the caller's figures, matching the leaderboard", async () => {
    const me = await createUser(db.pool, "Dash Me");
    const rival = await createUser(db.pool, "Dash Rival");
    const buyer = await createUser(db.pool, "Dash Buyer");
    // This month: rival sells 5, I sell 2 (plus 1 in an old month); views: me 3, rival 1.
    for (let i = 0; i < 5; i++) await insertProduct(db.pool, rival, { status: "sold", price: 1 });
    await insertProduct(db.pool, me, { status: "sold", price: 10.5 });
    await insertProduct(db.pool, me, { status: "sold", price: 20 });
    await insertProduct(db.pool, me, { status: "sold", price: 5, soldAt: (await pastMonth(db.pool, 2)).at });
    const a = await insertProduct(db.pool, me);
    await insertProduct(db.pool, me);
    await insertProduct(db.pool, me, { status: "draft" });
    for (let i = 0; i < 3; i++) await insertView(db.pool, a);
    await insertView(db.pool, a, (await pastMonth(db.pool, 1)).at);
    await insertView(db.pool, await insertProduct(db.pool, rival));
    await db.pool.query(
      `insert into public.messages (sender_id, recipient_id, body, read_at)
       values ($1, $2, 'hi', null), ($1, $2, 'again', null), ($1, $2, 'old', now()), ($2, $1, 'reply', null)`,
      [buyer, me],
    );
    const { rows } = await asRole(db.pool, "authenticated", me, (c) =>
      c.query("select * from public.get_seller_dashboard()"),
    );
    const salesRank = (await call("select * from public.get_top_sellers_by_sales('month', null, null, 100)")).find(
      (r) => r.seller_id === me,
    ).rank;
    const viewsRank = (await call("select * from public.get_top_sellers_by_views('month', null, null, 100)")).find(
      (r) => r.seller_id === me,
    ).rank;
    expect(rows).toEqual([
      {
        active_listings: 2,
        views_month: 3,
        views_all_time: 4,
        sold_month: 2,
        sold_all_time: 3,
        earnings_total: "35.50",
        unread_messages: 2,
        rank_sales_month: salesRank,
        rank_views_month: viewsRank,
      },
    ]);
    expect(salesRank).toBeGreaterThan(1);
  });

  it("ranks are null when the seller is not ranked; only authenticated callers may ask", async () => {
    const newbie = await createUser(db.pool, "Dash Newbie");
    const { rows } = await asRole(db.pool, "authenticated", newbie, (c) =>
      c.query("select * from public.get_seller_dashboard()"),
    );
    expect(rows[0]).toMatchObject({
      rank_sales_month: null,
      rank_views_month: null,
      active_listings: 0,
      earnings_total: "0",
    });
    await expect(
      asRole(db.pool, "anon", null, (c) => c.query("select * from public.get_seller_dashboard()")),
    ).rejects.toMatchObject({ code: "42501" });
  });
});

describe("get_leaderboard (GET /api/leaderboard in one call)", () => {
  it("answers what its parts answer: the board in order, the summary and the first month, as the caller", async () => {
    // Mia sells twice and is viewed once in a month of her own; Noor sells once. Mia asks for both boards.
    const at = "2024-05-10T12:00:00Z";
    const [mia, noor] = await Promise.all(["Mia", "Noor"].map((n) => createUser(db.pool, `Answer ${n}`)));
    for (const seller of [mia, mia, noor]) await insertProduct(db.pool, seller, { status: "sold", soldAt: at });
    await insertView(db.pool, await insertProduct(db.pool, mia, {}), at);
    for (const [metric, boardFunction] of [
      ["sales", "get_top_sellers_by_sales"],
      ["views", "get_top_sellers_by_views"],
    ] as const) {
      for (const [period, year, month] of [
        ["month", 2024, 5],
        ["month", null, null],
        ["all", null, null],
      ] as const) {
        const answer = await asRole(db.pool, "authenticated", mia, async (c) => ({
          rows: (
            await c.query("select * from public.get_leaderboard($1, $2, $3, $4, 10) order by ord", [
              metric,
              period,
              year,
              month,
            ])
          ).rows,
          summary: (
            await c.query("select * from public.get_leaderboard_summary($1, $2, $3, $4)", [metric, period, year, month])
          ).rows[0],
          first: (await c.query("select * from public.get_leaderboard_first_month()")).rows[0],
        }));
        const { rows, summary, first } = answer;
        const board = await call(`select * from public.${boardFunction}($1, $2, $3, 10)`, [
          period,
          summary.year,
          summary.month,
        ]);
        const what = `${metric}, ${period} ${year ?? "current"}`;
        expect(rows.length, `${what}: one row per listed seller, or one row without a seller`).toBe(
          Math.max(board.length, 1),
        );
        for (const row of rows) {
          expect(
            [row.year, row.month, row.updated_at, row.my_rank, row.my_items_sold, row.my_total_views],
            `${what}: the summary on every row`,
          ).toEqual([
            summary.year,
            summary.month,
            summary.updated_at,
            summary.my_rank,
            summary.my_items_sold,
            summary.my_total_views,
          ]);
          expect([row.first_year, row.first_month], `${what}: the first month on every row`).toEqual([
            first?.year ?? null,
            first?.month ?? null,
          ]);
        }
        const listed = rows.filter((r) => r.seller_id !== null);
        expect(
          listed.map((r) => [r.rank, r.seller_id, r.display_name, r.items_sold, r.total_views]),
          `${what}: the board, in its order`,
        ).toEqual(board.map((r) => [r.rank, r.seller_id, r.display_name, r.items_sold, r.total_views]));
      }
    }
  });

  it("answers one row without a seller for a month nobody sold in, so the summary still comes back", async () => {
    const rows = await call("select * from public.get_leaderboard('sales', 'month', 1999, 1, 10)");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ year: 1999, month: 1, seller_id: null, rank: null, my_rank: null });
  });
});
