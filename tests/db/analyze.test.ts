/**
 * A fresh deployment is fast from its first request: the counter tables have statistics after the
 * migrations (the last one analyzes them; migrateDatabase: db:migrate, the launcher, this test run's
 * template, analyzes again) and after the seed.
 * pg_class.reltuples is -1 for a table never analyzed (or vacuumed).
 */
import pg from "pg";
import { expect, inject, it } from "vitest";
import { ANALYZED_TABLES, supabaseCli } from "../../scripts/lib/migrate";
import { createTestDatabase, expectTerminationOnDrop } from "../helpers/db";

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

it(
  "the migrations alone leave statistics on them (a hosted `supabase db push` never analyzes)",
  { timeout: 120_000 },
  async () => {
    const adminUrl = inject("adminDatabaseUrl");
    const name = `marketplace_test_pushed_${Date.now().toString(36)}`;
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
      // The Supabase CLI only, as `db push` applies them: no analyzeCounters afterwards.
      await supabaseCli(["migration", "up", "--include-all"], url.toString());
      const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
      expectTerminationOnDrop(pool);
      try {
        const stats = await reltuples(pool);
        expect(Object.keys(stats)).toEqual([...ANALYZED_TABLES]);
        for (const [table, n] of Object.entries(stats))
          expect(n, `${table} analyzed by the migrations`).toBeGreaterThanOrEqual(0);
      } finally {
        await pool.end();
      }
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  },
);

it("the seed ends by analyzing them", async () => {
  const db = await createTestDatabase({ seed: true });
  const stats = await reltuples(db.pool);
  const counted = await db.pool.query<{ n: number }>("select count(*)::int as n from public.seller_sales_counts");
  expect(stats["public.seller_sales_counts"]).toBe(counted.rows[0].n);
});
