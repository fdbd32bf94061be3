import { describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser } from "../helpers/db";

describe("sign-up creates a profile", () => {
  it("inserts public.users from the auth user's metadata", async () => {
    const db = await createTestDatabase();
    const id = await createUser(db.pool, "Ada Seller");
    const { rows } = await db.pool.query("select display_name from public.users where id = $1", [id]);
    expect(rows).toEqual([{ display_name: "Ada Seller" }]);
    const seen = await asRole(db.pool, "anon", null, (c) => c.query("select count(*)::int as n from public.users"));
    expect(seen.rows[0].n).toBe(1);
  });
});

describe("messages", () => {
  it("can only be about a product the sender can see", async () => {
    const db = await createTestDatabase();
    const seller = await createUser(db.pool, "Seller");
    const shopper = await createUser(db.pool, "Shopper");
    const { rows } = await db.pool.query(
      "insert into public.products (seller_id, title, price, status) values ($1, 'Draft', 1, 'draft'), ($1, 'Listed', 1, 'active') returning id, status",
      [seller],
    );
    const draft = rows.find((row) => row.status === "draft").id;
    const listed = rows.find((row) => row.status === "active").id;
    const send = (productId: string) =>
      asRole(db.pool, "authenticated", shopper, (c) =>
        c.query("insert into public.messages (recipient_id, product_id, body) values ($1, $2, 'Hi')", [
          seller,
          productId,
        ]),
      );
    await expect(send(listed)).resolves.toBeDefined();
    await expect(send(draft)).rejects.toMatchObject({ code: "42501" });
  });
});

describe("security rules of the whole schema", () => {
  it("every table has RLS; no function is executable by PUBLIC; every security definer function fixes search_path", async () => {
    const db = await createTestDatabase();
    const tables = await db.pool.query<{ name: string; rls: boolean }>(
      `select c.oid::regclass::text as name, c.relrowsecurity as rls from pg_class c
        where c.relkind in ('r', 'p') and c.relnamespace in ('public'::regnamespace, 'private'::regnamespace)`,
    );
    expect(tables.rows.length).toBeGreaterThanOrEqual(6);
    expect(tables.rows.filter((table) => !table.rls)).toEqual([]);

    const functions = await db.pool.query<{
      name: string;
      definer: boolean;
      config: string[] | null;
      public_exec: boolean;
    }>(
      `select p.oid::regprocedure::text as name, p.prosecdef as definer, p.proconfig as config,
              has_function_privilege('public', p.oid, 'execute') as public_exec
         from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)`,
    );
    expect(functions.rows.length).toBeGreaterThanOrEqual(20);
    expect(functions.rows.filter((fn) => fn.public_exec).map((fn) => fn.name)).toEqual([]);
    expect(
      functions.rows.filter((fn) => fn.definer && !(fn.config ?? []).includes('search_path=""')).map((fn) => fn.name),
    ).toEqual([]);
  });
});
