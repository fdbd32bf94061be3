/**
 * record_product_view's per-client cap, as the API roles: only service_role may pass a client key, at
 * most 5 anonymous views per client key, product and month count, and the documented two-argument
 * contract still works.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type ApiRole, type TestDatabase } from "../helpers/db";
import { insertProduct } from "./leaderboard-helpers";

let db: TestDatabase;
let seller: string;
let viewer: string;

beforeAll(async () => {
  db = await createTestDatabase();
  seller = await createUser(db.pool, "Cap Seller");
  viewer = await createUser(db.pool, "Cap Viewer");
});

const record = (role: ApiRole, user: string | null, product: string, session: string | null, clientKey?: string) =>
  asRole(
    db.pool,
    role,
    user,
    async (c) =>
      clientKey === undefined
        ? ((await c.query("select public.record_product_view($1, $2) as counted", [product, session])).rows[0]
            .counted as boolean)
        : ((await c.query("select public.record_product_view($1, $2, $3) as counted", [product, session, clientKey]))
            .rows[0].counted as boolean),
    { commit: true },
  );

describe("record_product_view per-client cap", () => {
  it("counts at most 5 anonymous sessions per client key, product and month; other keys and products are not affected", async () => {
    const product = await insertProduct(db.pool, seller);
    const results: boolean[] = [];
    for (let i = 0; i < 7; i++) results.push(await record("service_role", null, product, randomUUID(), "key-a"));
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect(await record("service_role", null, product, randomUUID(), "key-b")).toBe(true);
    const other = await insertProduct(db.pool, seller);
    expect(await record("service_role", null, other, randomUUID(), "key-a")).toBe(true);
    // Without a key (address unknown) the two-argument contract still counts.
    expect(await record("service_role", null, product, randomUUID())).toBe(true);
    const { rows } = await db.pool.query(
      "select client_key, count(*)::int as n from public.product_views where product_id = $1 group by 1 order by 1",
      [product],
    );
    expect(rows).toEqual([
      { client_key: "key-a", n: 5 },
      { client_key: "key-b", n: 1 },
      { client_key: null, n: 1 },
    ]);
  });

  it("ignores a client key from a signed-in caller (never stored, never capped) and refuses anon", async () => {
    const product = await insertProduct(db.pool, seller);
    expect(await record("authenticated", viewer, product, null, "key-x")).toBe(true);
    const { rows } = await db.pool.query("select client_key from public.product_views where product_id = $1", [
      product,
    ]);
    expect(rows).toEqual([{ client_key: null }]);
    await expect(record("anon", null, product, randomUUID(), "key-x")).rejects.toMatchObject({ code: "42501" });
  });

  it("checks the cap through its index", async () => {
    const product = await insertProduct(db.pool, seller);
    const client = await db.pool.connect();
    try {
      await client.query("begin");
      await client.query("set local enable_seqscan = off");
      const { rows } = await client.query(
        `explain select count(*) from public.product_views v
          where v.product_id = $1 and v.client_key = 'k' and v.view_month = date_trunc('month', now() at time zone 'UTC')::date`,
        [product],
      );
      expect(rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("product_views_client_cap_idx");
      await client.query("rollback");
    } finally {
      client.release();
    }
  });

  it("is a security definer with a fixed search_path, callable by the API roles, not public", async () => {
    const { rows } = await db.pool.query(
      `select prosecdef, proconfig, has_function_privilege('public', oid, 'execute') as public_exec
         from pg_proc where oid = 'public.record_product_view(uuid, uuid, text)'::regprocedure`,
    );
    expect(rows[0]).toEqual({ prosecdef: true, proconfig: ['search_path=""'], public_exec: false });
  });
});
