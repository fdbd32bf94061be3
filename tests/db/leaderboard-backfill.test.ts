/**
 * The backfill on rows shaped as before sales tracking: a database migrated only up to the marketplace
 * schema gets sold products without sold_at (and views), then the remaining migrations run with the
 * Supabase CLI. Old sales must get sold_at = updated_at, and the cache must hold every past month.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { supabaseCli } from "../../scripts/lib/migrate";

const MIGRATIONS = path.join(PROJECT_ROOT, "supabase", "migrations");
const BEFORE_SALES_TRACKING = "20260101000100";

function workdirWith(filter: (file: string) => boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leaderboard-backfill-"));
  fs.mkdirSync(path.join(dir, "supabase", "migrations"), { recursive: true });
  fs.copyFileSync(path.join(PROJECT_ROOT, "supabase", "config.toml"), path.join(dir, "supabase", "config.toml"));
  for (const file of fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith(".sql") && filter(f))) {
    fs.copyFileSync(path.join(MIGRATIONS, file), path.join(dir, "supabase", "migrations", file));
  }
  return dir;
}

const adminUrl = inject("adminDatabaseUrl");
const name = `marketplace_test_backfill_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

it("backfills sold_at = updated_at for old sales and rebuilds the cache for every past month", async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();

  const early = workdirWith((f) => f.slice(0, 14) <= BEFORE_SALES_TRACKING);
  dirs.push(early);
  await supabaseCli(["migration", "up", "--include-all", "--workdir", early], url.toString());

  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const columns = await db.query(
      "select count(*)::int as n from information_schema.columns where table_name = 'products' and column_name = 'sold_at'",
    );
    expect(columns.rows[0].n).toBe(0);

    // Rows as the app wrote them before sales tracking: the last edit is the only date a sale has.
    const sellers = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of sellers.entries()) {
      await db.query("insert into auth.users (id, email, raw_user_meta_data) values ($1, $2, $3)", [
        id,
        `${id}@example.test`,
        JSON.stringify({ display_name: `Old seller ${i}` }),
      ]);
    }
    await db.query(
      `insert into public.products (seller_id, title, price, status, created_at, updated_at)
       select s.id, 'old ' || g, 10, case when g % 4 = 0 then 'active' when g % 7 = 0 then 'draft' else 'sold' end,
              timestamptz '2025-01-01' , timestamptz '2025-01-31 23:59:59.999+00' + ((g * 9) || ' days')::interval
         from unnest($1::uuid[]) with ordinality s(id, n), generate_series(1, 40) g
        where g % (s.n::int + 1) <> 1`,
      [sellers],
    );
    await db.query(
      `insert into public.product_views (product_id, session_id, viewed_at)
       select p.id, gen_random_uuid(), timestamptz '2025-01-15' + (((abs(hashtext(p.id::text)) + g * 37) % 300) || ' days')::interval
         from public.products p, generate_series(1, 3) g`,
    );

    const late = workdirWith(() => true);
    dirs.push(late);
    await supabaseCli(["migration", "up", "--include-all", "--workdir", late], url.toString());

    const sold = await db.query(
      `select count(*) filter (where status = 'sold')::int as sold,
              count(*) filter (where status = 'sold' and sold_at = updated_at)::int as backfilled,
              count(*) filter (where status <> 'sold' and sold_at is not null)::int as stray
         from public.products`,
    );
    expect(sold.rows[0].sold).toBeGreaterThan(30);
    expect(sold.rows[0]).toMatchObject({ backfilled: sold.rows[0].sold, stray: 0 });

    // An independent recomputation, month by month (UTC) and all-time (0/0).
    const expected = await db.query(
      `with m as (
         select seller_id, date_trunc('month', sold_at at time zone 'UTC') as d, 1 as s, 0 as v
           from public.products where status = 'sold'
         union all
         select p.seller_id, date_trunc('month', v.viewed_at at time zone 'UTC'), 0, 1
           from public.product_views v join public.products p on p.id = v.product_id
       )
       select seller_id::text, extract(year from d)::int as year, extract(month from d)::int as month,
              sum(s)::int as items_sold, sum(v)::int as total_views
         from m group by 1, 2, 3
       union all
       select seller_id::text, 0, 0, sum(s)::int, sum(v)::int from m group by 1
       order by 1, 2, 3`,
    );
    const actual = await db.query(
      `select seller_id::text, year, month, sum(items_sold)::int as items_sold, sum(total_views)::int as total_views
         from (select seller_id, year, month, items_sold, 0 as total_views from public.seller_sales_counts
               union all select seller_id, year, month, 0, total_views from public.seller_view_counts) c
        group by 1, 2, 3 having sum(items_sold) > 0 or sum(total_views) > 0
        order by 1, 2, 3`,
    );
    expect(expected.rows.length).toBeGreaterThan(20);
    expect(actual.rows).toEqual(expected.rows);
    // Spans many past months, including the boundary sale of 2025-01-31 23:59:59.999 UTC + n days.
    const months = new Set(actual.rows.filter((r) => r.month > 0).map((r) => `${r.year}-${r.month}`));
    expect(months.size).toBeGreaterThan(5);
    expect((await db.query("select * from public.seller_leaderboard_drift()")).rows).toEqual([]);
  } finally {
    await db.end();
  }
});
