/**
 * A view of a product that does not exist (deleted a moment before) costs no more than a normal view:
 * it is refused with the foreign key error before the cache trigger takes any counter lock, and leaves the
 * cache exact. The foreign key check normally runs first; here it is disabled (as for an import) so the
 * cache trigger itself meets the missing product.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { expectNoDrift, insertProduct, insertView } from "./leaderboard-helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});

it("refuses a view of a missing product in the cache trigger with 23503, holding no counter lock", async () => {
  const seller = await createUser(db.pool, "Deleting seller");
  const product = await insertProduct(db.pool, seller, { status: "active" });
  await insertView(db.pool, product);
  await db.pool.query("delete from public.products where id = $1", [product]);

  const client = await db.pool.connect();
  try {
    await client.query("begin");
    // Only the foreign key's triggers off: the cache trigger still runs.
    const { rows: fk } = await client.query<{ tgname: string }>(
      `select tgname from pg_trigger where tgrelid = 'public.product_views'::regclass and tgisinternal`,
    );
    for (const { tgname } of fk) await client.query(`alter table public.product_views disable trigger "${tgname}"`);
    await client.query("savepoint view");
    const error = await client
      .query("insert into public.product_views (product_id, session_id) values ($1, $2)", [product, randomUUID()])
      .then(() => null, (e: { code: string }) => e);
    expect(error).toMatchObject({ code: "23503" });
    await client.query("rollback to savepoint view");
    const locks = await client.query(
      "select count(*)::int as n from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'",
    );
    expect(locks.rows[0].n).toBe(0);
    await client.query("rollback");
  } finally {
    client.release();
  }
  await expectNoDrift(db.pool);
});
