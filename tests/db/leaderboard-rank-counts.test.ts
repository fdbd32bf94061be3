/**
 * The rank counts (supabase/migrations/20261207210000_leaderboard_rank_counts.sql): a rank read from the
 * folded counts plus the rows changed since is exact whether the changes were folded or not, through
 * figures in every kind of bucket, deletions of counter rows, a truncate and exclusions; the fold leaves
 * the counts equal to a recount, never waits for a writer's row, and runs one at a time.
 * The concurrent case (real writers beside the folder) is in leaderboard-invariant.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { currentMonth, foldAll, rankCountsDrift, rankOfDrift, seededRandom, unfoldedRows } from "./leaderboard-helpers";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

const fold = async (limit = 2000) =>
  (await db.pool.query<{ n: number }>("select public.fold_leaderboard_ranks($1) as n", [limit])).rows[0].n;
const unfolded = () => unfoldedRows(db.pool);

/** A figure from every kind of bucket: exact ones (below 128), and the 64-per-power-of-two ones up to 2^20. */
const figure = (rand: () => number) =>
  rand() < 0.3 ? Math.floor(rand() * 4) : rand() < 0.5 ? Math.floor(rand() * 300) : Math.floor(2 ** (7 + rand() * 13));

/** Sets a seller's figure on a board straight in the counters (what the triggers keep; not under test here). */
async function setFigure(sellerId: string, metric: "sales" | "views", year: number, month: number, value: number) {
  const [table, column] =
    metric === "sales" ? ["seller_sales_counts", "items_sold"] : ["seller_view_counts", "total_views"];
  await db.pool.query(
    `insert into public.${table} as c (seller_id, year, month, ${column}) values ($1, $2, $3, $4)
     on conflict (seller_id, year, month) do update set ${column} = excluded.${column}`,
    [sellerId, year, month, value],
  );
}

describe("ranks from the rank counts", () => {
  it("are exact folded, half folded or not folded, through every kind of change", { timeout: 120_000 }, async () => {
    const rand = seededRandom(20261207);
    const sellers = await Promise.all(Array.from({ length: 40 }, (_, i) => createUser(db.pool, `Rank counts ${i}`)));
    const boards = [
      [2022, 3],
      [2022, 4],
      [0, 0],
    ] as const;
    for (let step = 0; step < 40; step++) {
      // Some sellers' figures change on some boards; some rows go (as a rebuild deletes them).
      for (let i = 0; i < 12; i++) {
        const [year, month] = boards[Math.floor(rand() * boards.length)];
        const seller = sellers[Math.floor(rand() * sellers.length)];
        await setFigure(seller, rand() < 0.5 ? "sales" : "views", year, month, figure(rand));
      }
      if (rand() < 0.2) {
        const seller = sellers[Math.floor(rand() * sellers.length)];
        await db.pool.query("delete from public.seller_view_counts where seller_id = $1 and year = 2022", [seller]);
        await db.pool.query("delete from public.seller_sales_counts where seller_id = $1 and month = 4", [seller]);
      }
      if (rand() < 0.15) {
        const seller = sellers[Math.floor(rand() * sellers.length)];
        await asRole(
          db.pool,
          "service_role",
          null,
          (c) =>
            c.query(
              `select case when exists (select from private.excluded_sellers x where x.seller_id = $1)
                         then public.include_seller($1)::text else public.exclude_seller($1, 'test')::text end`,
              [seller],
            ),
          { commit: true },
        );
      }
      const choice = rand();
      if (choice < 0.3) await fold(1 + Math.floor(rand() * 15));
      else if (choice < 0.5) await foldAll(db.pool);
      expect(await rankOfDrift(db.pool), `step ${step}`).toEqual([]);
      expect(await rankCountsDrift(db.pool), `step ${step}`).toEqual([]);
    }
    expect(await unfolded()).toBeGreaterThanOrEqual(0);
    await foldAll(db.pool, 7);
    expect(await unfolded()).toBe(0);
    expect(await rankOfDrift(db.pool)).toEqual([]);

    // A truncate empties the counts with the rows; the rows written next count from nothing.
    await db.pool.query("truncate public.seller_view_counts");
    expect(await rankCountsDrift(db.pool)).toEqual([]);
    await setFigure(sellers[0], "views", 0, 0, 500);
    await setFigure(sellers[1], "views", 0, 0, 501);
    expect(await rankOfDrift(db.pool)).toEqual([]);
    await foldAll(db.pool);
    expect(await rankOfDrift(db.pool)).toEqual([]);
    expect(await rankCountsDrift(db.pool)).toEqual([]);
  });
});

describe("rank buckets", () => {
  it("the views column agrees with the function, buckets never fall as figures grow, and the floor inverts them", async () => {
    const { rows } = await db.pool.query(
      `with figures as (
         select v from generate_series(0, 5000) v
         union select (2 ^ e)::int + d from generate_series(7, 30) e, (values (-1), (0), (1)) x(d) where 2 ^ e + d < 2 ^ 31
       ), rows as (
         insert into public.seller_view_counts (seller_id, year, month, total_views)
         select gen_random_uuid(), 1999, 1, v from figures
         returning total_views as v, rank_bucket as b
       ), checked as (
         select r.v, r.b, public.leaderboard_rank_bucket(r.v) as fb,
                private.leaderboard_rank_bucket_floor(r.b) as lo, private.leaderboard_rank_bucket_floor(r.b + 1) as hi,
                lag(r.b) over (order by r.v) as before
           from rows r
       )
       select * from checked where b <> fb or v < lo or v >= hi or b < before`,
    );
    expect(rows).toEqual([]);
    await db.pool.query("delete from public.seller_view_counts where year = 1999");
  });
});

describe("the fold", () => {
  it("leaves rows a writer holds for the next fold instead of waiting for them", async () => {
    const seller = await createUser(db.pool, "Held");
    await setFigure(seller, "views", 2021, 1, 10);
    await foldAll(db.pool);
    const writer = await db.pool.connect();
    try {
      await writer.query("begin");
      await writer.query(
        "update public.seller_view_counts set total_views = 20 where seller_id = $1 and year = 2021 and month = 1",
        [seller],
      );
      const other = await createUser(db.pool, "Not held");
      await setFigure(other, "views", 2021, 1, 30);
      // A fold that waited would fail here on the lock timeout instead of answering.
      const folded = await asRole(
        db.pool,
        "service_role",
        null,
        async (c) => {
          await c.query("set local lock_timeout = '10s'");
          return (await c.query<{ n: number }>("select public.fold_leaderboard_ranks() as n")).rows[0].n;
        },
        { commit: true },
      );
      expect(folded).toBe(1);
      await writer.query("commit");
    } finally {
      writer.release();
    }
    expect(await rankOfDrift(db.pool)).toEqual([]);
    expect(await fold()).toBe(1);
    expect(await unfolded()).toBe(0);
    expect(await rankCountsDrift(db.pool)).toEqual([]);
  });

  it("gives 'your rank' on the modal and the dashboard, unfolded and folded", { timeout: 60_000 }, async () => {
    const { year, month } = await currentMonth(db.pool);
    const rand = seededRandom(4213);
    const sellers = await Promise.all(Array.from({ length: 24 }, (_, i) => createUser(db.pool, `Your rank ${i}`)));
    await foldAll(db.pool);
    for (const seller of sellers) {
      // Small figures for ties, some zeros (no rank), on this month's boards and all time.
      for (const [y, m] of [
        [year, month],
        [0, 0],
      ]) {
        await setFigure(seller, "sales", y, m, Math.floor(rand() * 5));
        await setFigure(seller, "views", y, m, figure(rand));
      }
    }
    await asRole(
      db.pool,
      "service_role",
      null,
      (c) => c.query("select public.exclude_seller($1, 'test')", [sellers[3]]),
      {
        commit: true,
      },
    );
    // What each answer must say: 1 + the sellers not excluded strictly ahead; none for 0 or when excluded.
    const expected = async (seller: string, metric: "sales" | "views", y: number, m: number) => {
      const [table, column] =
        metric === "sales" ? ["seller_sales_counts", "items_sold"] : ["seller_view_counts", "total_views"];
      const { rows } = await db.pool.query<{ rank: number | null }>(
        `select case when mine.v > 0 and not exists (select from private.excluded_sellers x where x.seller_id = $1)
                     then 1 + (select count(*)::int from public.${table} c
                                where c.year = $2 and c.month = $3 and c.${column} > mine.v
                                  and not exists (select from private.excluded_sellers x where x.seller_id = c.seller_id))
                end as rank
           from (select coalesce((select c.${column} from public.${table} c
                                   where c.seller_id = $1 and c.year = $2 and c.month = $3), 0) as v) mine`,
        [seller, y, m],
      );
      return rows[0].rank;
    };
    for (const folded of [false, true]) {
      if (folded) await foldAll(db.pool);
      else expect(await unfolded()).toBeGreaterThan(0);
      for (const seller of sellers) {
        const answers = await asRole(db.pool, "authenticated", seller, async (c) => {
          const summary = async (metric: string, period: string) =>
            (await c.query("select my_rank from public.get_leaderboard_summary($1, $2)", [metric, period])).rows[0]
              .my_rank;
          const dashboard = (
            await c.query("select rank_sales_month, rank_views_month from public.get_seller_dashboard()")
          ).rows[0];
          return [
            await summary("sales", "month"),
            await summary("views", "month"),
            await summary("sales", "all"),
            await summary("views", "all"),
            dashboard.rank_sales_month,
            dashboard.rank_views_month,
          ];
        });
        expect(answers, `${folded ? "folded" : "unfolded"}, seller ${sellers.indexOf(seller)}`).toEqual([
          await expected(seller, "sales", year, month),
          await expected(seller, "views", year, month),
          await expected(seller, "sales", 0, 0),
          await expected(seller, "views", 0, 0),
          await expected(seller, "sales", year, month),
          await expected(seller, "views", year, month),
        ]);
      }
    }
  });

  it("runs one at a time: a second fold meanwhile folds nothing", async () => {
    await foldAll(db.pool);
    await setFigure(await createUser(db.pool, "One at a time"), "sales", 2021, 2, 3);
    const first = await db.pool.connect();
    try {
      await first.query("begin");
      expect((await first.query("select public.fold_leaderboard_ranks() as n")).rows[0].n).toBe(1);
      await setFigure(await createUser(db.pool, "Meanwhile"), "sales", 2021, 2, 4);
      expect(await fold()).toBe(0);
      await first.query("commit");
    } finally {
      first.release();
    }
    expect(await fold()).toBe(1);
    expect(await rankCountsDrift(db.pool)).toEqual([]);
  });

  it("is the server's alone, and refuses a batch size below 1", async () => {
    for (const role of ["anon", "authenticated"] as const) {
      await expect(
        asRole(db.pool, role, role === "anon" ? null : await createUser(db.pool, "Folder"), (c) =>
          c.query("select public.fold_leaderboard_ranks()"),
        ),
      ).rejects.toMatchObject({ code: "42501" });
    }
    await expect(db.pool.query("select public.fold_leaderboard_ranks(0)")).rejects.toMatchObject({ code: "22023" });
  });
});
