/**
 * Shared arrangements for the database and route tests (not a test file itself).
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { expect } from "vitest";
import { asRole, createUser } from "../helpers/db";

export type Status = "active" | "sold" | "draft";

/**
 * Inserts a product as the superuser (a privileged writer: an explicit sold_at is kept). `createdAt`
 * dates both created_at and updated_at (a product listed then and not edited since).
 */
export async function insertProduct(
  pool: pg.Pool | pg.PoolClient,
  sellerId: string,
  options: { status?: Status; soldAt?: string | null; price?: number; title?: string; createdAt?: string } = {},
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into public.products (seller_id, title, price, status, sold_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), coalesce($6::timestamptz, now())) returning id`,
    [
      sellerId,
      options.title ?? "Item",
      options.price ?? 10,
      options.status ?? "active",
      options.soldAt ?? null,
      options.createdAt ?? null,
    ],
  );
  return rows[0].id;
}

/** Inserts a counted view directly (superuser), at an explicit time. */
export async function insertView(
  pool: pg.Pool | pg.PoolClient,
  productId: string,
  viewedAt: string | null = null,
  viewer: { userId?: string; sessionId?: string } = {},
): Promise<void> {
  const session = viewer.userId ? null : (viewer.sessionId ?? randomUUID());
  await pool.query(
    `insert into public.product_views (product_id, user_id, session_id, viewed_at)
     values ($1, $2, $3, coalesce($4::timestamptz, now()))`,
    [productId, viewer.userId ?? null, session, viewedAt],
  );
}

export interface Figures {
  items_sold: number;
  total_views: number;
}

/** The cache's figures for one seller and period (year/month 0 = all-time), zeros when absent. */
export async function cached(pool: pg.Pool, sellerId: string, year: number, month: number): Promise<Figures> {
  const { rows } = await pool.query<Figures>(
    `select coalesce((select items_sold from public.seller_sales_counts
                       where seller_id = $1 and year = $2 and month = $3), 0)::int as items_sold,
            coalesce((select sum(total_views) from public.seller_view_counts
                       where seller_id = $1 and year = $2 and month = $3), 0)::int as total_views`,
    [sellerId, year, month],
  );
  return rows[0];
}

/** The public view's row for a month, or zeros. */
export async function cacheView(pool: pg.Pool, sellerId: string, year: number, month: number): Promise<Figures> {
  const { rows } = await pool.query<Figures>(
    `select items_sold, total_views from public.seller_leaderboard_cache where seller_id = $1 and year = $2 and month = $3`,
    [sellerId, year, month],
  );
  return rows[0] ?? { items_sold: 0, total_views: 0 };
}

export async function expectNoDrift(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query("select * from public.seller_leaderboard_drift()");
  expect(rows).toEqual([]);
}

/** The current UTC year and month, as the database sees them. */
export async function currentMonth(pool: pg.Pool): Promise<{ year: number; month: number }> {
  const { rows } = await pool.query<{ year: number; month: number }>(
    `select extract(year from now() at time zone 'UTC')::int as year, extract(month from now() at time zone 'UTC')::int as month`,
  );
  return rows[0];
}

/** An instant in a past month, 15 days after its first day (UTC), `monthsAgo` months before now. */
export async function pastMonth(
  pool: pg.Pool,
  monthsAgo: number,
): Promise<{ year: number; month: number; at: string }> {
  const { rows } = await pool.query<{ year: number; month: number; at: Date }>(
    `select extract(year from d)::int as year, extract(month from d)::int as month,
            ((d + interval '14 days 12 hours') at time zone 'UTC') as at
       from (select date_trunc('month', now() at time zone 'UTC') - make_interval(months => $1) as d) s`,
    [monthsAgo],
  );
  return { year: rows[0].year, month: rows[0].month, at: rows[0].at.toISOString() };
}

/**
 * Creates sellers with the given figures in one month (sold products and counted views, written in bulk
 * through the normal triggers); returns their ids in the order given.
 */
export async function seedBoard(
  pool: pg.Pool,
  at: string,
  sellers: { name: string; sold: number; views: number }[],
): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `with s as (
       select gen_random_uuid() as id, x.name, x.ord
         from unnest($1::text[]) with ordinality x (name, ord)
     ), ins as (
       insert into auth.users (id, email, raw_user_meta_data)
       select id, id || '@example.test', jsonb_build_object('display_name', name) from s
     )
     select id from s order by ord`,
    [sellers.map((s) => s.name)],
  );
  const ids = rows.map((row) => row.id);
  await pool.query(
    `insert into public.products (seller_id, title, price, status, sold_at)
     select x.id, 'Sold ' || g, 10, 'sold', $3::timestamptz
       from unnest($1::uuid[], $2::int[]) x (id, n) cross join lateral generate_series(1, x.n) g`,
    [ids, sellers.map((s) => s.sold), at],
  );
  await pool.query(
    `with listed as (
       insert into public.products (seller_id, title, price, status)
       select x.id, 'Viewed', 10, 'active' from unnest($1::uuid[], $2::int[]) x (id, n) where x.n > 0
       returning id, seller_id
     )
     insert into public.product_views (product_id, session_id, viewed_at)
     select l.id, gen_random_uuid(), $3::timestamptz
       from listed l join unnest($1::uuid[], $2::int[]) x (id, n) on x.id = l.seller_id
      cross join lateral generate_series(1, x.n) g`,
    [ids, sellers.map((s) => s.views), at],
  );
  return ids;
}

export interface RankedRow {
  rank: number;
  seller_id: string;
  display_name: string;
  items_sold: number;
  total_views: number;
}

/**
 * The oracle: a board computed by a window function over seller_leaderboard_cache (all time: the sum of
 * the months), in the contract's order, excluded sellers left out.
 */
export async function oracleBoard(
  pool: pg.Pool,
  metric: "sales" | "views",
  period: { year: number; month: number } | "all",
): Promise<RankedRow[]> {
  const figure = metric === "sales" ? "f.items_sold" : "f.total_views";
  const other = metric === "sales" ? "f.total_views" : "f.items_sold";
  const { rows } = await pool.query<RankedRow>(
    `with f as (
       select c.seller_id, sum(c.items_sold)::int as items_sold, sum(c.total_views)::int as total_views
         from public.seller_leaderboard_cache c
        where ($1::int is null or (c.year = $1 and c.month = $2))
        group by c.seller_id
     )
     select (rank() over (order by ${figure} desc))::int as rank, f.seller_id, u.display_name, f.items_sold, f.total_views
       from f join public.users u on u.id = f.seller_id
      where ${figure} > 0
        and not exists (select from public.seller_exclusions x where x.seller_id = f.seller_id and x.included_at is null)
      order by ${figure} desc, ${other} desc, u.display_name, f.seller_id`,
    period === "all" ? [null, null] : [period.year, period.month],
  );
  return rows;
}

/** Writes to the seller about the product, as a shopper would before buying (superuser insert). */
export async function askAbout(pool: pg.Pool, shopperId: string, sellerId: string, productId: string): Promise<void> {
  await pool.query(
    "insert into public.messages (sender_id, recipient_id, product_id, body) values ($1, $2, $3, 'Is it still available?')",
    [shopperId, sellerId, productId],
  );
}

/**
 * A ranked sale as the app makes it: a shopper (a new one unless given) writes about the product, then
 * the seller marks it sold naming them (update_product as authenticated, committed). Returns the buyer.
 */
export async function sellToBuyer(pool: pg.Pool, sellerId: string, productId: string, buyerId?: string) {
  const buyer = buyerId ?? (await createUser(pool, "Buyer"));
  await askAbout(pool, buyer, sellerId, productId);
  await asRole(
    pool,
    "authenticated",
    sellerId,
    (c) => c.query("select * from public.update_product($1, p_status => 'sold', p_buyer_id => $2)", [productId, buyer]),
    { commit: true },
  );
  return buyer;
}

/**
 * The rank counts against a recount (empty when they agree): per board and bucket, the folded counts
 * (private.leaderboard_rank_counts) and the counter rows folded into that bucket (ranked_bucket).
 */
export async function rankCountsDrift(pool: pg.Pool): Promise<unknown[]> {
  const { rows } = await pool.query(
    `with folded as (
       select metric, year, month, bucket, sum(sellers)::int as n from private.leaderboard_rank_counts group by 1, 2, 3, 4
     ), recount as (
       select metric, year, month, ranked_bucket as bucket, count(*)::int as n
         from private.leaderboard_rank_rows where ranked_bucket > 0 group by 1, 2, 3, 4
     )
     select * from folded f full join recount r using (metric, year, month, bucket)
      where coalesce(f.n, 0) <> coalesce(r.n, 0)`,
  );
  return rows;
}

/**
 * private.leaderboard_rank_of against a count over the counters (empty when they agree), for every figure
 * a board holds, one above and one below each, and 0, on every board (period) the counters hold.
 */
export async function rankOfDrift(pool: pg.Pool): Promise<unknown[]> {
  const { rows } = await pool.query(
    `with boards as (select distinct metric, year, month from private.leaderboard_rank_rows),
     figures as (
       select distinct b.metric, b.year, b.month, greatest(r.figure + d, 0) as figure
         from boards b join private.leaderboard_rank_rows r using (metric, year, month), (values (-1), (0), (1)) d(d)
       union select metric, year, month, 0 from boards
     ),
     listed as (
       select r.* from private.leaderboard_rank_rows r
        where not exists (select from private.excluded_sellers x where x.seller_id = r.seller_id)
     )
     select f.*, k.ahead, k.tied, o.ahead as want_ahead, o.tied as want_tied
       from figures f
      cross join lateral private.leaderboard_rank_of(f.metric, f.year, f.month, f.figure) k
      cross join lateral (
        select count(*) filter (where l.figure > f.figure)::int as ahead, count(*) filter (where l.figure = f.figure)::int as tied
          from listed l where l.metric = f.metric and l.year = f.year and l.month = f.month
      ) o
      where k.ahead <> o.ahead or (f.figure > 0 and k.tied <> o.tied)`,
  );
  return rows;
}

/** Folds every changed counter row into the rank counts, as the app's folder does (p_limit rows at a time). */
export async function foldAll(pool: pg.Pool, limit = 2000): Promise<void> {
  while ((await pool.query<{ n: number }>("select public.fold_leaderboard_ranks($1) as n", [limit])).rows[0].n > 0);
}

/** How many counter rows changed bucket since the last fold (what the next fold moves). */
export async function unfoldedRows(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "select count(*)::int as n from private.leaderboard_rank_rows where rank_bucket <> ranked_bucket",
  );
  return rows[0].n;
}

/** mulberry32: a small seeded PRNG (32-bit state), enough to replay a run's choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
