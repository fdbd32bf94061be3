/**
 * The cache's read functions never JIT-compile: on builds with JIT (Debian's, most hosted ones) the month
 * reads at 100k sellers were planned above jit_above_cost and spent most of their time compiling.
 * The speed itself is measured by `npm run bench` (read, standard build column); this checks the setting.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});

describe("leaderboard read functions", () => {
  it("run with jit = off, every overload", async () => {
    const { rows } = await db.pool.query<{ name: string; config: string[] | null }>(`
      select p.oid::regprocedure::text as name, p.proconfig as config from pg_proc p
       where p.pronamespace = 'public'::regnamespace
         and p.proname in ('get_top_sellers_by_sales', 'get_top_sellers_by_views', 'get_leaderboard_summary',
                           'get_leaderboard_last_updated', 'get_seller_dashboard')
       order by 1`);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows)
      expect({ name: row.name, jitOff: (row.config ?? []).includes("jit=off") }).toEqual({
        name: row.name,
        jitOff: true,
      });
  });

  it("still answer with jit = off set on the function", async () => {
    const { rows } = await db.pool.query("select * from public.get_top_sellers_by_views('all', null, null, 10)");
    expect(rows).toEqual([]);
  });
});
