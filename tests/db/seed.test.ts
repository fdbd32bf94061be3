/**
 * supabase/seed.sql: loads on a freshly migrated database and gives every screen something real,
 * this month and in past months, without breaking any rule the app itself lives by.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, type TestDatabase } from "../helpers/db";
import { seedDatabase } from "../../scripts/lib/migrate";
import { messageIdParams } from "../../lib/validation/messages";
import { productIdParams } from "../../lib/validation/products";

let db: TestDatabase;

const one = async <T = Record<string, unknown>>(sql: string): Promise<T> => (await db.pool.query(sql)).rows[0] as T;

// How long a migrated, seeded start takes is measured by `npm run bench` (startup), never asserted here.
beforeAll(async () => {
  db = await createTestDatabase({ seed: true });
});

describe("seed.sql", () => {
  it("has about 12 sellers and 20 shoppers with profiles", async () => {
    const users = await one<{ users: number; profiles: number; sellers: number; shoppers: number }>(`
      select (select count(*)::int from auth.users) as users,
             (select count(*)::int from public.users) as profiles,
             (select count(distinct seller_id)::int from public.products) as sellers,
             (select count(*)::int from public.users u
              where not exists (select 1 from public.products p where p.seller_id = u.id)) as shoppers`);
    expect(users).toEqual({ users: 32, profiles: 32, sellers: 12, shoppers: 20 });
    const named = await one<{ n: number }>(
      "select count(*)::int as n from public.users where display_name ~ '^\\S+ \\S+'",
    );
    expect(named.n).toBe(32);
  });

  it("has about 150 products across every status, with consistent dates", async () => {
    const { rows } = await db.pool.query(
      "select status, count(*)::int as n from public.products group by status order by status",
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(byStatus.active + byStatus.sold + byStatus.draft).toBe(150);
    expect(byStatus.active).toBeGreaterThan(40);
    expect(byStatus.sold).toBeGreaterThan(25);
    expect(byStatus.draft).toBeGreaterThan(5);
    const bad = await one<{ n: number }>(`
      select count(*)::int as n from public.products
      where sold_at > now() or sold_at < created_at or updated_at < created_at or created_at > now()
         or created_at < now() - interval '9 months' or price < 0`);
    expect(bad.n).toBe(0);
    // Every seller has something listed right now.
    const listing = await one<{ n: number }>(
      "select count(distinct seller_id)::int as n from public.products where status = 'active'",
    );
    expect(listing.n).toBe(12);
  });

  it("has sales in several past months and in the current month", async () => {
    const months = await one<{ past: number; current: number }>(`
      with m as (select date_trunc('month', sold_at at time zone 'UTC') as month, count(*) as n
                 from public.products where sold_at is not null group by 1)
      select count(*) filter (where month < date_trunc('month', now() at time zone 'UTC'))::int as past,
             coalesce(sum(n) filter (where month = date_trunc('month', now() at time zone 'UTC')), 0)::int as current
      from m`);
    expect(months.past).toBeGreaterThanOrEqual(4);
    expect(months.current).toBeGreaterThan(0);
  });

  it("has several thousand views that follow the counting rules", async () => {
    const views = await one<{
      total: number;
      anonymous: number;
      signed_in: number;
      months: number;
      current: number;
      week: number;
    }>(`
      select count(*)::int as total,
             count(*) filter (where session_id is not null)::int as anonymous,
             count(*) filter (where user_id is not null)::int as signed_in,
             count(distinct view_month)::int as months,
             count(*) filter (where view_month = date_trunc('month', now() at time zone 'UTC')::date)::int as current,
             count(*) filter (where viewed_at > now() - interval '7 days')::int as week
      from public.product_views`);
    expect(views.total).toBeGreaterThan(2500);
    expect(views.anonymous).toBeGreaterThan(500);
    expect(views.signed_in).toBeGreaterThan(1000);
    expect(views.months).toBeGreaterThanOrEqual(5);
    expect(views.current).toBeGreaterThan(100);
    expect(views.week).toBeGreaterThan(50);
    const broken = await one<{ own: number; drafts: number; outside: number }>(`
      select count(*) filter (where v.user_id = p.seller_id)::int as own,
             count(*) filter (where p.status = 'draft')::int as drafts,
             count(*) filter (where v.viewed_at < p.created_at or v.viewed_at > coalesce(p.sold_at, now()))::int as outside
      from public.product_views v join public.products p on p.id = v.product_id`);
    expect(broken).toEqual({ own: 0, drafts: 0, outside: 0 });
  });

  it("shows derived view counts through the app's functions", async () => {
    const { rows } = await asRole(db.pool, "anon", null, (c) => c.query("select * from public.list_products(24, 0)"));
    expect(rows).toHaveLength(24);
    expect(rows[0].total_count).toBeGreaterThan(40);
    expect(rows.some((r) => r.views > 0)).toBe(true);
    const demo = await asRole(db.pool, "service_role", null, (c) => c.query("select * from public.list_demo_users()"));
    expect(demo.rows.filter((r) => r.is_seller)).toHaveLength(12);
    expect(demo.rows).toHaveLength(32);
  });

  it("has conversations between shoppers and sellers, some unread", async () => {
    const messages = await one<{
      total: number;
      unread: number;
      threads: number;
      to_sellers: number;
      to_shoppers: number;
    }>(`
      select count(*)::int as total,
             count(*) filter (where read_at is null)::int as unread,
             count(distinct product_id)::int as threads,
             count(*) filter (where recipient_id in (select seller_id from public.products))::int as to_sellers,
             count(*) filter (where recipient_id not in (select seller_id from public.products))::int as to_shoppers
      from public.messages`);
    expect(messages.total).toBeGreaterThan(100);
    expect(messages.unread).toBeGreaterThan(0);
    expect(messages.unread).toBeLessThan(messages.total / 2);
    expect(messages.threads).toBeGreaterThan(50);
    expect(messages.to_sellers).toBeGreaterThan(0);
    expect(messages.to_shoppers).toBeGreaterThan(0);
    const future = await one<{ n: number }>(
      "select count(*)::int as n from public.messages where created_at > now() or read_at < created_at",
    );
    expect(future.n).toBe(0);
  });

  it("gives every message and product an id the app's routes accept (RFC 4122 UUIDs)", async () => {
    const { rows } = await db.pool.query<{ id: string; kind: string }>(
      "select id::text, 'message' as kind from public.messages union all select id::text, 'product' from public.products",
    );
    const refused = rows.filter(({ id, kind }) =>
      kind === "message" ? !messageIdParams.safeParse({ id }).success : !productIdParams.safeParse({ id }).success,
    );
    expect(refused).toEqual([]);
  });

  it("names the buyers of past sales, who asked first, with a few sales in each other state", async () => {
    const sales = await one<Record<string, number>>(`
      select count(*)::int as total,
             count(*) filter (where ranks and buyer_id is not null and buyer_response is distinct from 'not_me')::int as ranked,
             count(*) filter (where buyer_response = 'not_me')::int as disputed,
             count(*) filter (where buyer_response = 'confirm')::int as confirmed,
             count(*) filter (where buyer_id is not null and not ranks)::int as over_cap,
             count(*) filter (where buyer_id is null)::int as elsewhere,
             count(*) filter (where buyer_id is not null and not exists (
               select from public.messages m
                where m.sender_id = s.buyer_id and m.recipient_id = s.seller_id and m.product_id = s.product_id))::int as unasked,
             count(distinct date_trunc('month', sold_at at time zone 'UTC')) filter (where buyer_id is not null)::int as months
        from public.sales s`);
    expect(sales.total).toBe(
      (await one<{ n: number }>("select count(*)::int as n from public.products where status = 'sold'")).n,
    );
    expect(sales.ranked).toBeGreaterThan(sales.total * 0.75);
    expect(sales.disputed).toBeGreaterThan(0);
    expect(sales.confirmed).toBeGreaterThan(0);
    expect(sales.over_cap).toBeGreaterThan(0);
    expect(sales.elsewhere).toBeGreaterThan(0);
    expect(sales.unasked).toBe(0);
    expect(sales.months).toBeGreaterThanOrEqual(4);
    expect((await db.pool.query("select * from public.sales_cap_violations()")).rows).toEqual([]);
  });

  it("fills the leaderboard cache for several months (when the cache exists)", async (ctx) => {
    const exists = await one<{ t: string | null }>("select to_regclass('public.seller_leaderboard_cache')::text as t");
    if (!exists.t) ctx.skip();
    const cache = await one<{ months: number; sellers: number; sold: number; views: number }>(`
      select count(distinct (year, month))::int as months, count(distinct seller_id)::int as sellers,
             coalesce(sum(items_sold), 0)::int as sold, coalesce(sum(total_views), 0)::int as views
      from public.seller_leaderboard_cache`);
    expect(cache.months).toBeGreaterThanOrEqual(4);
    expect(cache.sellers).toBe(12);
    const truth = await one<{ sold: number; views: number }>(`
      select (select count(*)::int from public.sales
               where ranks and undone_at is null and buyer_response is distinct from 'not_me') as sold,
             (select count(*)::int from public.product_views) as views`);
    expect(cache.sold).toBe(truth.sold);
    expect(cache.views).toBe(truth.views);
    const drift = await db.pool.query("select to_regprocedure('public.seller_leaderboard_drift()') is not null as ok");
    if (drift.rows[0].ok) {
      const rows = await db.pool.query("select * from public.seller_leaderboard_drift()");
      expect(rows.rows).toEqual([]);
    }
  });

  it("adds nothing when run a second time", async () => {
    const count = () =>
      one<{ u: number; p: number; v: number; m: number }>(`
        select (select count(*)::int from auth.users) as u, (select count(*)::int from public.products) as p,
               (select count(*)::int from public.product_views) as v, (select count(*)::int from public.messages) as m`);
    const before = await count();
    await seedDatabase(db.url);
    expect(await count()).toEqual(before);
  });
});
