/**
 * The products table's RLS rules and column grants, tried with plain SQL as anon, as the owner and as
 * another seller (what a client with the public key could do through PostgREST).
 */
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";

let db: TestDatabase;
let owner: string;
let other: string;
let shopper: string;
let active: string;
let sold: string;
let draft: string;
let message: string;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const asOwner = <T>(fn: (c: pg.PoolClient) => Promise<T>) => asRole(db.pool, "authenticated", owner, fn);
const asOther = <T>(fn: (c: pg.PoolClient) => Promise<T>) => asRole(db.pool, "authenticated", other, fn);
const asShopper = <T>(fn: (c: pg.PoolClient) => Promise<T>) => asRole(db.pool, "authenticated", shopper, fn);
const asAnon = <T>(fn: (c: pg.PoolClient) => Promise<T>) => asRole(db.pool, "anon", null, fn);
const asService = <T>(fn: (c: pg.PoolClient) => Promise<T>) => asRole(db.pool, "service_role", null, fn);

beforeAll(async () => {
  db = await createTestDatabase();
  owner = await createUser(db.pool, "Owner Seller");
  other = await createUser(db.pool, "Other Seller");
  shopper = await createUser(db.pool, "Shopper");
  const { rows } = await db.pool.query(
    `insert into public.products (seller_id, title, price, status)
     values ($1, 'Active one', 10, 'active'), ($1, 'Sold one', 20, 'sold'), ($1, 'Draft one', 30, 'draft')
     returning id, status`,
    [owner],
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.id]));
  ({ active, sold, draft } = byStatus);
  await db.pool.query(
    "insert into public.products (seller_id, title, price, status) values ($1, 'Other draft', 5, 'draft')",
    [other],
  );
  const m = await db.pool.query(
    "insert into public.messages (sender_id, recipient_id, product_id, body) values ($1, $2, $3, 'Is it available?') returning id",
    [shopper, owner, active],
  );
  message = m.rows[0].id;
  await db.pool.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
    active,
  ]);
});

describe("reading products", () => {
  const titles = (run: typeof asAnon) =>
    run((c) => c.query("select title from public.products order by title")).then((r) => r.rows.map((x) => x.title));

  it("anon reads active and sold products but no drafts", async () => {
    expect(await titles(asAnon)).toEqual(["Active one", "Sold one"]);
  });

  it("the owner also reads their own drafts", async () => {
    expect(await titles(asOwner)).toEqual(["Active one", "Draft one", "Sold one"]);
  });

  it("another seller reads listed products and their own drafts, not the owner's drafts", async () => {
    expect(await titles(asOther)).toEqual(["Active one", "Other draft", "Sold one"]);
    const seen = await asOther((c) => c.query("select 1 from public.products where id = $1", [draft]));
    expect(seen.rowCount).toBe(0);
  });

  it("service_role reads everything", async () => {
    expect(await titles(asService)).toEqual(["Active one", "Draft one", "Other draft", "Sold one"]);
  });
});

describe("writing products", () => {
  it("anon cannot insert, update or delete products", async () => {
    expect(await codeOf(asAnon((c) => c.query("insert into public.products (title, price) values ('x', 1)")))).toBe(
      "42501",
    );
    expect(await codeOf(asAnon((c) => c.query("update public.products set title = 'x'")))).toBe("42501");
    expect(await codeOf(asAnon((c) => c.query("delete from public.products")))).toBe("42501");
  });

  it("the owner creates, edits and deletes their own products", async () => {
    const result = await asOwner(async (c) => {
      const created = await c.query(
        "insert into public.products (title, price, status) values ('New', 3, 'active') returning seller_id",
      );
      const updated = await c.query("update public.products set title = 'Renamed', price = 4 where id = $1", [active]);
      const deleted = await c.query("delete from public.products where id = $1", [draft]);
      return { seller: created.rows[0].seller_id, updated: updated.rowCount, deleted: deleted.rowCount };
    });
    expect(result).toEqual({ seller: owner, updated: 1, deleted: 1 });
  });

  it("a seller cannot create a product for someone else", async () => {
    // No insert grant on seller_id at all...
    expect(
      await codeOf(
        asOther((c) => c.query("insert into public.products (seller_id, title, price) values ($1, 'x', 1)", [owner])),
      ),
    ).toBe("42501");
    // ...and signed out, the default seller_id (auth.uid()) is null, which the policy refuses.
    expect(
      await codeOf(
        asRole(db.pool, "authenticated", null, (c) =>
          c.query("insert into public.products (title, price) values ('x', 1)"),
        ),
      ),
    ).toBe("42501");
  });

  it("another seller's update and delete of the owner's products touch 0 rows", async () => {
    const result = await asOther(async (c) => {
      const updated = await c.query("update public.products set title = 'Hijacked' where seller_id = $1", [owner]);
      const deleted = await c.query("delete from public.products where seller_id = $1", [owner]);
      return [updated.rowCount, deleted.rowCount];
    });
    expect(result).toEqual([0, 0]);
    const { rows } = await db.pool.query(
      "select count(*)::int as n from public.products where seller_id = $1 and title <> 'Hijacked'",
      [owner],
    );
    expect(rows[0].n).toBe(3);
  });

  it("through the functions, another seller gets PT403 on listed products and PT404 on drafts", async () => {
    expect(await codeOf(asOther((c) => c.query("select * from public.update_product($1, 'x')", [active])))).toBe(
      "PT403",
    );
    expect(await codeOf(asOther((c) => c.query("select public.delete_product($1)", [sold])))).toBe("PT403");
    expect(await codeOf(asOther((c) => c.query("select * from public.update_product($1, 'x')", [draft])))).toBe(
      "PT404",
    );
    expect(await codeOf(asOther((c) => c.query("select public.delete_product($1)", [draft])))).toBe("PT404");
  });

  it("the owner cannot hand a product to another seller", async () => {
    expect(
      await codeOf(asOwner((c) => c.query("update public.products set seller_id = $1 where id = $2", [other, active]))),
    ).toBe("42501");
  });

  it.each(["seller_id", "created_at", "updated_at", "sold_at"])(
    "clients cannot write products.%s directly",
    async (column) => {
      const value = column === "seller_id" ? `'${owner}'` : "now() - interval '1 day'";
      expect(
        await codeOf(
          asOwner((c) => c.query(`update public.products set ${column} = ${value} where id = $1`, [active])),
        ),
      ).toBe("42501");
      expect(
        await codeOf(
          asOwner((c) => c.query(`insert into public.products (title, price, ${column}) values ('x', 1, ${value})`)),
        ),
      ).toBe("42501");
    },
  );
});

describe("messages", () => {
  const visible = (run: typeof asAnon) =>
    run((c) => c.query("select id from public.messages")).then((r) => r.rows.map((x) => x.id));

  it("are visible to sender and recipient only", async () => {
    expect(await visible(asShopper)).toEqual([message]);
    expect(await visible(asOwner)).toEqual([message]);
    expect(await visible(asOther)).toEqual([]);
  });

  it("anon sees none (no grant at all)", async () => {
    expect(await codeOf(asAnon((c) => c.query("select id from public.messages")))).toBe("42501");
  });

  it("are sent as oneself and marked read by the recipient only", async () => {
    expect(
      await codeOf(
        asShopper((c) => c.query("insert into public.messages (recipient_id, body) values ($1, 'Hello')", [other])),
      ),
    ).toBe("ok");
    expect(
      await codeOf(
        asShopper((c) =>
          c.query("insert into public.messages (sender_id, recipient_id, body) values ($1, $2, 'Forged')", [
            other,
            owner,
          ]),
        ),
      ),
    ).toBe("42501");
    const bySender = await asShopper((c) =>
      c.query("update public.messages set read_at = now() where id = $1", [message]),
    );
    expect(bySender.rowCount).toBe(0);
    const byOther = await asOther((c) =>
      c.query("update public.messages set read_at = now() where id = $1", [message]),
    );
    expect(byOther.rowCount).toBe(0);
    const byRecipient = await asOwner((c) =>
      c.query("update public.messages set read_at = now() where id = $1", [message]),
    );
    expect(byRecipient.rowCount).toBe(1);
    expect(
      await codeOf(asOwner((c) => c.query("update public.messages set body = 'edited' where id = $1", [message]))),
    ).toBe("42501");
  });
});

describe("product_views", () => {
  it("nobody but the service role reads or writes them directly", async () => {
    for (const run of [asAnon, asOwner, asOther]) {
      expect(await codeOf(run((c) => c.query("select * from public.product_views")))).toBe("42501");
      expect(
        await codeOf(
          run((c) =>
            c.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
              active,
            ]),
          ),
        ),
      ).toBe("42501");
    }
    const { rows } = await asService((c) => c.query("select count(*)::int as n from public.product_views"));
    expect(rows[0].n).toBe(1);
  });
});

describe("user profiles", () => {
  it("are public to read", async () => {
    const { rows } = await asAnon((c) => c.query("select display_name from public.users order by display_name"));
    expect(rows.map((r) => r.display_name)).toEqual(["Other Seller", "Owner Seller", "Shopper"]);
  });

  it("each user updates only their own profile", async () => {
    const own = await asOwner((c) =>
      c.query("update public.users set display_name = 'Renamed' where id = $1", [owner]),
    );
    expect(own.rowCount).toBe(1);
    const others = await asOwner((c) =>
      c.query("update public.users set display_name = 'Hijacked' where id = $1", [other]),
    );
    expect(others.rowCount).toBe(0);
    expect(await codeOf(asAnon((c) => c.query("update public.users set display_name = 'x'")))).toBe("42501");
    expect(
      await codeOf(asOwner((c) => c.query("update public.users set id = gen_random_uuid() where id = $1", [owner]))),
    ).toBe("42501");
    expect(
      await codeOf(
        asOwner((c) => c.query("insert into public.users (id, display_name) values (gen_random_uuid(), 'x')")),
      ),
    ).toBe("42501");
    expect(await codeOf(asOwner((c) => c.query("delete from public.users where id = $1", [owner])))).toBe("42501");
  });
});
