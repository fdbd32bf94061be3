/**
 * A view of a product that does not exist is refused with the foreign key error (23503) and leaves the cache
 * exact; one whose delete is in flight waits for that delete (the foreign key check's lock on the product),
 * then is refused the same way. A product moving to another seller: its views wait for the move and count
 * for the new seller. Without the foreign key check (an import), a view of a missing product counts for
 * nobody.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { expectNoDrift, insertProduct, insertView } from "./leaderboard-helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});

it("refuses a view of a deleted product with 23503, and counts one imported without the foreign key for nobody", async () => {
  const seller = await createUser(db.pool, "Deleting seller");
  const product = await insertProduct(db.pool, seller, { status: "active" });
  await insertView(db.pool, product);
  await db.pool.query("delete from public.products where id = $1", [product]);
  await expect(insertView(db.pool, product)).rejects.toMatchObject({ code: "23503" });

  const client = await db.pool.connect();
  try {
    await client.query("begin");
    // Only the foreign key's triggers off: the counting triggers still run.
    const { rows: fk } = await client.query<{ tgname: string }>(
      `select tgname from pg_trigger where tgrelid = 'public.product_views'::regclass and tgisinternal`,
    );
    for (const { tgname } of fk) await client.query(`alter table public.product_views disable trigger "${tgname}"`);
    await client.query("insert into public.product_views (product_id, session_id) values ($1, $2)", [
      product,
      randomUUID(),
    ]);
    const counters = await client.query(
      `select (select count(*) from public.product_view_totals where product_id = $1)::int
            + (select count(*) from public.product_view_days where product_id = $1)::int
            + (select count(*) from public.seller_view_counts where seller_id = $2 and total_views > 0)::int as n`,
      [product, seller],
    );
    expect(counters.rows[0].n).toBe(0);
    await client.query("rollback");
  } finally {
    client.release();
  }
  await expectNoDrift(db.pool);
});

it("a view of a product whose delete is in flight waits for the delete, then is refused with 23503", async () => {
  const seller = await createUser(db.pool, "Deleting seller 2");
  const product = await insertProduct(db.pool, seller, { status: "active" });
  await insertView(db.pool, product);
  const deleter = await db.pool.connect();
  const viewer = await db.pool.connect();
  try {
    await deleter.query("begin");
    await deleter.query("delete from public.products where id = $1", [product]);
    const { rows } = await viewer.query<{ pid: number }>("select pg_backend_pid() as pid");
    const view = viewer
      .query("insert into public.product_views (product_id, session_id) values ($1, $2)", [product, randomUUID()])
      .then(
        () => null,
        (e: { code: string }) => e,
      );
    for (;;) {
      const waiting = await db.pool.query(
        "select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'",
        [rows[0].pid],
      );
      if (waiting.rowCount) break;
    }
    await deleter.query("commit");
    expect(await view).toMatchObject({ code: "23503" });
  } finally {
    await deleter.query("rollback").catch(() => undefined);
    deleter.release();
    viewer.release();
  }
  await expectNoDrift(db.pool);
});

it("a view of a product moved to another seller meanwhile still waits and counts for the new seller", async () => {
  const from = await createUser(db.pool, "Move from");
  const to = await createUser(db.pool, "Move to");
  const product = await insertProduct(db.pool, from, { status: "active" });
  const mover = await db.pool.connect();
  try {
    await mover.query("begin");
    await mover.query("update public.products set seller_id = $2 where id = $1", [product, to]);
    const view = db.pool.query("insert into public.product_views (product_id, session_id) values ($1, $2)", [
      product,
      randomUUID(),
    ]);
    for (;;) {
      const waiting = await db.pool.query(
        "select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into public.product_views%'",
      );
      if (waiting.rowCount) break;
    }
    await mover.query("commit");
    await view;
  } finally {
    await mover.query("rollback").catch(() => undefined);
    mover.release();
  }
  const counts = await db.pool.query(
    "select seller_id, sum(total_views)::int as n from public.seller_view_counts where year = 0 group by 1 having sum(total_views) > 0",
  );
  expect(counts.rows.filter((r) => r.seller_id === from || r.seller_id === to)).toEqual([{ seller_id: to, n: 1 }]);
  await expectNoDrift(db.pool);
});
