/**
 * A fresh deployment is fast from its first request: the counter tables have statistics after the
 * migrations (migrateDatabase: db:migrate, the launcher, this test run's template) and after the seed.
 * pg_class.reltuples is -1 for a table never analyzed (or vacuumed).
 */
import { expect, it } from "vitest";
import { ANALYZED_TABLES } from "../../scripts/lib/migrate";
import { createTestDatabase } from "../helpers/db";

const reltuples = async (pool: import("pg").Pool) =>
  Object.fromEntries(
    (
      await pool.query<{ name: string; n: number }>(
        "select t as name, (select reltuples from pg_class where oid = to_regclass(t)) as n from unnest($1::text[]) t",
        [ANALYZED_TABLES],
      )
    ).rows.map((r) => [r.name, r.n]),
  );

it("the migrated database has statistics on the counter tables", async () => {
  const db = await createTestDatabase();
  const stats = await reltuples(db.pool);
  expect(Object.keys(stats)).toContain("public.seller_view_counts");
  for (const [name, n] of Object.entries(stats)) expect(n, name).toBeGreaterThanOrEqual(0);
});

it("the seed ends by analyzing them", async () => {
  const db = await createTestDatabase({ seed: true });
  const stats = await reltuples(db.pool);
  const counted = await db.pool.query<{ n: number }>("select count(*)::int as n from public.seller_sales_counts");
  expect(stats["public.seller_sales_counts"]).toBe(counted.rows[0].n);
});
