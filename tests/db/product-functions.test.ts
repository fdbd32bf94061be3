/**
 * The product functions the app calls (Supabase RPC), run as the API roles the way PostgREST runs
 * them: their results, their error codes (PT401/403/404/409, 22023, constraint violations) and their
 * grants.
 */
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { insertProduct } from "./leaderboard-helpers";

let db: TestDatabase;
let alice: string; // seller
let bob: string; // another seller
let carol: string; // shopper

/** The SQLSTATE a call fails with (or "ok"). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const asUser = <T>(userId: string, fn: (c: pg.PoolClient) => Promise<T>, options: { commit?: boolean } = {}) =>
  asRole(db.pool, "authenticated", userId, fn, options);
const asAnon = <T>(fn: (c: pg.PoolClient) => Promise<T>) => asRole(db.pool, "anon", null, fn);
const asService = <T>(fn: (c: pg.PoolClient) => Promise<T>) => asRole(db.pool, "service_role", null, fn);

beforeAll(async () => {
  db = await createTestDatabase();
  alice = await createUser(db.pool, "Alice Seller");
  bob = await createUser(db.pool, "Bob Seller");
  carol = await createUser(db.pool, "Carol Shopper");
});

describe("grants", () => {
  it("gives each function only to the roles meant for it", async () => {
    const { rows } = await db.pool.query<{
      fn: string;
      anon: boolean;
      authenticated: boolean;
      service_role: boolean;
      public: boolean;
    }>(
      `select p.proname as fn,
              has_function_privilege('anon', p.oid, 'execute') as anon,
              has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
              has_function_privilege('service_role', p.oid, 'execute') as service_role,
              exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public
       from pg_proc p
       where p.pronamespace = 'public'::regnamespace
         and p.proname in ('list_products', 'get_product', 'list_my_products', 'create_product', 'update_product',
                           'delete_product', 'list_demo_users', 'product_view_total')
       order by p.proname`,
    );
    const grants = Object.fromEntries(rows.map((r) => [r.fn, [r.public, r.anon, r.authenticated, r.service_role]]));
    expect(grants).toEqual({
      create_product: [false, false, true, false],
      delete_product: [false, false, true, false],
      get_product: [false, true, true, true],
      list_demo_users: [false, false, false, true],
      list_my_products: [false, false, true, false],
      list_products: [false, true, true, true],
      product_view_total: [false, true, true, true],
      update_product: [false, false, true, false],
    });
  });

  it("runs every public product function as the caller (security invoker) with a fixed search_path", async () => {
    const { rows } = await db.pool.query(
      `select p.proname, p.prosecdef, p.proconfig
       from pg_proc p
       where p.pronamespace = 'public'::regnamespace
         and p.proname in ('list_products', 'get_product', 'list_my_products', 'create_product', 'update_product',
                           'delete_product', 'list_demo_users', 'product_view_total')`,
    );
    for (const row of rows) {
      expect(row.proconfig, row.proname).toEqual(['search_path=""']);
      // product_view_total reads the per-product counter under its policy, as the caller.
      expect(row.prosecdef, row.proname).toBe(false);
    }
  });

  it("refuses the write functions to anon and list_demo_users to clients", async () => {
    const id = await insertProduct(db.pool, alice);
    expect(await codeOf(asAnon((c) => c.query("select * from public.create_product('x')")))).toBe("42501");
    expect(await codeOf(asAnon((c) => c.query("select * from public.update_product($1, 'x')", [id])))).toBe("42501");
    expect(await codeOf(asAnon((c) => c.query("select public.delete_product($1)", [id])))).toBe("42501");
    expect(await codeOf(asAnon((c) => c.query("select * from public.list_my_products()")))).toBe("42501");
    expect(await codeOf(asAnon((c) => c.query("select * from public.list_demo_users()")))).toBe("42501");
    expect(await codeOf(asUser(alice, (c) => c.query("select * from public.list_demo_users()")))).toBe("42501");
  });
});

describe("list_products", () => {
  let local: TestDatabase;
  const ids: string[] = [];
  let seller: string;

  beforeAll(async () => {
    local = await createTestDatabase();
    seller = await createUser(local.pool, "Pager");
    // 30 active products one minute apart (i = 0 newest), plus drafts and sold ones that never list.
    for (let i = 0; i < 30; i++) {
      const { rows } = await local.pool.query(
        `insert into public.products (seller_id, title, price, status, created_at)
         values ($1, $2, 5, 'active', now() - make_interval(mins => $3)) returning id`,
        [seller, `Item ${i}`, i],
      );
      ids.push(rows[0].id);
    }
    await local.pool.query(
      `insert into public.products (seller_id, title, price, status) values ($1, 'Draft', 1, 'draft'), ($1, 'Sold', 1, 'sold')`,
      [seller],
    );
  });

  it("pages active products newest first with the total count", async () => {
    const page1 = await asRole(local.pool, "anon", null, (c) => c.query("select * from public.list_products(10, 0)"));
    expect(page1.rows.map((r) => r.id)).toEqual(ids.slice(0, 10));
    expect(page1.rows.every((r) => r.total_count === 30 && r.status === "active")).toBe(true);
    expect(page1.rows[0]).toMatchObject({ seller_id: seller, seller_name: "Pager", title: "Item 0", views: 0 });
    expect(Object.keys(page1.rows[0]).sort()).toEqual(
      [
        "id",
        "seller_id",
        "seller_name",
        "seller_avatar_url",
        "title",
        "description",
        "price",
        "status",
        "views",
        "sold_at",
        "created_at",
        "updated_at",
        "total_count",
      ].sort(),
    );

    const page3 = await asRole(local.pool, "authenticated", seller, (c) =>
      c.query("select * from public.list_products(10, 20)"),
    );
    expect(page3.rows.map((r) => r.id)).toEqual(ids.slice(20, 30));

    const beyond = await asRole(local.pool, "anon", null, (c) => c.query("select * from public.list_products(10, 30)"));
    expect(beyond.rows).toEqual([]);

    const defaults = await asRole(local.pool, "service_role", null, (c) =>
      c.query("select * from public.list_products()"),
    );
    expect(defaults.rows).toHaveLength(24);
  });

  it("breaks created_at ties by id, descending", async () => {
    const tie = await createTestDatabase();
    const s = await createUser(tie.pool, "Tie");
    await tie.pool.query(
      `insert into public.products (seller_id, title, price, status, created_at)
       select $1, 'T' || n, 1, 'active', '2026-01-01T00:00:00Z' from generate_series(1, 5) n`,
      [s],
    );
    const { rows } = await asRole(tie.pool, "anon", null, (c) => c.query("select id from public.list_products(100)"));
    const got = rows.map((r) => r.id as string);
    expect(got).toEqual([...got].sort().reverse());
  });

  it("rejects a limit outside 1..100 and a negative offset with 22023", async () => {
    for (const [limit, offset] of [
      [0, 0],
      [101, 0],
      [null, 0],
      [10, -1],
      [10, null],
    ]) {
      expect(
        await codeOf(
          asRole(local.pool, "anon", null, (c) =>
            c.query("select * from public.list_products($1, $2)", [limit, offset]),
          ),
        ),
      ).toBe("22023");
    }
    expect(
      await codeOf(asRole(local.pool, "anon", null, (c) => c.query("select * from public.list_products(100, 0)"))),
    ).toBe("ok");
  });
});

describe("get_product and the derived view figure", () => {
  it("returns a listed product to anyone, with views counted from product_views", async () => {
    const id = await insertProduct(db.pool, alice, { title: "Camera" });
    await db.pool.query(
      `insert into public.product_views (product_id, user_id, session_id, viewed_at)
       values ($1, $2, null, now()), ($1, null, gen_random_uuid(), now()), ($1, null, gen_random_uuid(), now() - interval '40 days')`,
      [id, carol],
    );
    for (const run of [asAnon, <T>(fn: (c: pg.PoolClient) => Promise<T>) => asUser(bob, fn), asService]) {
      const { rows } = await run((c) => c.query("select * from public.get_product($1)", [id]));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        id,
        seller_id: alice,
        seller_name: "Alice Seller",
        title: "Camera",
        status: "active",
        views: 3,
      });
      expect(rows[0]).not.toHaveProperty("total_count");
    }
    // There is no stored counter that could disagree: the figure is derived everywhere.
    const column = await db.pool.query(
      "select 1 from information_schema.columns where table_schema = 'public' and table_name = 'products' and column_name = 'view_count'",
    );
    expect(column.rows).toEqual([]);
    const listed = await asAnon((c) => c.query("select views from public.list_products(100) where id = $1", [id]));
    expect(listed.rows[0].views).toBe(3);
  });

  it("returns a sold product with its sold_at", async () => {
    const id = await insertProduct(db.pool, alice, { status: "sold" });
    const { rows } = await asAnon((c) => c.query("select status, sold_at from public.get_product($1)", [id]));
    expect(rows[0].status).toBe("sold");
    expect(rows[0].sold_at).toBeInstanceOf(Date);
  });

  it("raises PT404 for a draft of someone else and for an unknown id; the owner sees the draft", async () => {
    const draft = await insertProduct(db.pool, alice, { status: "draft" });
    expect(await codeOf(asAnon((c) => c.query("select * from public.get_product($1)", [draft])))).toBe("PT404");
    expect(await codeOf(asUser(bob, (c) => c.query("select * from public.get_product($1)", [draft])))).toBe("PT404");
    const own = await asUser(alice, (c) => c.query("select * from public.get_product($1)", [draft]));
    expect(own.rows[0]).toMatchObject({ id: draft, status: "draft" });
    expect(
      await codeOf(
        asAnon((c) => c.query("select * from public.get_product($1)", ["00000000-0000-4000-8000-999999999999"])),
      ),
    ).toBe("PT404");
    expect(await codeOf(asAnon((c) => c.query("select * from public.get_product($1)", ["not-a-uuid"])))).toBe("22P02");
  });

  it("product_view_total reveals nothing about a product the caller cannot see", async () => {
    const draft = await insertProduct(db.pool, alice, { status: "draft" });
    await db.pool.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
      draft,
    ]);
    const total = (run: typeof asAnon) =>
      run((c) => c.query("select public.product_view_total($1) as n", [draft])).then((r) => r.rows[0].n);
    expect(await total(asAnon)).toBe(0);
    expect(await total((fn) => asUser(bob, fn))).toBe(0);
    expect(await total((fn) => asUser(alice, fn))).toBe(1);
    expect(await total(asService)).toBe(1);
  });

  it("the API roles read the totals of exactly the products they can read, and write none", async () => {
    const listed = await insertProduct(db.pool, alice);
    const draft = await insertProduct(db.pool, alice, { status: "draft" });
    await db.pool.query(
      "insert into public.product_views (product_id, session_id) select $1, gen_random_uuid() from generate_series(1, 3)",
      [listed],
    );
    // A draft's views stay counted from before it was unlisted (views of a listed product, then a draft).
    await db.pool.query("update public.products set status = 'active' where id = $1", [draft]);
    await db.pool.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
      draft,
    ]);
    await db.pool.query("update public.products set status = 'draft' where id = $1", [draft]);
    const totals = (run: typeof asAnon) =>
      run((c) =>
        c.query<{ product_id: string; views: number }>(
          "select product_id, views from public.product_view_totals where product_id = any($1) order by views desc",
          [[listed, draft]],
        ),
      ).then((r) => r.rows.map((row) => [row.product_id, row.views]));
    expect(await totals(asAnon)).toEqual([[listed, 3]]);
    expect(await totals((fn) => asUser(bob, fn))).toEqual([[listed, 3]]);
    expect(await totals((fn) => asUser(alice, fn))).toEqual([
      [listed, 3],
      [draft, 1],
    ]);
    // The rows the product functions return carry the same figures.
    const mine = await asUser(alice, (c) => c.query("select id, views from public.list_my_products()"));
    expect(Object.fromEntries(mine.rows.map((r) => [r.id, r.views]))).toMatchObject({ [listed]: 3, [draft]: 1 });
    const page = await asAnon((c) => c.query("select id, views from public.list_products(100, 0)"));
    expect(page.rows.find((r) => r.id === listed)?.views).toBe(3);
    expect(page.rows.some((r) => r.id === draft)).toBe(false);
    for (const sql of [
      "insert into public.product_view_totals (product_id, views) values (gen_random_uuid(), 5)",
      "update public.product_view_totals set views = views + 100",
      "delete from public.product_view_totals",
    ]) {
      expect(await codeOf(asUser(alice, (c) => c.query(sql))), sql).toBe("42501");
    }
  });
});

describe("list_my_products", () => {
  it("lists every status of the caller's own products, newest first", async () => {
    const me = await createUser(db.pool, "Mine");
    const a = await insertProduct(db.pool, me, { status: "draft", createdAt: "2026-03-01T00:00:00Z" });
    const b = await insertProduct(db.pool, me, { status: "sold", createdAt: "2026-02-01T00:00:00Z" });
    const c = await insertProduct(db.pool, me, { status: "active", createdAt: "2026-04-01T00:00:00Z" });
    await insertProduct(db.pool, bob, { status: "active" });
    const { rows } = await asUser(me, (cl) => cl.query("select * from public.list_my_products()"));
    expect(rows.map((r) => r.id)).toEqual([c, a, b]);
    expect(rows.map((r) => r.status)).toEqual(["active", "draft", "sold"]);
    expect(rows.every((r) => r.seller_id === me && r.seller_name === "Mine")).toBe(true);
  });

  it("raises PT401 without a signed-in user", async () => {
    expect(
      await codeOf(asRole(db.pool, "authenticated", null, (c) => c.query("select * from public.list_my_products()"))),
    ).toBe("PT401");
  });
});

describe("create_product", () => {
  it("creates a draft (default) or active product owned by the caller", async () => {
    const draft = await asUser(alice, (c) => c.query("select * from public.create_product('Lamp')"));
    expect(draft.rows[0]).toMatchObject({
      seller_id: alice,
      seller_name: "Alice Seller",
      title: "Lamp",
      description: "",
      price: "0.00",
      status: "draft",
      views: 0,
      sold_at: null,
    });
    const active = await asUser(
      alice,
      async (c) => {
        const { rows } = await c.query("select * from public.create_product('Desk', 'Solid oak', 120.5, 'active')");
        return rows[0];
      },
      { commit: true },
    );
    expect(active).toMatchObject({ title: "Desk", description: "Solid oak", price: "120.50", status: "active" });
    const stored = await db.pool.query("select seller_id, status from public.products where id = $1", [active.id]);
    expect(stored.rows[0]).toEqual({ seller_id: alice, status: "active" });
  });

  it("refuses creating as sold or with an unknown status (22023)", async () => {
    for (const status of ["sold", "archived", null]) {
      expect(
        await codeOf(asUser(alice, (c) => c.query("select * from public.create_product('X', '', 1, $1)", [status]))),
      ).toBe("22023");
    }
  });

  it("lets constraint violations through with their names", async () => {
    const fail = async (sql: string, params: unknown[] = []) => {
      try {
        await asUser(alice, (c) => c.query(sql, params));
      } catch (error) {
        const e = error as { code: string; constraint?: string };
        return [e.code, e.constraint];
      }
      return ["ok"];
    };
    expect(await fail("select * from public.create_product('')")).toEqual(["23514", "products_title_check"]);
    expect(await fail("select * from public.create_product('   ')")).toEqual(["23514", "products_title_check"]);
    expect(await fail("select * from public.create_product($1)", ["x".repeat(201)])).toEqual([
      "23514",
      "products_title_check",
    ]);
    expect(await fail("select * from public.create_product($1)", ["x".repeat(200)])).toEqual(["ok"]);
    expect(await fail("select * from public.create_product('X', '', -1)")).toEqual(["23514", "products_price_check"]);
    expect(await fail("select * from public.create_product('X', '', 1e12)")).toEqual(["22003", undefined]);
    expect(await fail("select * from public.create_product(null)")).toEqual(["23502", undefined]);
    expect(await fail("select * from public.create_product('X', null)")).toEqual(["23502", undefined]);
    expect(await fail("select * from public.create_product('X', $1)", ["d".repeat(5001)])).toEqual([
      "23514",
      "products_description_check",
    ]);
  });

  it("raises PT401 without a signed-in user", async () => {
    expect(
      await codeOf(asRole(db.pool, "authenticated", null, (c) => c.query("select * from public.create_product('X')"))),
    ).toBe("PT401");
  });
});

describe("update_product", () => {
  it("edits only the given fields and bumps updated_at", async () => {
    const id = await insertProduct(db.pool, alice, { title: "Old", price: 10, createdAt: "2026-01-01T00:00:00Z" });
    const { rows } = await asUser(alice, (c) =>
      c.query("select * from public.update_product($1, p_price => 12.5)", [id]),
    );
    expect(rows[0]).toMatchObject({ id, title: "Old", price: "12.50", status: "active", seller_name: "Alice Seller" });
    expect(rows[0].updated_at.getTime()).toBeGreaterThan(new Date("2026-01-01T00:00:00Z").getTime());
  });

  it("marks sold (sold_at follows) and back", async () => {
    const id = await insertProduct(db.pool, alice);
    const result = await asUser(alice, async (c) => {
      const sold = await c.query("select status, sold_at from public.update_product($1, p_status => 'sold')", [id]);
      const again = await c.query("select status, sold_at from public.update_product($1, p_status => 'active')", [id]);
      return { sold: sold.rows[0], again: again.rows[0] };
    });
    expect(result.sold.status).toBe("sold");
    expect(result.sold.sold_at).toBeInstanceOf(Date);
    expect(result.again).toEqual({ status: "active", sold_at: null });
  });

  it("a no-op update leaves updated_at (and sold_at) unchanged", async () => {
    const past = "2026-01-01T00:00:00.000Z";
    const id = await insertProduct(db.pool, alice, { title: "Same", price: 10, status: "sold", createdAt: past });
    const before = await db.pool.query("select updated_at, sold_at, xmin::text from public.products where id = $1", [
      id,
    ]);
    const { rows } = await asUser(
      alice,
      (c) =>
        c
          .query("select * from public.update_product($1, 'Same', '', 10, 'sold')", [id])
          .then(() => c.query("select * from public.update_product($1)", [id])),
      { commit: true },
    );
    expect(rows[0].updated_at.toISOString()).toBe(past);
    const after = await db.pool.query("select updated_at, sold_at, xmin::text from public.products where id = $1", [
      id,
    ]);
    expect(after.rows[0]).toEqual(before.rows[0]); // not even rewritten
  });

  it("raises PT404 when the caller cannot see the product, PT403 when it is not theirs", async () => {
    const draft = await insertProduct(db.pool, alice, { status: "draft" });
    const listed = await insertProduct(db.pool, alice);
    expect(
      await codeOf(asUser(bob, (c) => c.query("select * from public.update_product($1, 'Mine now')", [draft]))),
    ).toBe("PT404");
    expect(
      await codeOf(asUser(bob, (c) => c.query("select * from public.update_product($1, 'Mine now')", [listed]))),
    ).toBe("PT403");
    expect(
      await codeOf(
        asUser(bob, (c) =>
          c.query("select * from public.update_product($1, 'X')", ["00000000-0000-4000-8000-999999999999"]),
        ),
      ),
    ).toBe("PT404");
    expect(
      await codeOf(
        asRole(db.pool, "authenticated", null, (c) =>
          c.query("select * from public.update_product($1, 'X')", [listed]),
        ),
      ),
    ).toBe("PT401");
    const unchanged = await db.pool.query("select title from public.products where id = $1", [listed]);
    expect(unchanged.rows[0].title).toBe("Item");
  });

  it("lets constraint violations through", async () => {
    const id = await insertProduct(db.pool, alice);
    expect(await codeOf(asUser(alice, (c) => c.query("select * from public.update_product($1, '')", [id])))).toBe(
      "23514",
    );
    expect(
      await codeOf(asUser(alice, (c) => c.query("select * from public.update_product($1, $2)", [id, "t".repeat(201)]))),
    ).toBe("23514");
    expect(
      await codeOf(asUser(alice, (c) => c.query("select * from public.update_product($1, p_price => -5)", [id]))),
    ).toBe("23514");
    expect(
      await codeOf(asUser(alice, (c) => c.query("select * from public.update_product($1, p_status => 'gone')", [id]))),
    ).toBe("23514");
  });
});

describe("delete_product", () => {
  it("deletes the owner's draft or active product and returns its id", async () => {
    const id = await insertProduct(db.pool, alice, { status: "draft" });
    const { rows } = await asUser(alice, (c) => c.query("select public.delete_product($1) as id", [id]), {
      commit: true,
    });
    expect(rows[0].id).toBe(id);
    const left = await db.pool.query("select 1 from public.products where id = $1", [id]);
    expect(left.rowCount).toBe(0);
  });

  it("raises PT409 for a sold product, PT403 for someone else's, PT404 for unseen, PT401 signed out", async () => {
    const sold = await insertProduct(db.pool, alice, { status: "sold" });
    const listed = await insertProduct(db.pool, alice);
    const draft = await insertProduct(db.pool, alice, { status: "draft" });
    expect(await codeOf(asUser(alice, (c) => c.query("select public.delete_product($1)", [sold])))).toBe("PT409");
    expect(await codeOf(asUser(bob, (c) => c.query("select public.delete_product($1)", [listed])))).toBe("PT403");
    expect(await codeOf(asUser(bob, (c) => c.query("select public.delete_product($1)", [draft])))).toBe("PT404");
    expect(
      await codeOf(
        asRole(db.pool, "authenticated", null, (c) => c.query("select public.delete_product($1)", [listed])),
      ),
    ).toBe("PT401");
    const left = await db.pool.query("select count(*)::int as n from public.products where id = any($1)", [
      [sold, listed, draft],
    ]);
    expect(left.rows[0].n).toBe(3);
  });
});

describe("list_demo_users", () => {
  it("lists users for the server, sellers first, with product counts", async () => {
    const local = await createTestDatabase();
    const s = await createUser(local.pool, "Zed Seller");
    const shopper = await createUser(local.pool, "Amy Shopper");
    await local.pool.query(
      `insert into public.products (seller_id, title, price, status) values ($1, 'a', 1, 'draft'), ($1, 'b', 1, 'active')`,
      [s],
    );
    const { rows } = await asRole(local.pool, "service_role", null, (c) =>
      c.query("select * from public.list_demo_users()"),
    );
    expect(rows).toEqual([
      { id: s, display_name: "Zed Seller", avatar_url: null, product_count: 2, is_seller: true },
      { id: shopper, display_name: "Amy Shopper", avatar_url: null, product_count: 0, is_seller: false },
    ]);
  });
});
