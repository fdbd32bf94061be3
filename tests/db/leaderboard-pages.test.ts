/**
 * The whole ranking in SQL: pages by keyset (get_leaderboard_page) forward and back through boards made
 * only of ties and through mixed boards, checked against a window function over the cache; the sellers
 * around the caller (get_leaderboard_around_me); the caller's monthly ranks (get_my_rank_history).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, type TestDatabase } from "../helpers/db";
import { oracleBoard, pastMonth, seedBoard, type RankedRow } from "./leaderboard-helpers";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

type Metric = "sales" | "views";

/** Moderation as the server does it (service_role). */
const exclude = (sellerId: string) =>
  asRole(db.pool, "service_role", null, (c) => c.query("select public.exclude_seller($1, 'test')", [sellerId]), {
    commit: true,
  });
type Row = RankedRow & { avatar_url: string | null };

const figureOf = (metric: Metric, row: RankedRow) => (metric === "sales" ? row.items_sold : row.total_views);
const otherOf = (metric: Metric, row: RankedRow) => (metric === "sales" ? row.total_views : row.items_sold);

async function page(
  metric: Metric,
  year: number,
  month: number,
  limit: number,
  direction: "after" | "before",
  key: RankedRow,
): Promise<Row[]> {
  const { rows } = await db.pool.query<Row>(
    "select * from public.get_leaderboard_page($1, 'month', $2, $3, $4, $5, $6, $7, $8, $9)",
    [
      metric,
      direction,
      figureOf(metric, key),
      otherOf(metric, key),
      key.display_name,
      key.seller_id,
      year,
      month,
      limit,
    ],
  );
  return rows;
}

const shape = (rows: RankedRow[]) => rows.map((r) => [r.rank, r.seller_id, r.items_sold, r.total_views]);

/** Walks the whole board forward from its top page and back from its last page, `limit` rows at a time. */
async function walk(metric: Metric, year: number, month: number, limit: number) {
  const top = (
    await db.pool.query<RankedRow>(`select * from public.get_top_sellers_by_${metric}('month', $1, $2, $3)`, [
      year,
      month,
      limit,
    ])
  ).rows;
  const forward = [...top];
  for (let last = top.at(-1); last;) {
    const next = await page(metric, year, month, limit, "after", last);
    expect(next.length).toBeLessThanOrEqual(limit);
    forward.push(...next);
    last = next.at(-1);
  }
  const backward: RankedRow[] = [];
  const end = forward.at(-1)!;
  backward.unshift(end);
  for (let first: RankedRow | undefined = end; first;) {
    const before = await page(metric, year, month, limit, "before", first);
    backward.unshift(...before);
    first = before[0];
  }
  return { forward, backward };
}

describe("pages by keyset", () => {
  it("a board made only of ties pages forward and back with every seller once, in the contract's order", async () => {
    const at = "2023-05-10T12:00:00Z";
    // Everyone: 2 sold, 3 views. Names repeat, so the seller id decides within a name.
    const names = Array.from({ length: 23 }, (_, i) => `Tie ${String.fromCharCode(65 + (i % 7))}`);
    await seedBoard(
      db.pool,
      at,
      names.map((name) => ({ name, sold: 2, views: 3 })),
    );
    for (const metric of ["sales", "views"] as const) {
      const oracle = await oracleBoard(db.pool, metric, { year: 2023, month: 5 });
      expect(oracle).toHaveLength(23);
      expect(new Set(oracle.map((r) => r.rank))).toEqual(new Set([1]));
      for (const limit of [1, 4, 5, 23]) {
        const { forward, backward } = await walk(metric, 2023, 5, limit);
        expect(shape(forward)).toEqual(shape(oracle));
        expect(shape(backward)).toEqual(shape(oracle));
      }
    }
  });

  it("mixed figures: ranks (1, 1, 3) and the other metric, names and ids break ties across page boundaries", async () => {
    const at = "2023-06-10T12:00:00Z";
    const sellers = Array.from({ length: 41 }, (_, i) => ({
      name: `Mix ${"ABCDE"[i % 5]}`,
      sold: 1 + (i % 4),
      views: (i * 7) % 5,
    }));
    await seedBoard(db.pool, at, sellers);
    // The same walks with the changes not folded into the rank counts yet, partly folded, and all folded.
    for (const folding of [0, 10, 1000]) {
      if (folding) await db.pool.query("select public.fold_leaderboard_ranks($1)", [folding]);
      for (const metric of ["sales", "views"] as const) {
        const oracle = await oracleBoard(db.pool, metric, { year: 2023, month: 6 });
        for (const limit of [3, 7, 10]) {
          const { forward, backward } = await walk(metric, 2023, 6, limit);
          expect(shape(forward)).toEqual(shape(oracle));
          expect(shape(backward)).toEqual(shape(oracle));
        }
      }
    }
  });

  it("excluded sellers are left out and ranks close up; a key past the end gives an empty page", async () => {
    const at = "2023-07-10T12:00:00Z";
    const [top, second, third] = await seedBoard(db.pool, at, [
      { name: "Ex Top", sold: 9, views: 0 },
      { name: "Ex Second", sold: 5, views: 0 },
      { name: "Ex Third", sold: 5, views: 1 },
    ]);
    await exclude(top);
    const oracle = await oracleBoard(db.pool, "sales", { year: 2023, month: 7 });
    expect(oracle.map((r) => [r.rank, r.seller_id])).toEqual([
      [1, third],
      [1, second],
    ]);
    const { forward } = await walk("sales", 2023, 7, 1);
    expect(shape(forward)).toEqual(shape(oracle));
    expect(await page("sales", 2023, 7, 10, "after", oracle[1])).toEqual([]);
    // A key that matches no seller (figures changed since) still pages from where it sorts.
    const moved = { ...oracle[0], items_sold: 6 };
    expect(shape(await page("sales", 2023, 7, 10, "after", moved))).toEqual(shape(oracle));
  });

  it("refuses a key that is not whole or a direction it does not know", async () => {
    await expect(
      db.pool.query(
        "select * from public.get_leaderboard_page('sales', 'month', 'after', 1, 0, null, null, 2023, 5, 10)",
      ),
    ).rejects.toThrow(/full sort key/);
    await expect(
      db.pool.query(
        "select * from public.get_leaderboard_page('sales', 'month', 'sideways', 1, 0, 'x', gen_random_uuid(), 2023, 5, 10)",
      ),
    ).rejects.toThrow(/direction/);
  });
});

describe("around me", () => {
  async function around(userId: string | null, metric: Metric, year: number, month: number) {
    return asRole(db.pool, userId ? "authenticated" : "anon", userId, async (client) => {
      const { rows } = await client.query<Row>("select * from public.get_leaderboard_around_me($1, 'month', $2, $3)", [
        metric,
        year,
        month,
      ]);
      return rows;
    });
  }

  it("the two sellers above and the two below, with ranks, through ties; none for the unranked or excluded", async () => {
    const at = "2023-08-10T12:00:00Z";
    const sellers = Array.from({ length: 15 }, (_, i) => ({ name: `Near ${i % 3}`, sold: 1 + (i % 3), views: i % 2 }));
    const ids = await seedBoard(db.pool, at, [...sellers, { name: "Near nobody", sold: 0, views: 0 }]);
    for (const metric of ["sales", "views"] as const) {
      const oracle = await oracleBoard(db.pool, metric, { year: 2023, month: 8 });
      for (const [index, row] of oracle.entries()) {
        const got = await around(row.seller_id, metric, 2023, 8);
        expect(shape(got)).toEqual(shape(oracle.slice(Math.max(index - 2, 0), index + 3)));
      }
    }
    expect(await around(ids.at(-1)!, "sales", 2023, 8)).toEqual([]);
    expect(await around(null, "sales", 2023, 8)).toEqual([]);
    await exclude(ids[0]);
    expect(await around(ids[0], "sales", 2023, 8)).toEqual([]);
    const oracle = await oracleBoard(db.pool, "sales", { year: 2023, month: 8 });
    const index = oracle.findIndex((r) => r.seller_id === ids[1]);
    expect(shape(await around(ids[1], "sales", 2023, 8))).toEqual(
      shape(oracle.slice(Math.max(index - 2, 0), index + 3)),
    );
  });
});

describe("rank history", () => {
  it("12 months, oldest first, ranks as on each month's board, null without a figure or while excluded", async () => {
    const two = await pastMonth(db.pool, 2);
    const five = await pastMonth(db.pool, 5);
    const [me, rival, other] = await seedBoard(db.pool, two.at, [
      { name: "History Me", sold: 2, views: 1 },
      { name: "History Rival", sold: 3, views: 0 },
      { name: "History Other", sold: 1, views: 4 },
    ]);
    await db.pool.query(
      `insert into public.products (seller_id, title, price, status, sold_at)
       select $1, 'Old', 10, 'sold', $2::timestamptz from generate_series(1, 4)`,
      [me, five.at],
    );
    const history = async () =>
      asRole(
        db.pool,
        "authenticated",
        me,
        async (c) => (await c.query("select * from public.get_my_rank_history()")).rows,
      );
    const rows = await history();
    expect(rows).toHaveLength(12);
    const expected = async (metric: Metric, month: { year: number; month: number }) =>
      (await oracleBoard(db.pool, metric, month)).find((r) => r.seller_id === me)?.rank ?? null;
    const byMonth = (m: { year: number; month: number }) => rows.find((r) => r.year === m.year && r.month === m.month);
    expect(byMonth(two)).toMatchObject({
      items_sold: 2,
      total_views: 1,
      rank_sales: await expected("sales", two),
      rank_views: await expected("views", two),
    });
    expect(byMonth(five)).toMatchObject({ items_sold: 4, total_views: 0, rank_views: null });
    expect(byMonth(five)!.rank_sales).toBe(await expected("sales", five));
    expect(rows.at(-1)).toMatchObject({ items_sold: 0, rank_sales: null, rank_views: null });
    await exclude(me);
    expect((await history()).every((r) => r.rank_sales === null && r.rank_views === null)).toBe(true);
    await expect(
      asRole(db.pool, "anon", null, (c) => c.query("select * from public.get_my_rank_history()")),
    ).rejects.toThrow();
    expect([rival, other]).toHaveLength(2);
  });
});
