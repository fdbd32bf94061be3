/**
 * read: top-10 by sales and by views, month and all time, with 24 months of heavy-tailed history, at each
 * seller count of BENCH_SELLERS. p50/p99 from Node (round trip included) of
 *   project   the read function as a bare `select`, and through the rpc() seam's postgres transport;
 *   seed      the seed design's read (its cache has no all-time rows: all time is a sum over the months);
 *   recompute counting from products/product_views (BENCH_VIEWS views), at the largest size only.
 * And, on the first server at the largest size, get_trending_products(7, 10) over the same BENCH_VIEWS views
 * (copied into public, with the per-product day counters the function reads): p50/p99 and the plan of the query inside it, from
 * auto_explain (EXPLAIN ANALYZE, BUFFERS of nested statements).
 * On each server (the embedded build and a standard build with JIT): the data is generated on both at once,
 * the reads are measured on one server at a time.
 */
import type pg from "pg";
import { callPostgres, closePools } from "../../lib/db/postgres";
import { ANON } from "../../lib/db/types";
import { connect, median, options, percentile, progress } from "./common";
import { addSellers, createDesigns } from "./designs";

export interface ReadRow {
  size: number;
  query: string;
  design: "project" | "project rpc()" | "seed" | "recompute";
  p50: number;
  p99: number;
}

/** get_trending_products at the largest size: what the window holds, p50/p99 and the plan auto_explain logged. */
export interface TrendingResult {
  server: string;
  call: string;
  sellers: number;
  views: number;
  /** Views in the function's window (the last 7 days), and the products and active products they are of. */
  windowViews: number;
  windowProducts: number;
  windowActiveProducts: number;
  p50: number;
  p99: number;
  /** The plan (EXPLAIN ANALYZE, BUFFERS) of the query inside the function; null where auto_explain is missing. */
  plan: string | null;
  planNote?: string;
}

const TRENDING_CALL = "select * from public.get_trending_products(7, 10)";

/** How long one query is sampled per round (a slow query still runs once). */
const SAMPLE_BUDGET_MS = 500;
const MIN_RUNS_PER_ROUND = 10;

const QUERIES = ["sales, month", "sales, all time", "views, month", "views, all time"] as const;
type Query = (typeof QUERIES)[number];

/**
 * Bulk-loads generated rows (valid by construction) into `tables`: without the per-row foreign key
 * triggers (session_replication_role = replica), and with the secondary indexes built once afterwards
 * (a sort) instead of one entry per row. Indexes that back a constraint stay.
 */
async function bulkLoad(db: pg.Client, tables: string[], load: () => Promise<void>): Promise<void> {
  const { rows: indexes } = await db.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
      where i.indrelid = any($1::regclass[])
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [tables],
  );
  await db.query(`set session_replication_role = replica`);
  try {
    for (const index of indexes) await db.query(`drop index ${index.name}`);
    await load();
    for (const index of indexes) await db.query(index.def);
  } finally {
    await db.query(`reset session_replication_role`);
  }
}

/** Fills every design's figures for `sellers` (new sellers only): a seller is active in about a third of the
 * months, with heavy-tailed figures (most sell a few items, a few sell hundreds). */
async function addHistory(db: pg.Client, sellers: string[], months: { year: number; month: number }[]): Promise<void> {
  await db.query(`create temp table if not exists figures (seller_id uuid, year int, month int, sold int, views int)`);
  await db.query(`truncate figures`);
  await db.query(
    `insert into figures
     select s, m.year, m.month, floor(random() ^ 6 * 400)::int, floor(random() ^ 6 * 40000)::int
       from unnest($1::uuid[]) s, jsonb_to_recordset($2::jsonb) m(year int, month int)
      where random() < 0.3`,
    [sellers, JSON.stringify(months)],
  );
  // Project: months and the all-time row (year 0, month 0), as the triggers keep them.
  const tables = ["public.seller_sales_counts", "public.seller_view_counts", "seed_design.seller_leaderboard_cache"];
  await bulkLoad(db, tables, async () => {
    await db.query(
      `insert into public.seller_sales_counts (seller_id, year, month, items_sold)
       select seller_id, year, month, sold from figures where sold > 0
       union all select seller_id, 0, 0, sum(sold) from figures group by seller_id having sum(sold) > 0`,
    );
    await db.query(
      `insert into public.seller_view_counts (seller_id, year, month, total_views)
       select seller_id, year, month, views from figures where views > 0
       union all select seller_id, 0, 0, sum(views) from figures group by seller_id having sum(views) > 0`,
    );
    await db.query(
      `insert into seed_design.seller_leaderboard_cache (seller_id, year, month, items_sold, total_views)
       select seller_id, year, month, sold, views from figures where sold > 0 or views > 0`,
    );
  });
}

/** The recompute reference: two products per seller, some sold in the 24 months, and `views` views. */
async function addSourceRows(db: pg.Client, sellers: string[], views: number, months: number): Promise<void> {
  await db.query(`truncate bench_plain.products cascade`);
  await bulkLoad(db, ["bench_plain.products", "bench_plain.product_views"], async () => {
    await db.query(
      `insert into bench_plain.products (seller_id, title, price, status, created_at, sold_at)
       select s, 'Item', 10, case when sold then 'sold' else 'active' end, now() - make_interval(months => $2),
              case when sold then now() - random() * make_interval(months => $2 - 1) end
         -- random() in the select list of this subquery: drawn per product (an uncorrelated lateral would be drawn once)
         from (select s, random() < 0.4 as sold from unnest($1::uuid[]) s, generate_series(1, 2) g offset 0) x`,
      [sellers, months],
    );
    await db.query(`create temp table if not exists product_ids (n integer primary key, id uuid)`);
    await db.query(`truncate product_ids`);
    await db.query(
      `insert into product_ids select row_number() over (order by random()), id from bench_plain.products`,
    );
    await db.query(`analyze product_ids`);
    // Heavy-tailed: product n is drawn with probability falling like n^-2/3. The draw is materialized first
    // (a volatile expression inside the join condition would make it a nested loop over both sides).
    await db.query(
      `with draws as materialized (
         select 1 + floor(random() ^ 3 * (select count(*) from product_ids))::int as n,
                now() - random() * make_interval(months => $2 - 1) as viewed_at
           from generate_series(1, $1))
       insert into bench_plain.product_views (product_id, session_id, viewed_at)
       select p.id, gen_random_uuid(), d.viewed_at from draws d join product_ids p using (n)`,
      [views, months],
    );
  });
}

function sqlFor(design: "project" | "seed" | "recompute", query: Query, year: number, month: number): string {
  const metric = query.startsWith("sales") ? "sales" : "views";
  const all = query.endsWith("all time");
  if (design === "project") {
    return all
      ? `select * from public.get_top_sellers_by_${metric}('all', null, null, 10)`
      : `select * from public.get_top_sellers_by_${metric}('month', ${year}, ${month}, 10)`;
  }
  const order = metric === "sales" ? "items_sold desc, total_views desc" : "total_views desc, items_sold desc";
  if (design === "seed") {
    return all
      ? `select c.seller_id, u.display_name, sum(c.items_sold) as items_sold, sum(c.total_views) as total_views
           from seed_design.seller_leaderboard_cache c join public.users u on u.id = c.seller_id
          group by c.seller_id, u.display_name order by ${order} limit 10`
      : `select c.seller_id, u.display_name, c.items_sold, c.total_views
           from seed_design.seller_leaderboard_cache c join public.users u on u.id = c.seller_id
          where c.month = ${month} and c.year = ${year} and c.${metric === "sales" ? "items_sold" : "total_views"} > 0
          order by ${order} limit 10`;
  }
  const range = `'${year}-${String(month).padStart(2, "0")}-01 00:00 UTC'::timestamptz`;
  if (metric === "sales") {
    return `select p.seller_id, count(*) as items_sold from bench_plain.products p
             where p.sold_at is not null ${all ? "" : `and p.sold_at >= ${range} and p.sold_at < ${range} + interval '1 month'`}
             group by p.seller_id order by 2 desc limit 10`;
  }
  return `select p.seller_id, count(*) as total_views from bench_plain.product_views v join bench_plain.products p on p.id = v.product_id
           ${all ? "" : `where v.viewed_at >= ${range} and v.viewed_at < ${range} + interval '1 month'`}
           group by p.seller_id order by 2 desc limit 10`;
}

/**
 * p50 and p99 of one query over its rounds: the median of each round's figure when every round has enough
 * runs to have one (MIN_RUNS_PER_ROUND); else (a query slower than the budget runs only once or twice a
 * round: the seed design's all-time read, a recompute) over all rounds' runs together.
 */
function latencyFigures(rounds: number[][]): { p50: number; p99: number } {
  if (rounds.every((t) => t.length >= MIN_RUNS_PER_ROUND))
    return {
      p50: median(rounds.map((t) => percentile(t, 50))),
      p99: median(rounds.map((t) => percentile(t, 99))),
    };
  const all = rounds.flat();
  return { p50: percentile(all, 50), p99: percentile(all, 99) };
}

/**
 * Latencies (ms) of one query: up to `runs` runs within SAMPLE_BUDGET_MS, at least one; in the first round
 * (`warmUp`) after up to 3 warm-ups (fewer for a slow query: a recompute takes about a second).
 */
async function sample(call: () => Promise<unknown>, runs: number, warmUp: boolean): Promise<number[]> {
  const warm = performance.now();
  for (let i = 0; warmUp && i < 3 && performance.now() - warm < 300; i++) await call();
  const times: number[] = [];
  const deadline = performance.now() + SAMPLE_BUDGET_MS;
  while (times.length < runs && (times.length === 0 || performance.now() < deadline)) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  return times;
}

/** One server of the read measurement: its database, its sellers so far and its results. */
interface ReadTarget {
  url: string;
  label: string;
  /** Measured at the largest size only (its data still grows size by size). */
  largestOnly?: boolean;
  db: pg.Client;
  /** Whether the server runs JIT (the setting is on and the build has it). */
  jit: boolean;
  sellers: string[];
  rows: ReadRow[];
  jitOn?: ReadRow[];
  /** The server get_trending_products is measured on (the first one). */
  trending?: boolean;
  trendingResult?: TrendingResult;
}

/**
 * The read measurement on every given server (the embedded build, a standard build with JIT). Each size's
 * data is generated on all servers at once (every generation is one busy backend, so two servers use two
 * cores), then each server is measured alone.
 */
export async function measureRead(
  servers: { url: string; label: string; largestOnly?: boolean }[],
): Promise<{ jit: boolean; rows: ReadRow[]; jitOn?: ReadRow[]; trending?: TrendingResult }[]> {
  const now = new Date();
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  const months = Array.from({ length: options.months }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 - i, 1));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
  });
  const targets: ReadTarget[] = [];
  try {
    for (const server of servers) {
      const db = await connect(server.url);
      const jit = (await db.query("select current_setting('jit') = 'on' and pg_catalog.pg_jit_available() as on"))
        .rows[0].on as boolean;
      targets.push({ ...server, db, jit, sellers: [], rows: [], trending: targets.length === 0 });
    }
    await Promise.all(targets.map((t) => createDesigns(t.db)));
    const sizes = [...options.sellers].sort((a, b) => a - b);
    const labels = targets.map((t) => t.label).join(" and ");
    for (const size of sizes) {
      const largest = size === sizes[sizes.length - 1];
      progress(`read (${labels}): ${size.toLocaleString("en")} sellers x ${options.months} months of history`);
      if (largest) progress(`read: and ${options.views.toLocaleString("en")} source views for the recompute reference`);
      await Promise.all(targets.map((t) => fillTo(t, size, largest, months)));
      for (const target of targets)
        if (largest || !target.largestOnly) await measureSize(target, size, largest, year, month);
    }
  } finally {
    await Promise.all(targets.map((t) => t.db.end()));
    await closePools();
  }
  return targets.map(({ jit, rows, jitOn, trendingResult }) => ({ jit, rows, jitOn, trending: trendingResult }));
}

/** Grows a server's data to `size` sellers (and, at the largest size, the recompute reference's rows). */
async function fillTo(
  target: ReadTarget,
  size: number,
  largest: boolean,
  months: { year: number; month: number }[],
): Promise<void> {
  const added = await addSellers(target.db, size - target.sellers.length, "reader");
  target.sellers.push(...added);
  progress(`read (${target.label}): sellers added, their history next`);
  await addHistory(target.db, added, months);
  if (largest) {
    progress(`read (${target.label}): history added, the source views next`);
    await addSourceRows(target.db, target.sellers, options.views, options.months);
    if (target.trending) await copySourceRowsToPublic(target.db);
  }
  progress(`read (${target.label}): vacuum analyze`);
  await target.db.query("vacuum analyze");
}

async function measureSize(target: ReadTarget, size: number, largest: boolean, year: number, month: number) {
  const { db, url } = target;
  const runs = options.quick ? 30 : 200;
  const samples = new Map<string, number[][]>();
  const keep = (design: ReadRow["design"], query: Query, times: number[]) => {
    const key = `${design}|${query}`;
    samples.set(key, [...(samples.get(key) ?? []), times]);
  };
  for (let round = 1; round <= options.rounds; round++) {
    progress(`read (${target.label}) ${size.toLocaleString("en")} sellers, round ${round}/${options.rounds}`);
    const warmUp = round === 1;
    for (const query of QUERIES) {
      const metric = query.startsWith("sales") ? "sales" : "views";
      const all = query.endsWith("all time");
      keep("project", query, await sample(() => db.query(sqlFor("project", query, year, month)), runs, warmUp));
      keep(
        "project rpc()",
        query,
        await sample(
          () =>
            callPostgres(
              url,
              metric === "sales" ? "get_top_sellers_by_sales" : "get_top_sellers_by_views",
              all ? { p_period: "all", p_limit: 10 } : { p_period: "month", p_year: year, p_month: month, p_limit: 10 },
              ANON,
            ),
          runs,
          warmUp,
        ),
      );
      keep("seed", query, await sample(() => db.query(sqlFor("seed", query, year, month)), runs, warmUp));
      if (largest)
        keep("recompute", query, await sample(() => db.query(sqlFor("recompute", query, year, month)), runs, warmUp));
    }
  }
  for (const [key, rounds] of samples) {
    const [design, query] = key.split("|") as [ReadRow["design"], Query];
    target.rows.push({
      size,
      query,
      design,
      ...latencyFigures(rounds),
    });
  }
  if (largest && target.jit) {
    target.jitOn = await withoutJitSetting(db, year, month, size, runs);
  }
  if (largest && target.trending) target.trendingResult = await measureTrending(target, size, runs);
}

/**
 * get_trending_products reads public: the recompute reference's products and views, copied there (bulk, no
 * triggers: the leaderboard counters are the generated history's, which the trending read never touches).
 */
async function copySourceRowsToPublic(db: pg.Client): Promise<void> {
  progress("read: the source views into public too, for get_trending_products");
  await bulkLoad(db, ["public.products", "public.product_views"], async () => {
    await db.query(
      `insert into public.products (id, seller_id, title, description, price, status, created_at, updated_at, sold_at)
       select id, seller_id, title, description, price, status, created_at, updated_at, sold_at from bench_plain.products`,
    );
    await db.query(
      `insert into public.product_views (product_id, session_id, viewed_at)
       select product_id, session_id, viewed_at from bench_plain.product_views`,
    );
  });
  // The per-product counters the triggers would have kept (the bulk load ran without them).
  await db.query(
    `insert into public.product_view_days (product_id, day, views, last_viewed_at)
     select product_id, (viewed_at at time zone 'UTC')::date, count(*), max(viewed_at) from public.product_views group by 1, 2`,
  );
  await db.query(
    `insert into public.product_view_totals (product_id, views)
     select product_id, count(*) from public.product_views group by 1`,
  );
  await db.query("analyze public.product_view_days, public.product_view_totals");
}

/**
 * The plan of the query inside get_trending_products, called as a client calls it: auto_explain logs nested
 * statements with EXPLAIN ANALYZE and BUFFERS, sent to this session as notices. Null (and why) where the
 * server cannot load auto_explain.
 */
async function trendingPlan(url: string): Promise<{ plan: string | null; note?: string }> {
  const db = await connect(url);
  const notices: string[] = [];
  db.on("notice", (n) => notices.push(n.message ?? ""));
  try {
    try {
      await db.query("load 'auto_explain'");
    } catch (error) {
      return { plan: null, note: `auto_explain could not be loaded: ${(error as Error).message}` };
    }
    await db.query(
      `set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;
       set auto_explain.log_analyze = on; set auto_explain.log_buffers = on; set auto_explain.log_level = notice;
       set client_min_messages = notice`,
    );
    await db.query(TRENDING_CALL);
    // The nested statements are the argument checks and the query itself (the one reading the day counters).
    const plan = notices.find((n) => n.includes("product_view_days") && !n.includes("get_trending_products("));
    return plan
      ? { plan: plan.replace(/^duration: [\d.]+ ms\s+plan:\n/, "") }
      : { plan: null, note: `auto_explain logged no plan of the inner query (${notices.length} notices)` };
  } finally {
    await db.end();
  }
}

async function measureTrending(target: ReadTarget, size: number, runs: number): Promise<TrendingResult> {
  const { db, url } = target;
  progress(`read (${target.label}): get_trending_products(7, 10)`);
  const window = (
    await db.query<{ views: number; in_window: number; products: number; active: number }>(
      `select count(*)::int as views,
              count(*) filter (where v.viewed_at > now() - interval '7 days')::int as in_window,
              count(distinct v.product_id) filter (where v.viewed_at > now() - interval '7 days')::int as products,
              count(distinct v.product_id) filter (where v.viewed_at > now() - interval '7 days' and p.status = 'active')::int as active
         from public.product_views v join public.products p on p.id = v.product_id`,
    )
  ).rows[0];
  const rounds: number[][] = [];
  for (let round = 0; round < options.rounds; round++)
    rounds.push(await sample(() => db.query(TRENDING_CALL), runs, round === 0));
  const { plan, note } = await trendingPlan(url);
  return {
    server: target.label,
    call: TRENDING_CALL,
    sellers: size,
    views: window.views,
    windowViews: window.in_window,
    windowProducts: window.products,
    windowActiveProducts: window.active,
    ...latencyFigures(rounds),
    plan,
    ...(note ? { planNote: note } : {}),
  };
}

/** Where the server has JIT: the month reads with jit left on (before `set jit = off` was added to them), for the record. */
async function withoutJitSetting(
  db: pg.Client,
  year: number,
  month: number,
  size: number,
  runs: number,
): Promise<ReadRow[]> {
  const functions = [
    "get_top_sellers_by_sales(text,integer,integer,integer)",
    "get_top_sellers_by_views(text,integer,integer,integer)",
  ];
  const rows: ReadRow[] = [];
  try {
    for (const f of functions) await db.query(`alter function public.${f} reset jit`);
    for (const query of ["sales, month", "views, month"] as const) {
      const rounds: number[][] = [];
      for (let round = 0; round < options.rounds; round++)
        rounds.push(await sample(() => db.query(sqlFor("project", query, year, month)), runs, round === 0));
      rows.push({
        size,
        query,
        design: "project",
        ...latencyFigures(rounds),
      });
    }
  } finally {
    for (const f of functions) await db.query(`alter function public.${f} set jit = off`);
  }
  return rows;
}
