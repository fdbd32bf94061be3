/**
 * The seller dashboard, trending products and the inbox, as the API roles call them: the dashboard's
 * month figures agree with the leaderboard for every seeded seller, ranks are null when not ranked,
 * the monthly series, trending order/window/ties, marking messages read and RLS on messages.
 */
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { insertProduct, insertView } from "./leaderboard-helpers";

let seeded: TestDatabase;
let db: TestDatabase;

const asUser = <T>(pool: pg.Pool, userId: string, fn: (c: pg.PoolClient) => Promise<T>) =>
  asRole(pool, "authenticated", userId, fn);
const asAnon = <T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>) => asRole(pool, "anon", null, fn);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? "unknown";
  }
}

beforeAll(async () => {
  [seeded, db] = await Promise.all([createTestDatabase({ seed: true }), createTestDatabase()]);
});

describe("get_seller_dashboard and the leaderboard", () => {
  it("agree on this month's figures and ranks for every seeded seller", async () => {
    const { rows: sellers } = await seeded.pool.query<{ id: string }>(
      "select distinct seller_id as id from public.products",
    );
    expect(sellers.length).toBe(12);
    const sales = await asAnon(seeded.pool, (c) =>
      c.query("select * from public.get_top_sellers_by_sales('month', null, null, 100)"),
    );
    const views = await asAnon(seeded.pool, (c) =>
      c.query("select * from public.get_top_sellers_by_views('month', null, null, 100)"),
    );
    expect(sales.rows.length).toBeGreaterThan(0);
    expect(views.rows.length).toBeGreaterThan(0);
    for (const { id } of sellers) {
      const { rows } = await asUser(seeded.pool, id, (c) => c.query("select * from public.get_seller_dashboard()"));
      const dashboard = rows[0];
      const bySales = sales.rows.find((r) => r.seller_id === id);
      const byViews = views.rows.find((r) => r.seller_id === id);
      expect([dashboard.sold_month, dashboard.rank_sales_month]).toEqual([
        bySales?.items_sold ?? 0,
        bySales?.rank ?? null,
      ]);
      expect([dashboard.views_month, dashboard.rank_views_month]).toEqual([
        byViews?.total_views ?? 0,
        byViews?.rank ?? null,
      ]);
    }
  });

  it("has the monthly series end with this month's dashboard figures, zero months included", async () => {
    const { rows: sellers } = await seeded.pool.query<{ id: string }>(
      "select distinct seller_id as id from public.products",
    );
    for (const { id } of sellers) {
      const [series, dashboard] = await asUser(seeded.pool, id, async (c) => [
        (await c.query("select * from public.get_seller_monthly_stats()")).rows,
        (await c.query("select * from public.get_seller_dashboard()")).rows[0],
      ]);
      expect(series).toHaveLength(12);
      const now = new Date();
      expect(series[11]).toMatchObject({ year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 });
      expect([series[11].items_sold, series[11].total_views]).toEqual([dashboard.sold_month, dashboard.views_month]);
      // The seed spans eight months, so twelve months hold everything: they add up to all time.
      const sum = (key: string) => series.reduce((total: number, row: Record<string, number>) => total + row[key], 0);
      expect([sum("items_sold"), sum("total_views")]).toEqual([dashboard.sold_all_time, dashboard.views_all_time]);
      expect(
        series.some(
          (row: { items_sold: number; total_views: number }) => row.items_sold === 0 && row.total_views === 0,
        ),
      ).toBe(true);
    }
  });

  it("gives null ranks to a user with nothing this month, and the series of zeros", async () => {
    const shopper = await createUser(seeded.pool, "New Shopper");
    const { rows } = await asUser(seeded.pool, shopper, (c) => c.query("select * from public.get_seller_dashboard()"));
    expect(rows[0]).toMatchObject({
      active_listings: 0,
      sold_month: 0,
      views_month: 0,
      rank_sales_month: null,
      rank_views_month: null,
    });
    const series = await asUser(seeded.pool, shopper, (c) =>
      c.query("select * from public.get_seller_monthly_stats(3)"),
    );
    expect(series.rows.map((r) => [r.items_sold, r.total_views])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it("ranks views but not sales for a seller who was viewed but sold nothing", async () => {
    const seller = await createUser(db.pool, "Viewed Only");
    const product = await insertProduct(db.pool, seller);
    await insertView(db.pool, product);
    const { rows } = await asUser(db.pool, seller, (c) => c.query("select * from public.get_seller_dashboard()"));
    expect(rows[0]).toMatchObject({ views_month: 1, rank_views_month: 1, sold_month: 0, rank_sales_month: null });
  });

  it("refuses the series to a signed-out caller and a bad month count", async () => {
    expect(await codeOf(asAnon(db.pool, (c) => c.query("select * from public.get_seller_monthly_stats()")))).toBe(
      "42501",
    );
    const user = await createUser(db.pool, "Counter");
    expect(
      await codeOf(asUser(db.pool, user, (c) => c.query("select * from public.get_seller_monthly_stats(0)"))),
    ).toBe("22023");
  });
});

describe("get_my_top_products", () => {
  it("lists only the caller's products with views this month, most viewed first", async () => {
    const seller = await createUser(db.pool, "Top Seller");
    const rival = await createUser(db.pool, "Rival");
    const lamp = await insertProduct(db.pool, seller, { title: "Lamp" });
    const desk = await insertProduct(db.pool, seller, { title: "Desk" });
    const old = await insertProduct(db.pool, seller, { title: "Old" });
    const theirs = await insertProduct(db.pool, rival, { title: "Theirs" });
    for (let i = 0; i < 3; i++) await insertView(db.pool, desk);
    await insertView(db.pool, lamp);
    await insertView(db.pool, lamp, "2020-01-15T00:00:00Z");
    await insertView(db.pool, old, "2020-01-15T00:00:00Z");
    for (let i = 0; i < 5; i++) await insertView(db.pool, theirs);
    const { rows } = await asUser(db.pool, seller, (c) => c.query("select * from public.get_my_top_products()"));
    expect(rows.map((r) => [r.title, r.views_month, r.views_all_time])).toEqual([
      ["Desk", 3, 3],
      ["Lamp", 1, 2],
    ]);
    expect(await codeOf(asAnon(db.pool, (c) => c.query("select * from public.get_my_top_products()")))).toBe("42501");
  });
});

describe("get_trending_products", () => {
  let trendDb: TestDatabase;
  beforeAll(async () => {
    trendDb = await createTestDatabase();
  });

  it("orders active products by views in the window, ties by latest view then id, and anyone may call it", async () => {
    const seller = await createUser(trendDb.pool, "Trendy");
    const hot = await insertProduct(trendDb.pool, seller, { title: "Hot" });
    const tieEarly = await insertProduct(trendDb.pool, seller, { title: "Tie early" });
    const tieLate = await insertProduct(trendDb.pool, seller, { title: "Tie late" });
    const stale = await insertProduct(trendDb.pool, seller, { title: "Stale" });
    const soldOne = await insertProduct(trendDb.pool, seller, { title: "Sold one" });
    const sameA = await insertProduct(trendDb.pool, seller, { title: "Same A" });
    const sameB = await insertProduct(trendDb.pool, seller, { title: "Same B" });
    for (let i = 0; i < 4; i++)
      await insertView(trendDb.pool, hot, new Date(Date.now() - (i + 1) * 3_600_000).toISOString());
    await insertView(trendDb.pool, tieEarly, new Date(Date.now() - 5 * 3_600_000).toISOString());
    await insertView(trendDb.pool, tieEarly, new Date(Date.now() - 4 * 3_600_000).toISOString());
    await insertView(trendDb.pool, tieLate, new Date(Date.now() - 6 * 3_600_000).toISOString());
    await insertView(trendDb.pool, tieLate, new Date(Date.now() - 2 * 3_600_000).toISOString());
    // Outside a 7-day window, inside a 30-day one.
    for (let i = 0; i < 9; i++)
      await insertView(trendDb.pool, stale, new Date(Date.now() - 10 * 86_400_000 - i * 1000).toISOString());
    for (let i = 0; i < 9; i++) await insertView(trendDb.pool, soldOne, new Date(Date.now() - 3_600_000).toISOString());
    await trendDb.pool.query("update public.products set status = 'sold' where id = $1", [soldOne]);
    // Same count and same latest view: id decides.
    const at = new Date(Date.now() - 8 * 3_600_000).toISOString();
    await insertView(trendDb.pool, sameA, at);
    await insertView(trendDb.pool, sameB, at);
    const [first, second] = [sameA, sameB].sort();

    const week = await asAnon(trendDb.pool, (cl) => cl.query("select * from public.get_trending_products()"));
    expect(week.rows.map((r) => [r.id, r.recent_views])).toEqual([
      [hot, 4],
      [tieLate, 2],
      [tieEarly, 2],
      [first, 1],
      [second, 1],
    ]);
    expect(week.rows[0]).toMatchObject({ title: "Hot", seller_name: "Trendy", seller_id: seller });

    const month = await asAnon(trendDb.pool, (cl) => cl.query("select id from public.get_trending_products(30, 2)"));
    expect(month.rows.map((r) => r.id)).toEqual([stale, hot]);
    const yesterday = await asRole(trendDb.pool, "authenticated", seller, (cl) =>
      cl.query("select id from public.get_trending_products(1, 10)"),
    );
    expect(yesterday.rows.map((r) => r.id)).toEqual([hot, tieLate, tieEarly, first, second]);
  });

  it("rejects a window or limit out of range", async () => {
    for (const [days, limit] of [
      [0, 10],
      [366, 10],
      [7, 0],
      [7, 101],
      [null, 10],
    ]) {
      expect(
        await codeOf(
          asAnon(trendDb.pool, (c) => c.query("select * from public.get_trending_products($1, $2)", [days, limit])),
        ),
      ).toBe("22023");
    }
  });

  it("reads the window from the per-day rollup's day index", async () => {
    // A tiny table may be read whole; with a sequential scan ruled out, the window is an index range.
    const client = await trendDb.pool.connect();
    try {
      await client.query("set enable_seqscan = off");
      const { rows } = await client.query(
        "explain select d.product_id, sum(d.views) from public.product_view_days d where d.day >= current_date - 7 group by d.product_id",
      );
      expect(rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(
        /Index (Only )?Scan on product_view_days_day_idx|using product_view_days_day_idx/,
      );
    } finally {
      await client.query("reset enable_seqscan");
      client.release();
    }
  });
});

describe("messages: inbox, marking read, replying, RLS", () => {
  let seller: string;
  let shopper: string;
  let stranger: string;
  let product: string;
  let older: string;
  let newer: string;

  beforeAll(async () => {
    seller = await createUser(db.pool, "Inbox Seller");
    shopper = await createUser(db.pool, "Inbox Shopper");
    stranger = await createUser(db.pool, "Stranger");
    product = await insertProduct(db.pool, seller, { title: "Teak chair" });
    const insert = (body: string, at: string) =>
      db.pool
        .query<{ id: string }>(
          "insert into public.messages (sender_id, recipient_id, product_id, body, created_at) values ($1, $2, $3, $4, $5) returning id",
          [shopper, seller, product, body, at],
        )
        .then((r) => r.rows[0].id);
    older = await insert("Is it still available?", "2026-01-01T10:00:00Z");
    newer = await insert("Could you do $80?", "2026-01-02T10:00:00Z");
  });

  const unread = (userId: string) =>
    asUser(db.pool, userId, (c) => c.query("select unread_messages from public.get_seller_dashboard()")).then(
      (r) => r.rows[0].unread_messages,
    );

  it("lists the recipient's messages newest first, with sender and product named", async () => {
    const { rows } = await asUser(db.pool, seller, (c) => c.query("select * from public.list_my_messages()"));
    expect(rows.map((r) => [r.id, r.sender_name, r.product_title, r.read_at])).toEqual([
      [newer, "Inbox Shopper", "Teak chair", null],
      [older, "Inbox Shopper", "Teak chair", null],
    ]);
    // The sender's inbox does not hold what they sent.
    expect((await asUser(db.pool, shopper, (c) => c.query("select * from public.list_my_messages()"))).rows).toEqual(
      [],
    );
  });

  it("marks a message read for its recipient only, and the unread count drops", async () => {
    expect(await unread(seller)).toBe(2);
    // The sender may see it but not mark it; a stranger cannot see it at all.
    expect(await codeOf(asUser(db.pool, shopper, (c) => c.query("select public.mark_message_read($1)", [older])))).toBe(
      "PT403",
    );
    expect(
      await codeOf(asUser(db.pool, stranger, (c) => c.query("select public.mark_message_read($1)", [older]))),
    ).toBe("PT404");
    expect(await codeOf(asAnon(db.pool, (c) => c.query("select public.mark_message_read($1)", [older])))).toBe("42501");
    expect(await unread(seller)).toBe(2);

    const left = await asRole(
      db.pool,
      "authenticated",
      seller,
      (c) => c.query("select public.mark_message_read($1) as n", [older]),
      { commit: true },
    );
    expect(left.rows[0].n).toBe(1);
    expect(await unread(seller)).toBe(1);
    // Marking again keeps the first read_at and the count.
    const { rows: before } = await db.pool.query("select read_at from public.messages where id = $1", [older]);
    await asRole(db.pool, "authenticated", seller, (c) => c.query("select public.mark_message_read($1)", [older]), {
      commit: true,
    });
    const { rows: after } = await db.pool.query("select read_at from public.messages where id = $1", [older]);
    expect(after[0].read_at).toEqual(before[0].read_at);
    expect(await unread(seller)).toBe(1);
  });

  it("keeps messages private to sender and recipient (RLS), and read_at the recipient's to set", async () => {
    const visible = (userId: string) =>
      asUser(db.pool, userId, (c) =>
        c.query("select id from public.messages where id = any($1)", [[older, newer]]),
      ).then((r) => r.rows.length);
    expect(await visible(seller)).toBe(2);
    expect(await visible(shopper)).toBe(2);
    expect(await visible(stranger)).toBe(0);
    expect(await codeOf(asAnon(db.pool, (c) => c.query("select id from public.messages")))).toBe("42501");
    // The sender's direct update touches nothing (the update policy is the recipient's).
    const sender = await asUser(db.pool, shopper, (c) =>
      c.query("update public.messages set read_at = now() where id = $1", [newer]),
    );
    expect(sender.rowCount).toBe(0);
    expect(
      await codeOf(
        asUser(db.pool, seller, (c) => c.query("update public.messages set body = 'edited' where id = $1", [newer])),
      ),
    ).toBe("42501");
  });

  it("replies to the sender about the same product; only the recipient may reply", async () => {
    const reply = await asRole(
      db.pool,
      "authenticated",
      seller,
      (c) => c.query("select public.reply_to_message($1, 'Yes, it is!') as id", [newer]),
      { commit: true },
    );
    const { rows } = await db.pool.query(
      "select sender_id, recipient_id, product_id, body from public.messages where id = $1",
      [reply.rows[0].id],
    );
    expect(rows[0]).toEqual({ sender_id: seller, recipient_id: shopper, product_id: product, body: "Yes, it is!" });
    const inbox = await asUser(db.pool, shopper, (c) =>
      c.query("select sender_name, body from public.list_my_messages()"),
    );
    expect(inbox.rows).toEqual([{ sender_name: "Inbox Seller", body: "Yes, it is!" }]);
    expect(
      await codeOf(asUser(db.pool, stranger, (c) => c.query("select public.reply_to_message($1, 'Hi')", [newer]))),
    ).toBe("PT404");
    expect(
      await codeOf(asUser(db.pool, shopper, (c) => c.query("select public.reply_to_message($1, 'Hi')", [newer]))),
    ).toBe("PT403");
    expect(
      await codeOf(asUser(db.pool, seller, (c) => c.query("select public.reply_to_message($1, '   ')", [newer]))),
    ).toBe("23514");
  });
});
