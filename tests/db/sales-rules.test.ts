/**
 * Sales that mean something and concurrent sales, as the API roles use them:
 *   - two "sold" updates of one product at once both succeed (the future check is for a stated sold_at);
 *   - free items (price 0) never rank, and a price change afterwards leaves the stored decision alone;
 *   - undoing takes a sale off its month, selling again is a new sale (a buyer again to rank), and the app may
 *     undo only within 14 days of sold_at;
 *   - an admin (app_metadata.role = 'admin') or service_role can exclude a seller from the boards, with who
 *     and why recorded; boards, `me` and the dashboard's ranks respect it; the cache itself does not change;
 *     re-including keeps the record (stamped with who and when), so a later exclusion adds another.
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import {
  cached,
  currentMonth,
  expectNoDrift,
  insertProduct,
  insertView,
  pastMonth,
  sellToBuyer,
} from "./leaderboard-helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});

const asSeller = <T>(seller: string, fn: (c: pg.PoolClient) => Promise<T>) =>
  asRole(db.pool, "authenticated", seller, fn, { commit: true });
const setStatus = (seller: string, product: string, status: string) =>
  asSeller(seller, (c) => c.query("select * from public.update_product($1, p_status => $2)", [product, status]));
const setPrice = (seller: string, product: string, price: number) =>
  asSeller(seller, (c) => c.query("select * from public.update_product($1, p_price => $2)", [product, price]));

/** Runs fn as a signed-in user whose JWT carries app_metadata (set by the service, not by the user). */
async function asUserWithAppMetadata<T>(userId: string, appMetadata: object, fn: (c: pg.PoolClient) => Promise<T>) {
  const client = await db.pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
      JSON.stringify({ sub: userId, role: "authenticated", app_metadata: appMetadata }),
    ]);
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

describe("two concurrent sales of one product", () => {
  it("both succeed: the second keeps the first's sold_at without failing the future check", async () => {
    const seller = await createUser(db.pool, "Race seller");
    const product = await insertProduct(db.pool, seller, { status: "active" });
    const first = await db.pool.connect();
    const second = await db.pool.connect();
    try {
      // The second transaction starts first, so its now() is earlier than the first's sold_at.
      await second.query("begin");
      const { rows: pid } = await second.query<{ pid: number }>("select pg_backend_pid() as pid, now()");
      await first.query("begin");
      await first.query("update public.products set status = 'sold' where id = $1", [product]);
      const waiting = second.query("update public.products set status = 'sold' where id = $1 returning sold_at", [
        product,
      ]);
      // Wait until the second update is blocked on the first's row lock (no sleeps: poll the lock table).
      for (;;) {
        const { rows } = await db.pool.query(
          "select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'",
          [pid[0].pid],
        );
        if (rows.length) break;
      }
      await first.query("commit");
      const { rows } = await waiting;
      await second.query("commit");
      const stored = await db.pool.query("select sold_at from public.products where id = $1", [product]);
      expect(rows[0].sold_at).toEqual(stored.rows[0].sold_at);
    } finally {
      await first.query("rollback").catch(() => undefined);
      await second.query("rollback").catch(() => undefined);
      first.release();
      second.release();
    }
    const { year, month } = await currentMonth(db.pool);
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(1);
    await expectNoDrift(db.pool);
  });

  it("still refuses a stated sold_at in the future", async () => {
    const seller = await createUser(db.pool, "Future seller");
    const product = await insertProduct(db.pool, seller, { status: "active" });
    await expect(
      db.pool.query("update public.products set status = 'sold', sold_at = now() + interval '1 hour' where id = $1", [
        product,
      ]),
    ).rejects.toMatchObject({ code: "23514" });
  });
});

describe("free items", () => {
  it("never rank, and a later price change leaves the decision taken at the sale as it is", async () => {
    const seller = await createUser(db.pool, "Free seller");
    const { year, month } = await currentMonth(db.pool);
    const free = await asSeller(seller, async (c) => {
      const { rows } = await c.query("select id from public.create_product('Free thing', '', 0, 'active')");
      return rows[0].id as string;
    });
    await sellToBuyer(db.pool, seller, free);
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(0);
    await insertProduct(db.pool, seller, { status: "sold", price: 0 });
    expect((await cached(db.pool, seller, 0, 0)).items_sold).toBe(0);
    await setPrice(seller, free, 5);
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(0);

    // A ranked sale stays ranked when its price drops to 0 afterwards.
    const paid = await insertProduct(db.pool, seller, { status: "active", price: 8 });
    await sellToBuyer(db.pool, seller, paid);
    await setPrice(seller, paid, 0);
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(1);
    await expectNoDrift(db.pool);
    await db.pool.query("select public.rebuild_seller_leaderboard_cache()");
    expect((await cached(db.pool, seller, 0, 0)).items_sold).toBe(1);
  });
});

describe("undo and sell again", () => {
  it("undoing takes the sale off its own month; selling again is a new sale now, which needs a buyer to rank", async () => {
    const seller = await createUser(db.pool, "Redo seller");
    const { year, month } = await currentMonth(db.pool);
    const product = await insertProduct(db.pool, seller, { status: "active" });
    const buyer = await sellToBuyer(db.pool, seller, product);
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(1);

    await setStatus(seller, product, "active");
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(0);
    await setStatus(seller, product, "sold"); // sold elsewhere: never ranks
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(0);
    await setStatus(seller, product, "active");
    // Named again: the undone sale still holds its place under the cap, so this is the key's second.
    await asSeller(seller, (c) =>
      c.query("select * from public.update_product($1, p_status => 'sold', p_buyer_id => $2)", [product, buyer]),
    );
    expect((await cached(db.pool, seller, year, month)).items_sold).toBe(1);
    const { rows } = await db.pool.query(
      "select ranks, buyer_id is not null as named, undone_at is not null as undone from public.sales where product_id = $1 order by created_at, undone_at nulls last",
      [product],
    );
    expect(rows).toEqual([
      { ranks: true, named: true, undone: true },
      { ranks: false, named: false, undone: true },
      { ranks: true, named: true, undone: false },
    ]);
    await expectNoDrift(db.pool);
  });

  it("is refused through the app 14 days after sold_at (409), for admins too; service_role may still undo", async () => {
    const seller = await createUser(db.pool, "Old sale seller");
    const past = await pastMonth(db.pool, 2);
    const product = await insertProduct(db.pool, seller, { status: "sold", soldAt: past.at });
    await expect(setStatus(seller, product, "active")).rejects.toMatchObject({ code: "PT409" });
    await expect(setStatus(seller, product, "draft")).rejects.toMatchObject({ code: "PT409" });
    await expect(
      asUserWithAppMetadata(seller, { role: "admin" }, (c) =>
        c.query("update public.products set status = 'active' where id = $1", [product]),
      ),
    ).rejects.toMatchObject({ code: "PT409" });
    expect((await cached(db.pool, seller, past.year, past.month)).items_sold).toBe(1);
    // 13 days after sold_at: still allowed.
    const recent = await insertProduct(db.pool, seller, { status: "active" });
    await sellToBuyer(db.pool, seller, recent);
    await db.pool.query("update public.products set sold_at = now() - interval '13 days' where id = $1", [recent]);
    await setStatus(seller, recent, "active");
    await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("update public.products set status = 'active' where id = $1", [product]),
      { commit: true },
    );
    expect((await cached(db.pool, seller, past.year, past.month)).items_sold).toBe(0);
    await expectNoDrift(db.pool);
  });
});

describe("excluding a seller from the boards", () => {
  it("is for admins and service_role; boards, me and dashboard ranks leave the seller out; the cache stays exact", async () => {
    const cheat = await createUser(db.pool, "Excluded cheat");
    const honest = await createUser(db.pool, "Honest seller");
    const admin = await createUser(db.pool, "Moderator");
    const { year, month } = await currentMonth(db.pool);
    for (let i = 0; i < 3; i++) await insertProduct(db.pool, cheat, { status: "sold" });
    await insertProduct(db.pool, honest, { status: "sold" });
    const cheatsItem = await insertProduct(db.pool, cheat, { status: "active" });
    const honestItem = await insertProduct(db.pool, honest, { status: "active" });
    await insertView(db.pool, cheatsItem);
    await insertView(db.pool, cheatsItem);
    await insertView(db.pool, honestItem);

    // A user cannot make themselves admin: user_metadata is theirs to set, app_metadata is not read from it.
    await expect(
      asRole(db.pool, "authenticated", honest, (c) => c.query("select public.exclude_seller($1, 'spam')", [cheat])),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(
      asRole(db.pool, "anon", null, (c) => c.query("select public.exclude_seller($1, 'spam')", [cheat])),
    ).rejects.toMatchObject({ code: "42501" });

    await asUserWithAppMetadata(admin, { role: "admin" }, (c) =>
      c.query("select public.exclude_seller($1, 'free items sold to myself')", [cheat]),
    );
    const record = await db.pool.query(
      "select excluded_by, reason from public.seller_exclusions where seller_id = $1",
      [cheat],
    );
    expect(record.rows).toEqual([{ excluded_by: admin, reason: "free items sold to myself" }]);
    // Who and why are for moderators: clients see only who is excluded.
    await expect(
      asRole(db.pool, "authenticated", honest, (c) => c.query("select reason from public.seller_exclusions")),
    ).rejects.toMatchObject({ code: "42501" });

    for (const fn of ["get_top_sellers_by_sales", "get_top_sellers_by_views"]) {
      for (const period of ["month", "all"]) {
        const { rows } = await asRole(db.pool, "anon", null, (c) =>
          c.query(`select rank, seller_id from public.${fn}($1) where seller_id in ($2, $3)`, [period, cheat, honest]),
        );
        expect(rows, `${fn} ${period}`).toEqual([{ rank: 1, seller_id: honest }]);
      }
    }
    const summary = (user: string, metric: string) =>
      asRole(db.pool, "authenticated", user, (c) =>
        c.query("select my_rank, my_items_sold from public.get_leaderboard_summary($1)", [metric]),
      ).then((r) => r.rows[0]);
    expect(await summary(cheat, "sales")).toMatchObject({ my_rank: null, my_items_sold: 3 });
    expect(await summary(cheat, "views")).toMatchObject({ my_rank: null });
    expect(await summary(honest, "sales")).toMatchObject({ my_rank: 1 });
    expect(await summary(honest, "views")).toMatchObject({ my_rank: 1 });
    const dashboard = (user: string) =>
      asRole(db.pool, "authenticated", user, (c) =>
        c.query("select sold_month, rank_sales_month, rank_views_month from public.get_seller_dashboard()"),
      ).then((r) => r.rows[0]);
    expect(await dashboard(cheat)).toEqual({ sold_month: 3, rank_sales_month: null, rank_views_month: null });
    expect(await dashboard(honest)).toEqual({ sold_month: 1, rank_sales_month: 1, rank_views_month: 1 });
    // Exclusion is applied at read time: the cache still holds the seller's exact figures.
    expect((await cached(db.pool, cheat, year, month)).items_sold).toBe(3);
    await expectNoDrift(db.pool);

    await asRole(db.pool, "service_role", null, (c) => c.query("select public.include_seller($1)", [cheat]), {
      commit: true,
    });
    expect(await summary(cheat, "sales")).toMatchObject({ my_rank: 1 });
    expect(await dashboard(honest)).toMatchObject({ rank_sales_month: 2 });
  });
});

describe("the moderation record", () => {
  it("excluding, re-including and excluding again keeps every record, with who and why", async () => {
    const sam = await createUser(db.pool, "Seller Sam");
    const mira = await createUser(db.pool, "Moderator Mira");
    const omar = await createUser(db.pool, "Moderator Omar");
    await insertProduct(db.pool, sam, { status: "sold" });
    const asModerator = (moderator: string, sql: string) =>
      asUserWithAppMetadata(moderator, { role: "admin" }, (c) => c.query(sql, [sam]));
    const onBoard = async () =>
      (
        await asRole(db.pool, "anon", null, (c) =>
          c.query("select seller_id from public.get_top_sellers_by_sales('all') where seller_id = $1", [sam]),
        )
      ).rows.length === 1;

    await asModerator(mira, "select public.exclude_seller($1, 'sold to a second account of his')");
    expect(await onBoard(), "Sam is off the board once Mira excludes him").toBe(false);
    const lifted = await asModerator(omar, "select public.include_seller($1) as was_excluded");
    expect(lifted.rows[0].was_excluded, "Omar's re-inclusion lifts a standing exclusion").toBe(true);
    expect(await onBoard(), "Sam is back on the board").toBe(true);
    const again = await asModerator(omar, "select public.include_seller($1) as was_excluded");
    expect(again.rows[0].was_excluded, "re-including a seller who is not excluded changes nothing").toBe(false);
    await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("select public.exclude_seller($1, 'chargebacks reported by the payment provider')", [sam]),
      { commit: true },
    );
    expect(await onBoard(), "Sam is off the board again after the server excludes him").toBe(false);

    const history = await db.pool.query(
      `select excluded_by, reason, included_by, included_at is not null as included
         from public.seller_exclusions where seller_id = $1 order by excluded_at, id`,
      [sam],
    );
    expect(history.rows, "both exclusions are on record: who and why, and who lifted the first").toEqual([
      { excluded_by: mira, reason: "sold to a second account of his", included_by: omar, included: true },
      { excluded_by: null, reason: "chargebacks reported by the payment provider", included_by: null, included: false },
    ]);
  });
});
