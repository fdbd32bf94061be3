/**
 * The fix-forward of the counters: a database migrated up to the schema before the one-row writer (view
 * counters in slots, some of them overflow slots, and no per-product counters), populated through its own
 * triggers, then migrated the rest of the way. The slots fold into one row per key, the per-product
 * counters are filled from product_views, and seller_leaderboard_drift() is empty.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { expectTerminationOnDrop } from "../helpers/db";
import { rankCountsDrift, rankOfDrift, unfoldedRows } from "./leaderboard-helpers";

/** The first migration of the one-row writer: everything before it is the schema it moves data from. */
const FIRST_NEW = "20261207131000";
const MIGRATIONS = path.resolve(import.meta.dirname, "../../supabase/migrations");
const files = readdirSync(MIGRATIONS)
  .filter((f) => f.endsWith(".sql"))
  .sort();

let url: string;
let pool: pg.Pool;
const name = `marketplace_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Applies migration files in order, each as one multi-statement query (what the CLI sends, file by file). */
async function apply(selected: string[]): Promise<void> {
  const c = await pool.connect();
  try {
    for (const file of selected) await c.query(readFileSync(path.join(MIGRATIONS, file), "utf8"));
  } finally {
    c.release();
  }
}

beforeAll(async () => {
  await admin((c) => c.query(`create database "${name}"`));
  const u = new URL(inject("adminDatabaseUrl"));
  u.pathname = `/${name}`;
  url = u.toString();
  pool = new pg.Pool({ connectionString: url, max: 8 });
  expectTerminationOnDrop(pool);
});

afterAll(async () => {
  await pool.end();
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
});

it("moves a populated database's counters to one row per key and per-product counters, without drift", async () => {
  const before = files.filter((f) => f < FIRST_NEW);
  expect(before.length).toBeGreaterThan(10);
  expect(files.length).toBeGreaterThan(before.length);
  await apply(before);

  // Sellers, products (sold, free, drafts) and views over several months, through the old triggers.
  const sellers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = randomUUID();
    await pool.query("insert into auth.users (id, email, raw_user_meta_data) values ($1, $2, $3)", [
      id,
      `${id}@example.test`,
      JSON.stringify({ display_name: `Old seller ${i}` }),
    ]);
    sellers.push(id);
  }
  const { rows: products } = await pool.query<{ id: string }>(
    `insert into public.products (seller_id, title, price, status, sold_at)
     select s, 'Old ' || g, case when g % 4 = 0 then 0 else 10 end,
            case when g % 3 = 0 then 'sold' when g % 5 = 0 then 'draft' else 'active' end,
            case when g % 3 = 0 then timestamptz '2026-06-15' + g * interval '9 days' end
       from unnest($1::uuid[]) s, generate_series(1, 12) g
     returning id`,
    [sellers],
  );
  await pool.query(
    `insert into public.product_views (product_id, session_id, viewed_at)
     select p, gen_random_uuid(), timestamptz '2026-07-01' + g * interval '37 hours'
       from unnest($1::uuid[]) p, generate_series(1, 25) g`,
    [products.map((p) => p.id)],
  );
  // Overflow slots: one transaction holds the first seller's slot 0 while others add views of their products.
  const hot = (await pool.query("select id from public.products where seller_id = $1 limit 1", [sellers[0]])).rows[0]
    .id as string;
  const holder = await pool.connect();
  try {
    await holder.query("begin");
    await holder.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
      hot,
    ]);
    for (let i = 0; i < 6; i++)
      await pool.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
        hot,
      ]);
    await holder.query("commit");
  } finally {
    holder.release();
  }
  const slots = await pool.query("select count(*)::int as n from public.seller_view_counts where slot > 0");
  expect(slots.rows[0].n).toBeGreaterThan(0);
  // A moved product and a deleted one, so the counters carry history the fold must keep.
  await pool.query("update public.products set seller_id = $2 where id = $1", [products[1].id, sellers[2]]);
  await pool.query("delete from public.products where id = $1", [products[2].id]);
  expect((await pool.query("select * from public.seller_leaderboard_drift()")).rows).toEqual([]);
  const boardBefore = await pool.query("select * from public.get_top_sellers_by_views('all', null, null, 10)");

  await apply(files.filter((f) => f >= FIRST_NEW));

  expect((await pool.query("select * from public.seller_leaderboard_drift()")).rows).toEqual([]);
  const column = await pool.query(
    "select 1 from information_schema.columns where table_name = 'seller_view_counts' and column_name = 'slot'",
  );
  expect(column.rowCount).toBe(0);
  const productDrift = await pool.query(
    `select p.id from public.products p
      where coalesce((select views from public.product_view_totals t where t.product_id = p.id), 0)
            <> (select count(*) from public.product_views v where v.product_id = p.id)
         or coalesce((select sum(views) from public.product_view_days d where d.product_id = p.id), 0)
            <> (select count(*) from public.product_views v where v.product_id = p.id)`,
  );
  expect(productDrift.rows).toEqual([]);
  // The rank counts start from every counter row as it is: nothing to fold, and ranks read from them.
  expect(await rankCountsDrift(pool)).toEqual([]);
  expect(await rankOfDrift(pool)).toEqual([]);
  expect(await unfoldedRows(pool)).toBe(0);
  const boardAfter = await pool.query("select * from public.get_top_sellers_by_views('all', null, null, 10)");
  expect(boardAfter.rows.map((r) => [r.seller_id, r.total_views])).toEqual(
    boardBefore.rows.map((r) => [r.seller_id, r.total_views]),
  );
  // And the new triggers count on from there.
  await pool.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [hot]);
  await pool.query("update public.products set seller_id = $2 where id = $1", [hot, sellers[1]]);
  expect((await pool.query("select * from public.seller_leaderboard_drift()")).rows).toEqual([]);
});
