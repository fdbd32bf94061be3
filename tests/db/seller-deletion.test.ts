/**
 * A seller's account deletion (`delete from auth.users`, what Supabase Auth's admin API runs) against
 * transactions that hold one of the seller's products and then name the seller (a foreign key check takes
 * FOR KEY SHARE on the profile). The interleavings are forced step by step: the deletion is started while
 * the other transaction holds its first lock, and that transaction goes on only once the deletion waits.
 * Neither may deadlock: the deletion locks the seller's products before the seller's profile, the order
 * every other writer takes them in.
 */
import pg from "pg";
import { beforeAll, expect, it } from "vitest";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { insertProduct, insertView } from "./leaderboard-helpers";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // Find a deadlock at once rather than after the default second.
  await client.query("set deadlock_timeout = '50ms'");
  return client;
}

/** Resolves once the backend `pid` waits for a lock. */
async function waitsForLock(pid: number): Promise<void> {
  for (;;) {
    const { rows } = await db.pool.query("select wait_event_type from pg_stat_activity where pid = $1", [pid]);
    if (rows[0]?.wait_event_type === "Lock") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs `first` in a transaction of its own, then the seller's deletion until it waits, then `second` in
 * the first transaction and commits it. Returns the error codes of both (null: committed).
 */
async function interleave(
  seller: string,
  first: (c: pg.Client) => Promise<unknown>,
  second: (c: pg.Client) => Promise<unknown>,
): Promise<{ writer: string | null; deletion: string | null }> {
  const writer = await connect();
  const deleter = await connect();
  const codeOf = (error: unknown) => (error as { code?: string }).code ?? String(error);
  try {
    await writer.query("begin");
    await first(writer);
    const deleterPid = (await deleter.query("select pg_backend_pid() as pid")).rows[0].pid as number;
    const deletion = deleter.query("delete from auth.users where id = $1", [seller]).then(
      () => null,
      (error: unknown) => codeOf(error),
    );
    await waitsForLock(deleterPid);
    let writerCode: string | null = null;
    try {
      await second(writer);
      await writer.query("commit");
    } catch (error) {
      writerCode = codeOf(error);
      await writer.query("rollback");
    }
    return { writer: writerCode, deletion: await deletion };
  } finally {
    await writer.end();
    await deleter.end();
  }
}

async function sellerWithProducts(name: string): Promise<{ seller: string; products: string[] }> {
  const seller = await createUser(db.pool, name);
  const products: string[] = [];
  for (let i = 0; i < 4; i++) {
    const product = await insertProduct(db.pool, seller, { status: i % 2 ? "sold" : "active" });
    await insertView(db.pool, product);
    products.push(product);
  }
  return { seller, products };
}

const noDrift = async () =>
  expect((await db.pool.query("select * from public.seller_leaderboard_drift()")).rows).toEqual([]);

it("deletes a seller while a transaction deletes one of their products and then lists a new one for them", async () => {
  const { seller, products } = await sellerWithProducts("Deleted while relisting");
  const result = await interleave(
    seller,
    (c) => c.query("delete from public.products where id = $1", [products[1]]),
    (c) =>
      c.query("insert into public.products (seller_id, title, price, status) values ($1, 'Relisted', 5, 'sold')", [
        seller,
      ]),
  );
  expect(result).toEqual({ writer: null, deletion: null });
  expect(
    (await db.pool.query("select count(*)::int as n from public.products where seller_id = $1", [seller])).rows[0].n,
  ).toBe(0);
  await noDrift();
});

it("deletes a seller while a transaction sells one of their products and then moves another product to them", async () => {
  const { seller, products } = await sellerWithProducts("Deleted while selling");
  const other = await sellerWithProducts("Other seller");
  const result = await interleave(
    seller,
    (c) => c.query("update public.products set status = 'sold' where id = $1", [products[2]]),
    (c) => c.query("update public.products set seller_id = $2 where id = $1", [other.products[0], seller]),
  );
  expect(result).toEqual({ writer: null, deletion: null });
  await noDrift();
});

it("deletes a seller while single-product transactions undo and redo a sale, view and move their products", async () => {
  const { seller, products } = await sellerWithProducts("Deleted while busy");
  const other = await sellerWithProducts("Buyer of products");
  // Without views or a sale, moving it touches none of the seller's counters, which the first two hold.
  const quiet = await insertProduct(db.pool, seller, { status: "active" });
  const writers = await Promise.all([connect(), connect(), connect()]);
  const deleter = await connect();
  const steps: [(c: pg.Client) => Promise<unknown>, (c: pg.Client) => Promise<unknown>][] = [
    [
      (c) => c.query("update public.products set status = 'active' where id = $1", [products[1]]),
      (c) => c.query("update public.products set status = 'sold' where id = $1", [products[1]]),
    ],
    [
      (c) =>
        c.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
          products[0],
        ]),
      (c) =>
        c.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
          products[0],
        ]),
    ],
    [
      (c) => c.query("update public.products set seller_id = $2 where id = $1", [quiet, other.seller]),
      (c) => c.query("update public.products set price = 0 where id = $1", [quiet]),
    ],
  ];
  try {
    for (const [i, [first]] of steps.entries()) {
      await writers[i].query("begin");
      await first(writers[i]);
    }
    const deleterPid = (await deleter.query("select pg_backend_pid() as pid")).rows[0].pid as number;
    const deletion = deleter.query("delete from auth.users where id = $1", [seller]).then(
      () => null,
      (error: { code?: string }) => error.code ?? String(error),
    );
    await waitsForLock(deleterPid);
    for (const [i, [, second]] of steps.entries()) {
      await second(writers[i]);
      await writers[i].query("commit");
    }
    expect(await deletion).toBeNull();
  } finally {
    await Promise.all([...writers, deleter].map((c) => c.end()));
  }
  // The product moved away before the deletion went on, so it stays, with its figures, with its new seller.
  expect((await db.pool.query("select seller_id from public.products where id = $1", [quiet])).rows).toEqual([
    { seller_id: other.seller },
  ]);
  await noDrift();
});
