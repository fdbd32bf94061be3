/**
 * The invariant: after thousands of concurrent random sells (sold elsewhere, and to shoppers who wrote
 * about the product first, a few shoppers and sellers so the 3-per-key cap is raced for), buyers' answers
 * ("Not me" and confirm), unsells (refused through the app 14 days after sold_at), re-sells, sold_at edits,
 * deletes, inserts of sold products, free (price 0) sales and price changes, seller reassignments, a deleted
 * seller, views (recorded and inserted with past dates) and view deletes, over CONNECTIONS connections,
 * nothing deadlocked, seller_leaderboard_drift() and sales_cap_violations() are empty, and every cache row
 * equals a recomputation written here.
 *
 * Random choices come from a seeded PRNG, one stream per connection: the seed is printed, and
 * `SEED=<seed> npx vitest run tests/db/leaderboard-invariant.test.ts` replays the same choices (the
 * interleaving of the connections still depends on timing).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { beforeAll, expect, it } from "vitest";
import { createTestDatabase, createUser, setRole, type ApiRole, type TestDatabase } from "../helpers/db";
import { foldAll, insertProduct, rankCountsDrift, rankOfDrift, seededRandom } from "./leaderboard-helpers";

const CONNECTIONS = 10;
const OPERATIONS_PER_CONNECTION = 450; // 4,500 operations in all
const MONTHS_BACK = 6;

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: CONNECTIONS });
  return () => pool.end();
});

type Random = () => number;

const SEED = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);

const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

/** A random instant in one of the last MONTHS_BACK months (or earlier this month), never in the future. */
function pastInstant(rand: Random): string {
  const now = Date.now();
  const d = new Date(now);
  const monthsAgo = Math.floor(rand() * MONTHS_BACK);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsAgo, 1);
  const end = Math.min(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsAgo + 1, 1) - 1, now - 1000);
  // Month edges are favoured: the first and the last millisecond of a month.
  const r = rand();
  const t = r < 0.1 ? start : r < 0.2 ? end : start + Math.floor(rand() * (end - start));
  return new Date(t).toISOString();
}

interface Stats {
  committed: number;
  expectedErrors: number;
  serializationRetries: number;
  deadlocks: number;
  unexpected: string[];
}

it("keeps the cache exact under concurrent random transitions, without deadlocks", { timeout: 120_000 }, async () => {
  console.info(`invariant: SEED=${SEED} (set SEED to replay these random choices)`);
  expect(Number.isInteger(SEED), "SEED must be an integer").toBe(true);
  const rand = seededRandom(SEED);
  const sellers: string[] = [];
  for (let i = 0; i < 4; i++) sellers.push(await createUser(db.pool, `Inv seller ${i}`));
  const viewers: string[] = [];
  for (let i = 0; i < 12; i++) viewers.push(await createUser(db.pool, `Inv viewer ${i}`));
  const sessions = Array.from({ length: 60 }, () => randomUUID());
  // Few shoppers for few sellers: sales to one (buyer, seller, month) key race for its 3 places.
  const shoppers: string[] = [];
  for (let i = 0; i < 3; i++) shoppers.push(await createUser(db.pool, `Inv shopper ${i}`));
  const products: string[] = [];
  for (let i = 0; i < 40; i++) {
    const sold = i % 3 === 0;
    products.push(
      await insertProduct(db.pool, sellers[i % sellers.length], {
        status: sold ? "sold" : "active",
        soldAt: sold ? pastInstant(rand) : null,
        price: i % 5 === 0 ? 0 : 10, // some free items: their sales never count
      }),
    );
  }
  let sellerDeletions = 0;

  const stats: Stats = { committed: 0, expectedErrors: 0, serializationRetries: 0, deadlocks: 0, unexpected: [] };
  /** Undos and answers the rule refused (PT409: more than 14 days after sold_at, a final answer, a sold product). */
  let refused = 0;

  /** One transaction as a role (null: the superuser), retried on serialization failures. */
  async function tx(role: ApiRole | null, userId: string | null, work: (c: pg.PoolClient) => Promise<unknown>) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        if (role) await setRole(client, role, userId);
        await work(client);
        await client.query("commit");
        stats.committed++;
        return;
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (code === "40001") {
          stats.serializationRetries++;
          continue;
        }
        if (code === "40P01") {
          stats.deadlocks++;
          const { detail, where } = error as { detail?: string; where?: string };
          stats.unexpected.push(
            `deadlock: ${detail ?? (error as Error).message}\n  in: ${where ?? "?"}\n  work: ${work.toString().slice(0, 240)}`,
          );
          return;
        }
        // A product or seller deleted by a concurrent operation: not found / foreign key; a product moved
        // to another seller meanwhile: not the caller's (PT403).
        if (code === "PT404" || code === "23503" || code === "PT403") {
          stats.expectedErrors++;
          return;
        }
        if (code === "PT409") {
          refused++;
          return;
        }
        stats.unexpected.push(`${code}: ${(error as Error).message}`);
        return;
      } finally {
        client.release();
      }
    }
  }

  const ownerOf = async (c: pg.PoolClient, id: string) =>
    (await c.query<{ seller_id: string }>("select seller_id from public.products where id = $1", [id])).rows[0]
      ?.seller_id;

  /** The product's owner, through the API role (a product deleted meanwhile: some other user). */
  const actAsOwner = async (c: pg.PoolClient, id: string) => {
    const owner = await ownerOf(c, id);
    await c.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
      JSON.stringify({ sub: owner ?? randomUUID(), role: "authenticated" }),
    ]);
  };

  const operationsFor = (rand: Random): [number, () => Promise<void>][] => [
    // The owner sells through the API role (sold_at = now()).
    [
      10,
      () =>
        tx(null, null, async (c) => {
          const id = pick(rand, products);
          await actAsOwner(c, id);
          await c.query("update public.products set status = 'sold' where id = $1 and status <> 'sold'", [id]);
        }),
    ],
    // The owner unsells (back to active or to draft).
    [
      10,
      () =>
        tx(null, null, async (c) => {
          const id = pick(rand, products);
          await actAsOwner(c, id);
          await c.query("update public.products set status = $2 where id = $1", [
            id,
            pick(rand, ["active", "active", "draft"]),
          ]);
        }),
    ],
    // Setting the status it already has.
    [
      3,
      () =>
        tx("service_role", null, (c) =>
          c.query("update public.products set status = status where id = $1", [pick(rand, products)]),
        ),
    ],
    // An import re-sells with an explicit past date; an admin corrects sold_at.
    [
      6,
      () =>
        tx("service_role", null, (c) =>
          c.query("update public.products set status = 'sold', sold_at = $2 where id = $1", [
            pick(rand, products),
            pastInstant(rand),
          ]),
        ),
    ],
    [
      6,
      () =>
        tx("service_role", null, (c) =>
          c.query("update public.products set sold_at = $2 where id = $1 and status = 'sold'", [
            pick(rand, products),
            pastInstant(rand),
          ]),
        ),
    ],
    // Bulk statements touch several keys at once (lock ordering across rows).
    [
      2,
      () =>
        tx(null, null, (c) =>
          c.query(
            "update public.products set status = 'active' where seller_id = $1 and status = 'sold' and random() < 0.5",
            [pick(rand, sellers)],
          ),
        ),
    ],
    [
      2,
      () =>
        tx("service_role", null, (c) =>
          c
            .query(
              `insert into public.products (seller_id, title, price, status, sold_at)
           select $1, 'bulk', 3, 'sold', t from unnest($2::timestamptz[]) t returning id`,
              [pick(rand, sellers), [pastInstant(rand), pastInstant(rand), pastInstant(rand)]],
            )
            .then((r) => products.push(...r.rows.map((row) => row.id))),
        ),
    ],
    // Insert of an already sold product.
    [
      4,
      () =>
        tx(null, null, async (c) => {
          const r = await c.query(
            "insert into public.products (seller_id, title, price, status, sold_at) values ($1, 'imported', $3, 'sold', $2) returning id",
            [pick(rand, sellers), pastInstant(rand), pick(rand, [0, 7, 7])],
          );
          products.push(r.rows[0].id);
        }),
    ],
    // Delete (sold or not), then list a fresh product.
    [
      4,
      () =>
        tx("service_role", null, async (c) => {
          const id = pick(rand, products);
          await c.query("delete from public.products where id = $1", [id]);
          const r = await c.query(
            "insert into public.products (seller_id, title, price, status) values ($1, 'fresh', 5, 'active') returning id",
            [pick(rand, sellers)],
          );
          products.push(r.rows[0].id);
        }),
    ],
    // The owner changes a price, from or to 0 (a sold product's sale then stops or starts counting).
    [
      5,
      () =>
        tx(null, null, async (c) => {
          const id = pick(rand, products);
          await actAsOwner(c, id);
          await c.query("update public.products set price = $2 where id = $1", [id, pick(rand, [0, 0, 4, 9])]);
        }),
    ],
    // Undo and sell again in one transaction (a new sale, now; refused 14 days after sold_at).
    [
      4,
      () =>
        tx(null, null, async (c) => {
          const id = pick(rand, products);
          await actAsOwner(c, id);
          await c.query("update public.products set status = 'active' where id = $1 and status = 'sold'", [id]);
          await c.query("update public.products set status = 'sold' where id = $1", [id]);
        }),
    ],
    // A shopper writes about a product, then its owner marks it sold naming them (the app's way to rank):
    // two transactions, as in the app (a message's foreign key check shares the product row's key lock).
    [
      12,
      async () => {
        const id = pick(rand, products);
        const shopper = pick(rand, shoppers);
        await tx(null, null, (c) =>
          c.query(
            `insert into public.messages (sender_id, recipient_id, product_id, body)
             select $1, seller_id, id, 'Is it still available?' from public.products where id = $2`,
            [shopper, id],
          ),
        );
        await tx(null, null, async (c) => {
          await actAsOwner(c, id);
          await c.query("select * from public.update_product($1, p_status => 'sold', p_buyer_id => $2)", [id, shopper]);
        });
      },
    ],
    // The named buyer answers: mostly "Not me" (the sale leaves the boards at once), sometimes confirm.
    [
      5,
      () =>
        tx(null, null, async (c) => {
          const { rows } = await c.query(
            "select product_id, buyer_id from public.sales where undone_at is null and buyer_id is not null and buyer_response is null order by random() limit 1",
          );
          if (!rows[0]) return;
          await setRole(c, "authenticated", rows[0].buyer_id);
          await c.query("select * from public.respond_to_sale($1, $2)", [
            rows[0].product_id,
            pick(rand, ["not_me", "not_me", "confirm"]),
          ]);
        }),
    ],
    // Move a product to another seller.
    [
      5,
      () =>
        tx(null, null, (c) =>
          c.query("update public.products set seller_id = $2 where id = $1", [
            pick(rand, products),
            pick(rand, sellers),
          ]),
        ),
    ],
    // Views: signed-in viewers, anonymous sessions through the server, hot seller traffic.
    [
      14,
      () =>
        tx("service_role", null, (c) =>
          c.query("select public.record_product_view($1, p_user_id => $2)", [
            pick(rand, products),
            pick(rand, viewers),
          ]),
        ),
    ],
    [
      14,
      () =>
        tx("service_role", null, (c) =>
          c.query("select public.record_product_view($1, $2, array[gen_random_uuid()::text])", [
            pick(rand, products),
            pick(rand, sessions),
          ]),
        ),
    ],
    [
      10,
      () =>
        tx("service_role", null, (c) =>
          c.query(
            "select public.record_product_view(id, $2, array[gen_random_uuid()::text]) from public.products where seller_id = $1 and status = 'active' order by random() limit 1",
            [sellers[0], randomUUID()],
          ),
        ),
    ],
    // Past views inserted directly (superuser), one or several per statement.
    [
      8,
      () =>
        tx(null, null, (c) =>
          c.query(
            `insert into public.product_views (product_id, session_id, viewed_at)
           select $1, gen_random_uuid(), t from unnest($2::timestamptz[]) t on conflict do nothing`,
            [pick(rand, products), Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pastInstant(rand))],
          ),
        ),
    ],
    // View deletes, single and several.
    [
      6,
      () =>
        tx(null, null, (c) =>
          c.query(
            "delete from public.product_views where id in (select id from public.product_views where product_id = $1 order by random() limit $2)",
            [pick(rand, products), 1 + Math.floor(rand() * 2)],
          ),
        ),
    ],
    // Sometimes a seller account is deleted (and a new seller signs up), while transactions that began
    // earlier keep selling, viewing, moving and deleting their products, and listing or moving products to
    // them (those then fail with 23503, or are deleted with the seller).
    [
      1,
      async () => {
        if (sellerDeletions >= 6 || rand() < 0.5) return;
        sellerDeletions++;
        const victim = sellers[1 + Math.floor(rand() * (sellers.length - 1))];
        const successor = await createUser(pool, `Inv seller new ${sellerDeletions}`);
        sellers.splice(sellers.indexOf(victim), 1, successor);
        await tx(null, null, (c) => c.query("delete from auth.users where id = $1", [victim]));
      },
    ],
  ];
  const started = Date.now();
  // Beside the writers, the rank folder (as the app runs it, in small batches) and readers of ranks: a fold
  // never waits for a writer, and every rank read in the middle of it all is exact (one snapshot).
  let writing = true;
  const rankChecks: unknown[][] = [];
  let folds = 0;
  const folderRand = seededRandom(SEED + 1000);
  const folder = (async () => {
    while (writing) {
      try {
        const [fold] = await Promise.all([
          db.pool.query<{ n: number }>("select public.fold_leaderboard_ranks(25) as n"),
          folderRand() < 0.2 ? rankOfDrift(db.pool).then((rows) => rankChecks.push(rows)) : null,
        ]);
        folds += fold.rows[0].n;
      } catch (error) {
        stats.unexpected.push(`rank fold or read: ${(error as Error).message}`);
      }
    }
  })();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, connection) => {
      // One stream per connection, so each connection's choices replay whatever the interleaving.
      const connectionRand = seededRandom(SEED + 1 + connection);
      const operations = operationsFor(connectionRand);
      const totalWeight = operations.reduce((n, [w]) => n + w, 0);
      for (let i = 0; i < OPERATIONS_PER_CONNECTION; i++) {
        let r = connectionRand() * totalWeight;
        const op = operations.find(([w]) => (r -= w) < 0)?.[1] ?? operations[0][1];
        await op();
      }
    }),
  );
  writing = false;
  await folder;
  const seconds = (Date.now() - started) / 1000;
  const ranksUnfolded = await rankOfDrift(db.pool);
  await foldAll(db.pool);
  const ranksFolded = await rankOfDrift(db.pool);
  const rankCounts = await rankCountsDrift(db.pool);

  const drift = await db.pool.query("select * from public.seller_leaderboard_drift()");
  // An independent recomputation: every (seller, UTC month) and all-time (0/0) with a sale or a view.
  const expected = await db.pool.query(
    `with events as (
         select seller_id, sold_at as at, 1 as sold, 0 as viewed from public.sales
          where ranks and undone_at is null and buyer_response is distinct from 'not_me'
         union all
         select p.seller_id, v.viewed_at, 0, 1 from public.product_views v join public.products p on p.id = v.product_id
       ), monthly as (
         select seller_id::text as seller_id, to_char(at at time zone 'UTC', 'YYYY')::int as year,
                to_char(at at time zone 'UTC', 'MM')::int as month, sum(sold)::int as items_sold, sum(viewed)::int as total_views
           from events group by 1, 2, 3
       )
       select * from monthly
       union all
       select seller_id, 0, 0, sum(items_sold)::int, sum(total_views)::int from monthly group by seller_id
       order by 1, 2, 3`,
  );
  const cache = await db.pool.query(
    `select seller_id::text, year, month, sum(items_sold)::int as items_sold, sum(total_views)::int as total_views
         from (select seller_id, year, month, items_sold, 0 as total_views from public.seller_sales_counts
               union all select seller_id, year, month, 0, total_views from public.seller_view_counts) c
        group by 1, 2, 3 having sum(items_sold) <> 0 or sum(total_views) <> 0
        order by 1, 2, 3`,
  );
  const view = await db.pool.query(
    `select seller_id::text, year, month, items_sold, total_views from public.seller_leaderboard_cache order by 1, 2, 3`,
  );
  const negative = await db.pool.query(
    `select (select count(*) from public.seller_sales_counts where items_sold < 0)
            + (select count(*) from public.seller_view_counts where total_views < 0) as n`,
  );
  const overCap = await db.pool.query(
    `select buyer_id, cap_seller_id, cap_month, count(*)::int from public.sales
      where ranks and buyer_id is not null group by 1, 2, 3 having count(*) > 3`,
  );
  const capViolations = await db.pool.query("select * from public.sales_cap_violations()");
  const figures = await db.pool.query(
    `select (select count(*) from public.products where status = 'sold')::int as sold,
              (select count(*) from public.sales where buyer_id is not null and ranks)::int as ranked_with_buyer,
              (select count(*) from public.sales where buyer_response = 'not_me')::int as disputed,
              (select count(*) from public.sales where buyer_id is not null and not ranks)::int as over_cap_or_free,
              (select count(*) from public.product_views)::int as views`,
  );
  console.info(
    `invariant: ${CONNECTIONS} connections, ${CONNECTIONS * OPERATIONS_PER_CONNECTION} operations in ${seconds.toFixed(1)}s; ` +
      `${stats.committed} committed, ${stats.expectedErrors} expected errors (concurrent deletes), ` +
      `${stats.serializationRetries} serialization retries, ${stats.deadlocks} deadlocks; ` +
      `${refused} refused by the sales rule; ${figures.rows[0].ranked_with_buyer} ranked sales with a buyer, ` +
      `${figures.rows[0].disputed} disputed, ${figures.rows[0].over_cap_or_free} with a buyer not ranked; ` +
      `${figures.rows[0].sold} sold products, ${figures.rows[0].views} views, ` +
      `${expected.rows.length} cache rows, ${sellerDeletions} sellers deleted; SEED=${SEED}`,
  );

  expect(stats.unexpected).toEqual([]);
  expect(stats.deadlocks).toBe(0);
  expect(folds).toBeGreaterThan(0);
  expect(rankChecks.flat()).toEqual([]);
  expect(ranksUnfolded).toEqual([]);
  expect(ranksFolded).toEqual([]);
  expect(rankCounts).toEqual([]);
  expect(stats.committed).toBeGreaterThan(CONNECTIONS * OPERATIONS_PER_CONNECTION * 0.8);
  expect(drift.rows).toEqual([]);
  expect(overCap.rows).toEqual([]);
  expect(capViolations.rows).toEqual([]);
  expect(refused).toBeGreaterThan(0);
  expect(figures.rows[0].ranked_with_buyer).toBeGreaterThan(0);
  expect(figures.rows[0].disputed).toBeGreaterThan(0);
  expect(cache.rows).toEqual(expected.rows);
  expect(view.rows).toEqual(expected.rows.filter((r) => r.month > 0));
  expect(Number(negative.rows[0].n)).toBe(0);
  // A product's figure and its day counters agree with product_views.
  const productDrift = await db.pool.query(
    `select p.id from public.products p
      where coalesce((select views from public.product_view_totals t where t.product_id = p.id), 0)
            <> (select count(*) from public.product_views v where v.product_id = p.id)
         or coalesce((select sum(views) from public.product_view_days d where d.product_id = p.id), 0)
            <> (select count(*) from public.product_views v where v.product_id = p.id)`,
  );
  expect(productDrift.rows).toEqual([]);
  const orphanCounters = await db.pool.query(
    `select product_id from public.product_view_days d where not exists (select from public.products p where p.id = d.product_id)
     union all
     select product_id from public.product_view_totals t where not exists (select from public.products p where p.id = t.product_id)`,
  );
  expect(orphanCounters.rows).toEqual([]);
  expect(expected.rows.length).toBeGreaterThan(20);
});
