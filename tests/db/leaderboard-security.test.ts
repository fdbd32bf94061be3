/**
 * Grants and RLS of the leaderboard: only the triggers write the cache; the read functions are open to
 * everyone; rebuild, drift and the trigger functions are not callable by API clients.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type ApiRole, type TestDatabase } from "../helpers/db";
import { cached, insertProduct, insertView } from "./leaderboard-helpers";

let db: TestDatabase;
let owner: string;
let other: string;

beforeAll(async () => {
  db = await createTestDatabase();
  owner = await createUser(db.pool, "Sec Owner");
  other = await createUser(db.pool, "Sec Other");
  const p = await insertProduct(db.pool, owner, { status: "sold" });
  await insertView(db.pool, p);
});

const clients: [string, ApiRole, () => string | null][] = [
  ["anon", "anon", () => null],
  ["the owner", "authenticated", () => owner],
  ["another seller", "authenticated", () => other],
];

describe.each(clients)("as %s", (_label, role, user) => {
  it("can read the cache but cannot insert, update or delete it", async () => {
    const seen = await asRole(db.pool, role, user(), (c) =>
      c.query("select count(*)::int as n from public.seller_leaderboard_cache where seller_id = $1", [owner]),
    );
    expect(seen.rows[0].n).toBe(1);
    const writes = [
      "insert into public.seller_sales_counts (seller_id, year, month, items_sold) values ($1, 2024, 1, 99)",
      "update public.seller_sales_counts set items_sold = 99 where seller_id = $1",
      "delete from public.seller_sales_counts where seller_id = $1",
      "insert into public.seller_view_counts (seller_id, year, month, total_views) values ($1, 2024, 1, 99)",
      "update public.seller_view_counts set total_views = 99 where seller_id = $1",
      "delete from public.seller_view_counts where seller_id = $1",
      "insert into public.seller_leaderboard_cache (seller_id, year, month, items_sold, total_views) values ($1, 2024, 1, 1, 1)",
      "update public.seller_leaderboard_cache set items_sold = 99 where seller_id = $1",
      "delete from public.seller_leaderboard_cache where seller_id = $1",
      "insert into public.product_views (product_id, session_id) select id, gen_random_uuid() from public.products where seller_id = $1",
    ];
    for (const sql of writes) {
      await expect(
        asRole(db.pool, role, user(), (c) => c.query(sql, [owner])),
        sql,
      ).rejects.toMatchObject({
        code: expect.stringMatching(/^(42501|0A000|55000)$/),
      });
    }
    expect(await cached(db.pool, owner, 0, 0)).toEqual({ items_sold: 1, total_views: 1 });
  });

  it("cannot execute rebuild, drift, or any trigger/internal function", async () => {
    const calls = [
      "select public.rebuild_seller_leaderboard_cache()",
      "select public.rebuild_seller_leaderboard_cache(2024, 1)",
      "select * from public.seller_leaderboard_drift()",
      "select private.leaderboard_add_views($1, 2024, 1, 100)",
      "select private.leaderboard_add_sales($1, 2024, 1, 100)",
      "select * from private.leaderboard_expected()",
      "select count(*) from public.product_view_days",
    ];
    for (const sql of calls) {
      const params = sql.includes("$1") ? [owner] : [];
      await expect(
        asRole(db.pool, role, user(), (c) => c.query(sql, params)),
        sql,
      ).rejects.toMatchObject({
        code: "42501",
      });
    }
  });

  it("can execute the read functions", async () => {
    const rows = await asRole(db.pool, role, user(), async (c) => [
      ...(await c.query("select * from public.get_top_sellers_by_sales()")).rows,
      ...(await c.query("select * from public.get_top_sellers_by_views('all')")).rows,
      ...(await c.query("select public.get_leaderboard_last_updated() as t")).rows,
    ]);
    expect(rows.length).toBe(3);
  });
});

describe("privileged roles", () => {
  it("service_role can rebuild and check drift, but cannot write the cache directly", async () => {
    await asRole(db.pool, "service_role", null, async (c) => {
      await c.query("select public.rebuild_seller_leaderboard_cache()");
      expect((await c.query("select * from public.seller_leaderboard_drift()")).rows).toEqual([]);
    });
    await expect(
      asRole(db.pool, "service_role", null, (c) => c.query("update public.seller_sales_counts set items_sold = 7")),
    ).rejects.toMatchObject({ code: "42501" });
  });

  it("get_seller_dashboard is for authenticated callers only", async () => {
    for (const role of ["anon", "service_role"] as const) {
      await expect(
        asRole(db.pool, role, null, (c) => c.query("select * from public.get_seller_dashboard()")),
      ).rejects.toMatchObject({ code: "42501" });
    }
  });
});

describe("catalogue checks", () => {
  it("every function the leaderboard adds revokes public execute; every security definer one fixes search_path", async () => {
    const { rows } = await db.pool.query(
      `select p.oid::regprocedure::text as name, p.prosecdef, p.proconfig,
              has_function_privilege('public', p.oid, 'execute') as public_exec,
              (select array_agg(r) from unnest(array['anon', 'authenticated', 'service_role']) r
                where has_function_privilege(r, p.oid, 'execute')) as callers
         from pg_proc p
        where (p.pronamespace = 'private'::regnamespace)
           or (p.pronamespace = 'public'::regnamespace and (p.proname like '%leaderboard%'
               or p.proname in ('get_top_sellers_by_sales', 'get_top_sellers_by_views', 'record_product_view',
                                'get_seller_dashboard')))`,
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name.replace(/\(.*/, ""), r]));
    for (const row of rows) {
      expect(row.public_exec, row.name).toBe(false);
      if (row.prosecdef) expect(row.proconfig, row.name).toContain('search_path=""');
    }
    // The only internals an API role may call: what security-invoker functions in public call as the caller.
    const calledAsCaller: Record<string, string[]> = {
      "private.leaderboard_period(text,integer,integer,integer)": ["anon", "authenticated", "service_role"],
      "private.product_owned_by_caller(uuid,text)": ["authenticated"],
      "private.message_received_by_caller(uuid,text,text)": ["authenticated"],
      "private.signed_in_user(text)": ["authenticated"],
      "private.check_between(text,integer,integer,integer)": ["anon", "authenticated", "service_role"],
      // The full ranking's helpers, run by its security-invoker read functions as the caller.
      "private.leaderboard_rank_of(text,integer,integer,integer)": ["anon", "authenticated", "service_role"],
      "private.leaderboard_run_ranks(text,integer,integer,integer[])": ["anon", "authenticated", "service_role"],
      "private.leaderboard_rank_bucket_floor(integer)": ["anon", "authenticated", "service_role"],
      "private.leaderboard_keyset(text,integer,integer,integer,text,integer,integer,text,uuid)": [
        "anon",
        "authenticated",
        "service_role",
      ],
      // Immutable SQL the read functions inline (inlining needs the caller's execute): rules and constants.
      "private.leaderboard_year(timestamp with time zone)": ["anon", "authenticated", "service_role"],
      "private.leaderboard_month(timestamp with time zone)": ["anon", "authenticated", "service_role"],
      "private.leaderboard_month_start(timestamp with time zone)": ["anon", "authenticated", "service_role"],
      "private.leaderboard_changed_at_step()": ["anon", "authenticated", "service_role"],
      // Sales: the counting rule (inlined by the sales readers), the undo window (the products trigger runs as
      // the writer), and the two writes behind security-invoker entries (the named buyer's answer, moderation).
      "private.sale_counts(boolean,text,timestamp with time zone)": ["authenticated"],
      "private.sales_answer_window()": ["anon", "authenticated", "service_role"],
      "private.respond_to_sale(uuid,text)": ["authenticated"],
      "private.disputed_sales()": ["authenticated", "service_role"],
      // Privileged bodies behind the security invoker functions of the same name in public (the API does
      // not expose schema private); each checks who calls it.
      "private.exclude_seller(uuid,text)": ["authenticated", "service_role"],
      "private.include_seller(uuid)": ["authenticated", "service_role"],
      "private.get_my_top_products(integer)": ["authenticated"],
      "private.get_trending_products(integer,integer)": ["anon", "authenticated", "service_role"],
    };
    const internal = rows.filter((r) => r.name.startsWith("private."));
    expect(internal.length).toBeGreaterThanOrEqual(10);
    for (const row of internal) expect(row.callers, row.name).toEqual(calledAsCaller[row.name] ?? null);
    expect(byName["rebuild_seller_leaderboard_cache"].callers).toEqual(["service_role"]);
    expect(byName["seller_leaderboard_drift"].callers).toEqual(["service_role"]);
    expect(byName["get_seller_dashboard"].callers).toEqual(["authenticated"]);
    // Only the server records views (it passes the viewer and the address keys).
    expect(byName["record_product_view"].callers).toEqual(["service_role"]);
    // Only the server folds the rank counts (lib/leaderboard/rank-folder.ts).
    expect(byName["fold_leaderboard_ranks"].callers).toEqual(["service_role"]);
    for (const fn of ["get_top_sellers_by_sales", "get_top_sellers_by_views"]) {
      expect(byName[fn].callers, fn).toEqual(["anon", "authenticated", "service_role"]);
    }
  });

  it("RLS is enabled on every table the leaderboard adds, and no API role may write them", async () => {
    const { rows } = await db.pool.query(
      `select c.oid::regclass::text as name, c.relrowsecurity,
              (select array_agg(r || ':' || priv) from unnest(array['anon', 'authenticated', 'service_role']) r,
                      unnest(array['insert', 'update', 'delete', 'truncate']) priv
                where has_table_privilege(r, c.oid, priv)) as writes
         from pg_class c
        where c.relkind = 'r' and c.oid::regclass::text in
              ('seller_sales_counts', 'seller_view_counts', 'product_view_totals', 'product_view_days')`,
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) expect([row.name, row.relrowsecurity, row.writes]).toEqual([row.name, true, null]);
  });
});
