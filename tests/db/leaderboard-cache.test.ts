/**
 * The trigger-maintained leaderboard cache: the plan's testing checklist (database items) and every
 * transition of the rules in docs/architecture.md ("Decisions: what the numbers mean"), each checked against
 * the cache and against seller_leaderboard_drift() (a recomputation from sales and product_views). A sale
 * through the API ranks when it names a buyer who wrote about the product (sellToBuyer);
 * tests/db/buyers.test.ts covers the rule.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import {
  cached,
  cacheView,
  currentMonth,
  expectNoDrift,
  insertProduct,
  insertView,
  pastMonth,
  sellToBuyer,
} from "./leaderboard-helpers";

let db: TestDatabase;
let now: { year: number; month: number };

beforeAll(async () => {
  db = await createTestDatabase();
  now = await currentMonth(db.pool);
});

/** Runs as the product's owner (authenticated) and commits, the way the API does. */
function asSeller<T>(sellerId: string, fn: Parameters<typeof asRole<T>>[3]) {
  return asRole(db.pool, "authenticated", sellerId, fn, { commit: true });
}

async function topSales(period = "month", year: number | null = null, month: number | null = null, limit = 10) {
  const { rows } = await db.pool.query("select * from public.get_top_sellers_by_sales($1, $2, $3, $4)", [
    period,
    year,
    month,
    limit,
  ]);
  return rows;
}
async function topViews(period = "month", year: number | null = null, month: number | null = null, limit = 10) {
  const { rows } = await db.pool.query("select * from public.get_top_sellers_by_views($1, $2, $3, $4)", [
    period,
    year,
    month,
    limit,
  ]);
  return rows;
}

describe("plan testing checklist", () => {
  it("a product marked as sold updates the leaderboard immediately", async () => {
    const seller = await createUser(db.pool, "Checklist Sold");
    const product = await insertProduct(db.pool, seller);
    await sellToBuyer(db.pool, seller, product);
    const rows = await asRole(db.pool, "anon", null, (c) =>
      c.query("select * from public.get_top_sellers_by_sales('month', null, null, 100)"),
    );
    expect(rows.rows.find((r) => r.seller_id === seller)).toMatchObject({ items_sold: 1 });
    await expectNoDrift(db.pool);
  });

  it("a product view recorded updates the leaderboard immediately", async () => {
    const seller = await createUser(db.pool, "Checklist Viewed");
    const viewer = await createUser(db.pool, "Checklist Viewer");
    const product = await insertProduct(db.pool, seller);
    const counted = await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("select public.record_product_view($1, p_user_id => $2) as counted", [product, viewer]),
      { commit: true },
    );
    expect(counted.rows[0].counted).toBe(true);
    const rows = await asRole(db.pool, "anon", null, (c) =>
      c.query("select * from public.get_top_sellers_by_views('month', null, null, 100)"),
    );
    expect(rows.rows.find((r) => r.seller_id === seller)).toMatchObject({ total_views: 1 });
  });

  it("the leaderboard shows the correct sales count for the current month", async () => {
    const seller = await createUser(db.pool, "Checklist Month Sales");
    const old = await pastMonth(db.pool, 2);
    await insertProduct(db.pool, seller, { status: "sold" });
    await insertProduct(db.pool, seller, { status: "sold" });
    await insertProduct(db.pool, seller, { status: "sold", soldAt: old.at });
    await insertProduct(db.pool, seller, { status: "active" });
    const entry = (await topSales("month", null, null, 100)).find((r) => r.seller_id === seller);
    expect(entry.items_sold).toBe(2);
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 2, total_views: 0 });
  });

  it("the leaderboard shows the correct views count for the current month", async () => {
    const seller = await createUser(db.pool, "Checklist Month Views");
    const product = await insertProduct(db.pool, seller);
    const old = await pastMonth(db.pool, 1);
    await insertView(db.pool, product);
    await insertView(db.pool, product);
    await insertView(db.pool, product, old.at);
    const entry = (await topViews("month", null, null, 100)).find((r) => r.seller_id === seller);
    expect(entry.total_views).toBe(2);
    const past = (await topViews("month", old.year, old.month, 100)).find((r) => r.seller_id === seller);
    expect(past.total_views).toBe(1);
  });

  it("the dashboard's views match the leaderboard's calculation", async () => {
    const seller = await createUser(db.pool, "Checklist Dashboard");
    const p1 = await insertProduct(db.pool, seller);
    const p2 = await insertProduct(db.pool, seller);
    for (let i = 0; i < 3; i++) await insertView(db.pool, p1);
    await insertView(db.pool, p2);
    await insertView(db.pool, p2, (await pastMonth(db.pool, 3)).at);
    const dashboard = await asRole(db.pool, "authenticated", seller, (c) =>
      c.query("select * from public.get_seller_dashboard()"),
    );
    const month = (await topViews("month", null, null, 100)).find((r) => r.seller_id === seller);
    const all = (await topViews("all", null, null, 100)).find((r) => r.seller_id === seller);
    expect(dashboard.rows[0].views_month).toBe(month.total_views);
    expect(dashboard.rows[0].views_all_time).toBe(all.total_views);
    expect([month.total_views, all.total_views]).toEqual([4, 5]);
    const { rows } = await db.pool.query(
      `select count(*)::int as n from public.product_views v join public.products p on p.id = v.product_id
        where p.seller_id = $1 and v.view_month = date_trunc('month', now() at time zone 'UTC')::date`,
      [seller],
    );
    expect(rows[0].n).toBe(dashboard.rows[0].views_month);
  });

  it("multiple sales by the same seller are counted correctly", async () => {
    const seller = await createUser(db.pool, "Checklist Multi Sales");
    const products = await Promise.all([1, 2, 3, 4].map(() => insertProduct(db.pool, seller)));
    for (const id of products) await sellToBuyer(db.pool, seller, id);
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 4, total_views: 0 });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 4, total_views: 0 });
  });

  it("views of several products of the same seller are aggregated", async () => {
    const seller = await createUser(db.pool, "Checklist Aggregate");
    const products = await Promise.all([1, 2, 3].map(() => insertProduct(db.pool, seller)));
    for (const [i, id] of products.entries()) for (let v = 0; v <= i; v++) await insertView(db.pool, id);
    expect(await cacheView(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 0, total_views: 6 });
    await expectNoDrift(db.pool);
  });

  it("month transitions: a new month starts from zero, the old month keeps its figures", async () => {
    const seller = await createUser(db.pool, "Checklist Month Transition");
    const last = await pastMonth(db.pool, 1);
    const product = await insertProduct(db.pool, seller, { status: "sold", soldAt: last.at });
    await insertView(db.pool, product, last.at);
    expect(await cached(db.pool, seller, last.year, last.month)).toEqual({ items_sold: 1, total_views: 1 });
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 0, total_views: 0 });
    expect((await topSales()).some((r) => r.seller_id === seller)).toBe(false);
    expect((await topSales("month", last.year, last.month, 100)).some((r) => r.seller_id === seller)).toBe(true);
  });

  it("undoing a sale (marking a sold item active) decreases the sales count", async () => {
    const seller = await createUser(db.pool, "Checklist Undo");
    const product = await insertProduct(db.pool, seller);
    await sellToBuyer(db.pool, seller, product);
    expect((await cached(db.pool, seller, now.year, now.month)).items_sold).toBe(1);
    await asSeller(seller, (c) => c.query("update public.products set status = 'active' where id = $1", [product]));
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 0, total_views: 0 });
    expect((await topSales("month", null, null, 100)).some((r) => r.seller_id === seller)).toBe(false);
  });
});

describe("transitions keep the cache exact", () => {
  it("sell: +1 in the month of sold_at and all-time", async () => {
    const seller = await createUser(db.pool, "T Sell");
    const product = await insertProduct(db.pool, seller);
    await sellToBuyer(db.pool, seller, product);
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 1, total_views: 0 });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 1, total_views: 0 });
  });

  it("unsell months later decrements the month of the original sold_at, never the current month", async () => {
    const seller = await createUser(db.pool, "T Unsell Old");
    const old = await pastMonth(db.pool, 4);
    const product = await insertProduct(db.pool, seller, { status: "sold", soldAt: old.at });
    await insertProduct(db.pool, seller, { status: "sold" }); // a sale this month, to see it untouched
    // Months later only service_role or admin SQL may undo it (the app answers 409 after 14 days).
    await expect(
      asSeller(seller, (c) => c.query("update public.products set status = 'active' where id = $1", [product])),
    ).rejects.toMatchObject({ code: "PT409" });
    await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("update public.products set status = 'active' where id = $1", [product]),
      { commit: true },
    );
    expect(await cached(db.pool, seller, old.year, old.month)).toEqual({ items_sold: 0, total_views: 0 });
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 1, total_views: 0 });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 1, total_views: 0 });
    await expectNoDrift(db.pool);
  });

  it("selling again after an undo is a new sale in the new month, which needs a buyer again to rank", async () => {
    const seller = await createUser(db.pool, "T Resell");
    const old = await pastMonth(db.pool, 2);
    const product = await insertProduct(db.pool, seller, { status: "sold", soldAt: old.at });
    await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("update public.products set status = 'active' where id = $1", [product]),
      { commit: true },
    );
    await asSeller(seller, (c) => c.query("update public.products set status = 'sold' where id = $1", [product]));
    expect(await cached(db.pool, seller, old.year, old.month)).toEqual({ items_sold: 0, total_views: 0 });
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 0, total_views: 0 });
    await asSeller(seller, (c) => c.query("update public.products set status = 'active' where id = $1", [product]));
    await sellToBuyer(db.pool, seller, product);
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 1, total_views: 0 });
    await expectNoDrift(db.pool);
  });

  it("moving to draft from sold decrements like unselling", async () => {
    const seller = await createUser(db.pool, "T Draft");
    const product = await insertProduct(db.pool, seller, { status: "sold" });
    await asSeller(seller, (c) => c.query("update public.products set status = 'draft' where id = $1", [product]));
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 0, total_views: 0 });
  });

  it("an edit of sold_at (privileged) moves the sale between months", async () => {
    const seller = await createUser(db.pool, "T Edit SoldAt");
    const a = await pastMonth(db.pool, 5);
    const b = await pastMonth(db.pool, 2);
    const product = await insertProduct(db.pool, seller, { status: "sold", soldAt: a.at });
    await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("update public.products set sold_at = $2 where id = $1", [product, b.at]),
      { commit: true },
    );
    expect(await cached(db.pool, seller, a.year, a.month)).toEqual({ items_sold: 0, total_views: 0 });
    expect(await cached(db.pool, seller, b.year, b.month)).toEqual({ items_sold: 1, total_views: 0 });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 1, total_views: 0 });
    await expectNoDrift(db.pool);
  });

  it("inserting an already sold product counts it in the month of its sold_at", async () => {
    const seller = await createUser(db.pool, "T Insert Sold");
    const old = await pastMonth(db.pool, 6);
    await insertProduct(db.pool, seller, { status: "sold", soldAt: old.at });
    await db.pool.query(
      `insert into public.products (seller_id, title, price, status, sold_at)
       select $1, 'bulk ' || g, 5, 'sold', $2::timestamptz from generate_series(1, 3) g`,
      [seller, old.at],
    );
    expect(await cached(db.pool, seller, old.year, old.month)).toEqual({ items_sold: 4, total_views: 0 });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 4, total_views: 0 });
  });

  it("deleting a sold product removes its sale and its views from every month they touch", async () => {
    const seller = await createUser(db.pool, "T Delete");
    const old = await pastMonth(db.pool, 3);
    const product = await insertProduct(db.pool, seller, { status: "sold", soldAt: old.at });
    await insertView(db.pool, product, (await pastMonth(db.pool, 4)).at);
    await insertView(db.pool, product, old.at);
    await insertView(db.pool, product);
    // An admin's delete (a seller cannot delete a sold product: tests/db/table-rules.test.ts).
    await db.pool.query("delete from public.products where id = $1", [product]);
    for (const ago of [0, 3, 4]) {
      const m = ago === 0 ? now : await pastMonth(db.pool, ago);
      expect(await cached(db.pool, seller, m.year, m.month)).toEqual({ items_sold: 0, total_views: 0 });
    }
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 0, total_views: 0 });
    await expectNoDrift(db.pool);
  });

  it("a product moved to another seller takes its sale and every month of its views along", async () => {
    const from = await createUser(db.pool, "T Move From");
    const to = await createUser(db.pool, "T Move To");
    const old = await pastMonth(db.pool, 2);
    const product = await insertProduct(db.pool, from, { status: "sold", soldAt: old.at });
    const kept = await insertProduct(db.pool, from, { status: "sold" });
    await insertView(db.pool, product, old.at);
    await insertView(db.pool, product);
    await insertView(db.pool, kept);
    await db.pool.query("update public.products set seller_id = $2 where id = $1", [product, to]);
    expect(await cached(db.pool, from, old.year, old.month)).toEqual({ items_sold: 0, total_views: 0 });
    expect(await cached(db.pool, from, now.year, now.month)).toEqual({ items_sold: 1, total_views: 1 });
    expect(await cached(db.pool, to, old.year, old.month)).toEqual({ items_sold: 1, total_views: 1 });
    expect(await cached(db.pool, to, now.year, now.month)).toEqual({ items_sold: 0, total_views: 1 });
    expect(await cached(db.pool, to, 0, 0)).toEqual({ items_sold: 1, total_views: 2 });
    expect(await cached(db.pool, from, 0, 0)).toEqual({ items_sold: 1, total_views: 1 });
    await expectNoDrift(db.pool);
  });

  it("a deleted seller disappears from the cache and the leaderboards", async () => {
    const seller = await createUser(db.pool, "T Deleted Seller");
    const product = await insertProduct(db.pool, seller, { status: "sold" });
    const other = await insertProduct(db.pool, seller);
    await insertView(db.pool, other);
    await insertView(db.pool, product, (await pastMonth(db.pool, 1)).at);
    await db.pool.query("delete from auth.users where id = $1", [seller]);
    const { rows } = await db.pool.query(
      `select (select coalesce(sum(items_sold), 0) from public.seller_sales_counts where seller_id = $1)::int
            + (select coalesce(sum(total_views), 0) from public.seller_view_counts where seller_id = $1)::int as n`,
      [seller],
    );
    // Their figures are all zero (rows may linger at zero: readers ignore them).
    expect(rows[0].n).toBe(0);
    expect(
      (
        await db.pool.query("select count(*)::int as n from public.seller_leaderboard_cache where seller_id = $1", [
          seller,
        ])
      ).rows[0].n,
    ).toBe(0);
    expect((await topSales("all", null, null, 100)).some((r) => r.seller_id === seller)).toBe(false);
    await expectNoDrift(db.pool);
  });

  it("a counted view: +1 in the month of viewed_at, and it keeps counting after the product is sold", async () => {
    const seller = await createUser(db.pool, "T View");
    const product = await insertProduct(db.pool, seller);
    const old = await pastMonth(db.pool, 1);
    await insertView(db.pool, product, old.at);
    await insertView(db.pool, product);
    await sellToBuyer(db.pool, seller, product);
    expect(await cached(db.pool, seller, old.year, old.month)).toEqual({ items_sold: 0, total_views: 1 });
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 1, total_views: 1 });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 1, total_views: 2 });
  });

  it("a deleted view: -1 in the month of its viewed_at", async () => {
    const seller = await createUser(db.pool, "T View Delete");
    const product = await insertProduct(db.pool, seller);
    const old = await pastMonth(db.pool, 2);
    await insertView(db.pool, product, old.at);
    await insertView(db.pool, product, old.at);
    await insertView(db.pool, product);
    await db.pool.query(
      "delete from public.product_views where id = (select min(id) from public.product_views where product_id = $1)",
      [product],
    );
    expect(await cached(db.pool, seller, old.year, old.month)).toEqual({ items_sold: 0, total_views: 1 });
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 0, total_views: 1 });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 0, total_views: 2 });
    await expectNoDrift(db.pool);
  });

  it("an admin edit of a view's viewed_at moves it between months", async () => {
    const seller = await createUser(db.pool, "T View Edit");
    const product = await insertProduct(db.pool, seller);
    const old = await pastMonth(db.pool, 2);
    await insertView(db.pool, product);
    await db.pool.query("update public.product_views set viewed_at = $2 where product_id = $1", [product, old.at]);
    expect(await cached(db.pool, seller, old.year, old.month)).toEqual({ items_sold: 0, total_views: 1 });
    expect(await cached(db.pool, seller, now.year, now.month)).toEqual({ items_sold: 0, total_views: 0 });
    await expectNoDrift(db.pool);
  });

  it("setting the status a product already has changes nothing (not even last_updated)", async () => {
    const seller = await createUser(db.pool, "T Same Status");
    const product = await insertProduct(db.pool, seller);
    await sellToBuyer(db.pool, seller, product);
    const before = await db.pool.query(
      "select year, month, items_sold, last_updated from public.seller_sales_counts where seller_id = $1 order by 1, 2",
      [seller],
    );
    const soldAt = await db.pool.query("select sold_at from public.products where id = $1", [product]);
    await asSeller(seller, (c) => c.query("update public.products set status = 'sold' where id = $1", [product]));
    await asSeller(seller, (c) =>
      c.query("update public.products set status = 'sold', title = 'renamed' where id = $1", [product]),
    );
    const after = await db.pool.query(
      "select year, month, items_sold, last_updated from public.seller_sales_counts where seller_id = $1 order by 1, 2",
      [seller],
    );
    expect(after.rows).toEqual(before.rows);
    expect((await db.pool.query("select sold_at from public.products where id = $1", [product])).rows).toEqual(
      soldAt.rows,
    );
  });

  it("an edit of title or description leaves the boards as they were, their last change included", async () => {
    const mara = await createUser(db.pool, "T Edit Mara");
    const camera = await insertProduct(db.pool, mara, { status: "sold", soldAt: "2023-09-12T10:00:00Z", price: 185 });
    await insertView(db.pool, camera, "2023-09-10T10:00:00Z");
    const maraOnTheBoards = async () => {
      const byMonth = await topSales("month", 2023, 9, 100);
      const allTime = await topSales("all", null, null, 100);
      return [byMonth, allTime].map((rows) => rows.find((r) => r.seller_id === mara));
    };
    const before = await maraOnTheBoards();
    expect(before[0], "Mara is on the September board").toMatchObject({ items_sold: 1, total_views: 1 });

    await asSeller(mara, (c) =>
      c.query("update public.products set title = 'Canon AE-1', description = 'Serviced' where id = $1", [camera]),
    );

    expect(await maraOnTheBoards(), "Mara's figures and last change after renaming her camera").toEqual(before);
  });
});

describe("month boundaries in the leaderboard time zone (UTC)", () => {
  for (const zone of ["Pacific/Kiritimati", "America/Los_Angeles"]) {
    it(`a sale at 23:59:59.999 UTC on the last day belongs to that month (session TimeZone ${zone})`, async () => {
      const seller = await createUser(db.pool, `Boundary ${zone}`);
      const client = await db.pool.connect();
      try {
        await client.query(`set timezone = '${zone}'`);
        await insertProduct(client, seller, { status: "sold", soldAt: "2025-03-31T23:59:59.999Z" });
        await insertProduct(client, seller, { status: "sold", soldAt: "2025-04-01T00:00:00Z" });
        const p = await insertProduct(client, seller);
        await insertView(client, p, "2025-03-31T23:59:59.999Z");
        await insertView(client, p, "2025-04-01T00:00:00Z");
        await insertView(client, p, "2025-04-01T00:00:00.001Z");
        const march = await client.query("select * from public.get_top_sellers_by_sales('month', 2025, 3, 100)");
        expect(march.rows.find((r) => r.seller_id === seller)).toMatchObject({ items_sold: 1, total_views: 1 });
        const april = await client.query("select * from public.get_top_sellers_by_views('month', 2025, 4, 100)");
        expect(april.rows.find((r) => r.seller_id === seller)).toMatchObject({ items_sold: 1, total_views: 2 });
        // The current month of the read functions is the UTC one too.
        const { rows } = await client.query(
          `select extract(year from now() at time zone 'UTC')::int as y, extract(month from now() at time zone 'UTC')::int as m`,
        );
        expect(rows[0]).toEqual({ y: now.year, m: now.month });
      } finally {
        await client.query("reset timezone");
        client.release();
      }
      expect(await cached(db.pool, seller, 2025, 3)).toEqual({ items_sold: 1, total_views: 1 });
      expect(await cached(db.pool, seller, 2025, 4)).toEqual({ items_sold: 1, total_views: 2 });
    });
  }

  it("the leaderboard time zone is fixed by the migration", async () => {
    const { rows } = await db.pool.query("select public.leaderboard_time_zone() as tz");
    expect(rows[0].tz).toBe("UTC");
  });
});

describe("sold_at is decided by status (BEFORE trigger)", () => {
  it("keeps an explicit sold_at from service_role", async () => {
    const seller = await createUser(db.pool, "SoldAt Service");
    const product = await insertProduct(db.pool, seller);
    const when = "2025-02-10T10:00:00.000Z";
    await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("update public.products set status = 'sold', sold_at = $2 where id = $1", [product, when]),
      { commit: true },
    );
    const { rows } = await db.pool.query("select sold_at from public.products where id = $1", [product]);
    expect(rows[0].sold_at.toISOString()).toBe(when);
    expect(await cached(db.pool, seller, 2025, 2)).toEqual({ items_sold: 1, total_views: 0 });
  });

  it("ignores what authenticated clients say: they cannot write sold_at and a sale is dated now()", async () => {
    const seller = await createUser(db.pool, "SoldAt Client");
    const product = await insertProduct(db.pool, seller);
    await expect(
      asSeller(seller, (c) =>
        c.query("update public.products set status = 'sold', sold_at = '2025-01-01' where id = $1", [product]),
      ),
    ).rejects.toMatchObject({ code: "42501" });
    // Clients create products as draft or active only (tests/db/table-rules.test.ts), then sell them.
    const made = await asSeller(seller, async (c) => {
      const { rows } = await c.query(
        "insert into public.products (title, price, status) values ('x', 1, 'active') returning id",
      );
      return c.query("update public.products set status = 'sold' where id = $1 returning sold_at, now() as now", [
        rows[0].id,
      ]);
    });
    expect(made.rows[0].sold_at).toEqual(made.rows[0].now);
    // Sold with no buyer named: in the seller's records, never on the boards.
    expect((await cached(db.pool, seller, now.year, now.month)).items_sold).toBe(0);
  });

  it("rejects a sold_at in the future and leaves the cache untouched", async () => {
    const seller = await createUser(db.pool, "SoldAt Future");
    const product = await insertProduct(db.pool, seller);
    await expect(
      asRole(db.pool, "service_role", null, (c) =>
        c.query("update public.products set status = 'sold', sold_at = now() + interval '1 day' where id = $1", [
          product,
        ]),
      ),
    ).rejects.toMatchObject({ code: "23514" });
    expect(await cached(db.pool, seller, 0, 0)).toEqual({ items_sold: 0, total_views: 0 });
  });
});

describe("all-time", () => {
  it("all-time is the sum of the months, for every seller", async () => {
    const seller = await createUser(db.pool, "All Time Sum");
    for (const ago of [0, 1, 5, 13]) {
      const m = await pastMonth(db.pool, ago);
      const p = await insertProduct(db.pool, seller, { status: "sold", soldAt: ago === 0 ? null : m.at });
      await insertView(db.pool, p, ago === 0 ? null : m.at, { sessionId: randomUUID() });
    }
    const { rows } = await db.pool.query(
      `select a.seller_id, a.items_sold, a.total_views, s.items_sold as sum_sold, s.total_views as sum_views
         from public.get_top_sellers_by_sales('all', null, null, 100) a
         join (select seller_id, sum(items_sold)::int as items_sold, sum(total_views)::int as total_views
                 from public.seller_leaderboard_cache group by seller_id) s using (seller_id)`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([row.items_sold, row.total_views]).toEqual([row.sum_sold, row.sum_views]);
    expect(rows.find((r) => r.seller_id === seller)).toMatchObject({ items_sold: 4, total_views: 4 });
    await expectNoDrift(db.pool);
  });
});
