/**
 * ranking: the full ranking's reads at the largest BENCH_SELLERS size (100,000 sellers, 24 months of
 * heavy-tailed history written straight into the counters, as the read measurement does, then folded into
 * the rank counts as the app's rank folder does):
 *   page by cursor   get_leaderboard_page after the key of the seller ranked 49,999th of all time (the page
 *                    that starts at rank 50,000), and after the middle seller of the current month;
 *   around me        get_leaderboard_around_me for the seller at the same places (auth.uid() from the claims);
 *   rank history     get_my_rank_history() for that seller (12 months, both boards);
 *   not folded yet   the all-time views page and around me again, with 1,000 sellers of that board changed
 *                    since the last fold (what reads correct the counts by between two folds).
 * p50/p99 (ms) from Node, round trip included, of a bare `select` on one connection. The writers never touch
 * the rank counts (the ingest figures compare the write path).
 */
import type pg from "pg";
import { connect, median, options, percentile, progress } from "./common";
import { addSellers } from "./designs";

export interface RankingRow {
  /** The server measured: the embedded build, or the standard build with JIT. */
  server: string;
  query: string;
  board: string;
  /** The rank the page starts at, or the caller's rank. */
  rank: number;
  p50: number;
  p99: number;
}

export interface RankingResult {
  sellers: number;
  rows: RankingRow[];
}

const RUNS = 300;
const WARM_UPS = 30;

/** 24 months ending with the current one, each seller active in about a third of them. */
async function addHistory(db: pg.Client, sellers: string[]): Promise<void> {
  await db.query(`create temp table figures (seller_id uuid, year int, month int, sold int, views int)`);
  await db.query(
    `insert into figures
     select s, extract(year from m)::int, extract(month from m)::int,
            floor(random() ^ 6 * 400)::int, floor(random() ^ 6 * 40000)::int
       from unnest($1::uuid[]) s,
            generate_series(date_trunc('month', now() at time zone 'UTC') - interval '23 months',
                            date_trunc('month', now() at time zone 'UTC'), interval '1 month') m
      where random() < 0.3`,
    [sellers],
  );
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
  await foldAll(db);
  // As autovacuum leaves a settled table: statistics and the visibility map (index-only scans skip the heap).
  await db.query(
    `vacuum analyze public.seller_sales_counts, public.seller_view_counts, private.leaderboard_rank_counts, public.users`,
  );
}

/** Folds every changed counter row into the rank counts, as the app's rank folder does about once a second. */
async function foldAll(db: pg.Client): Promise<void> {
  while ((await db.query<{ n: number }>(`select public.fold_leaderboard_ranks(100000) as n`)).rows[0].n > 0);
}

/**
 * What the app's folder leaves between two folds: `changes` sellers of a board whose figure just moved to
 * another bucket (a view or a sale), not yet folded. Each read then corrects the counts by them.
 */
async function changeUnfolded(db: pg.Client, year: number, month: number, changes: number): Promise<void> {
  await db.query(
    `update public.seller_view_counts set total_views = total_views + 1 + total_views / 32
      where (seller_id, year, month) in (select seller_id, year, month from public.seller_view_counts
                                          where year = $1 and month = $2 and total_views > 0 order by random() limit $3)`,
    [year, month, changes],
  );
}

/** The seller at `position` (1-based) of a board, in the contract's order, with the key of their row. */
async function sellerAt(db: pg.Client, metric: "sales" | "views", year: number, month: number, position: number) {
  const [figure, other] = metric === "sales" ? ["items_sold", "total_views"] : ["total_views", "items_sold"];
  const { rows } = await db.query(
    `with f as (
       select s.seller_id, s.items_sold, coalesce(v.total_views, 0) as total_views
         from public.seller_sales_counts s
         full join public.seller_view_counts v using (seller_id, year, month)
        where coalesce(s.year, v.year) = $1 and coalesce(s.month, v.month) = $2)
     select f.seller_id, coalesce(f.items_sold, 0) as items_sold, f.total_views, u.display_name,
            count(*) over () as ranked
       from f join public.users u on u.id = f.seller_id
      where coalesce(f.${figure}, 0) > 0
      order by coalesce(f.${figure}, 0) desc, coalesce(f.${other}, 0) desc, u.display_name, f.seller_id
      offset $3 - 1 limit 1`,
    [year, month, position],
  );
  const row = rows[0];
  return {
    sellerId: row.seller_id as string,
    name: row.display_name as string,
    figure: Number(metric === "sales" ? row.items_sold : row.total_views),
    other: Number(metric === "sales" ? row.total_views : row.items_sold),
  };
}

async function latency(db: pg.Client, sql: string, params: unknown[]): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARM_UPS; i++) await db.query(sql, params);
  const rounds: number[][] = [];
  for (let round = 0; round < options.rounds; round++) {
    const times: number[] = [];
    for (let i = 0; i < (options.quick ? 50 : RUNS); i++) {
      const t = performance.now();
      await db.query(sql, params);
      times.push(performance.now() - t);
    }
    rounds.push(times);
  }
  return { p50: median(rounds.map((t) => percentile(t, 50))), p99: median(rounds.map((t) => percentile(t, 99))) };
}

type RankedSeller = Awaited<ReturnType<typeof sellerAt>>;

/**
 * The page that starts after `before` (by its cursor), and around me for `me` (signed in through the claims),
 * on one board: the two rows each place of the measurement adds.
 */
async function pageAndAroundMe(
  db: pg.Client,
  metric: "sales" | "views",
  period: "all" | "month",
  /** The month of a month board (null all time). */
  month: { year: number; month: number } | null,
  board: string,
  before: RankedSeller,
  me: RankedSeller,
  rank: number,
): Promise<Omit<RankingRow, "server">[]> {
  const args = [metric, period, month?.year ?? null, month?.month ?? null];
  const page = await latency(
    db,
    `select * from public.get_leaderboard_page($1, $2, 'after', $5, $6, $7, $8, $3, $4, 51)`,
    [...args, before.figure, before.other, before.name, before.sellerId],
  );
  await db.query(`select set_config('request.jwt.claims', $1, false)`, [
    JSON.stringify({ sub: me.sellerId, role: "authenticated" }),
  ]);
  const around = await latency(db, `select * from public.get_leaderboard_around_me($1, $2, $3, $4)`, args);
  return [
    { query: "page by cursor (51 rows)", board, rank, ...page },
    { query: "around me", board, rank, ...around },
  ];
}

/** The measurements on one server (`server` labels its rows). */
export async function measureRanking(url: string, server: string): Promise<RankingResult> {
  const sellers = Math.max(...options.sellers);
  const db = await connect(url);
  try {
    progress(`ranking (${server}): ${sellers.toLocaleString("en")} sellers x 24 months`);
    await addHistory(db, await addSellers(db, sellers, "ranked"));
    const { rows } = await db.query(
      `select extract(year from now() at time zone 'UTC')::int as year, extract(month from now() at time zone 'UTC')::int as month`,
    );
    const current = rows[0] as { year: number; month: number };
    // The floor under every row: one round trip that reads nothing.
    const results: Omit<RankingRow, "server">[] = [
      { query: "select 1 (the round trip alone)", board: "-", rank: 0, ...(await latency(db, "select 1", [])) },
    ];
    // Where the all-time views board is measured, measured again between two folds below.
    let viewsAllTimeAt = 0;
    for (const metric of ["sales", "views"] as const) {
      for (const period of ["all", "month"] as const) {
        const [year, month] = period === "all" ? [0, 0] : [current.year, current.month];
        const { rows: counted } = await db.query(
          `select count(*)::int as n from public.seller_${metric === "sales" ? "sales" : "view"}_counts
            where year = $1 and month = $2 and ${metric === "sales" ? "items_sold" : "total_views"} > 0`,
          [year, month],
        );
        // All time: rank 50,000 (the figure); a month holds about a third of the sellers: its middle.
        const position =
          period === "all" ? Math.min(50_000, Math.floor(counted[0].n / 2)) : Math.floor(counted[0].n / 2);
        if (metric === "views" && period === "all") viewsAllTimeAt = position;
        const board = `${metric}, ${period === "all" ? "all time" : "this month"}`;
        const before = await sellerAt(db, metric, year, month, position - 1);
        const me = await sellerAt(db, metric, year, month, position);
        progress(`ranking (${server}): ${board}, page at ${position}`);
        const boardMonth = period === "all" ? null : { year, month };
        results.push(...(await pageAndAroundMe(db, metric, period, boardMonth, board, before, me, position)));
        if (metric === "sales" && period === "month") {
          results.push({
            query: "12 months of my ranks",
            board: "both boards, 12 months",
            rank: position,
            ...(await latency(db, `select * from public.get_my_rank_history()`, [])),
          });
        }
      }
    }
    // Between two folds: the all-time views board with 1,000 sellers changed since the last one.
    const me = await sellerAt(db, "views", 0, 0, viewsAllTimeAt);
    const before = await sellerAt(db, "views", 0, 0, viewsAllTimeAt - 1);
    await changeUnfolded(db, 0, 0, 1000);
    const unfoldedBoard = "views, all time, 1,000 not folded";
    results.push(...(await pageAndAroundMe(db, "views", "all", null, unfoldedBoard, before, me, viewsAllTimeAt)));
    return { sellers, rows: results.map((row) => ({ ...row, server })) };
  } finally {
    await db.end();
  }
}

/** The report's section. */
export function renderRanking(result: RankingResult, table: (head: string[], rows: string[][]) => string): string[] {
  const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));
  return [
    `## ranking: the full ranking at ${result.sellers.toLocaleString("en")} sellers (ms, p50 / p99 from Node, round trip included)`,
    "",
    "Targets: the page at rank 50,000 by its cursor p99 <= 2 ms; around me near 50,000 p99 <= 2 ms; 12 months of ranks p99 <= 5 ms.",
    "",
    table(
      ["server", "query", "board", "at rank", "p50", "p99"],
      result.rows.map((r) => [
        r.server,
        r.query,
        r.board,
        r.rank ? r.rank.toLocaleString("en") : "-",
        ms(r.p50),
        ms(r.p99),
      ]),
    ),
    "",
  ];
}
