/**
 * record_product_view's per-address rules, called as the server calls it (service_role, the viewer,
 * the address keys): the per-product cap, the per-seller budget shared by signed-in and anonymous
 * viewers, nested keys (IPv6 /64, /56, /48), anonymous views without an address, repeats, and
 * exactness when many calls race.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { insertProduct } from "./leaderboard-helpers";

let db: TestDatabase;
let seller: string;

beforeAll(async () => {
  db = await createTestDatabase();
  seller = await createUser(db.pool, "Budget Seller");
});

type Viewer = { user: string } | { session: string };
const anonymous = (): Viewer => ({ session: randomUUID() });

function record(product: string, viewer: Viewer, keys: string[] | null, budgets?: number[]) {
  return asRole(
    db.pool,
    "service_role",
    null,
    async (c) =>
      (
        await c.query(
          `select public.record_product_view($1, p_session_id => $2, p_user_id => $3, p_client_keys => $4,
                                             p_seller_budgets => $5) as counted`,
          [
            product,
            "session" in viewer ? viewer.session : null,
            "user" in viewer ? viewer.user : null,
            keys,
            budgets ?? null,
          ],
        )
      ).rows[0].counted as boolean,
    { commit: true },
  );
}

const products = (n: number, sellerId = seller) =>
  Promise.all(Array.from({ length: n }, () => insertProduct(db.pool, sellerId)));

describe("per-address view rules", () => {
  it("caps one address at 5 views per product, signed-in and anonymous together", async () => {
    const [product] = await products(1);
    const key = `k-${randomUUID()}`;
    const accounts = await Promise.all([1, 2, 3].map((i) => createUser(db.pool, `Puppet ${i} ${key}`)));
    const results: boolean[] = [];
    for (const user of accounts) results.push(await record(product, { user }, [key]));
    for (let i = 0; i < 4; i++) results.push(await record(product, anonymous(), [key]));
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect(await record(product, anonymous(), [`other-${key}`])).toBe(true);
  });

  it("gives one address at most 20 views per seller and month, however many products the seller lists", async () => {
    const listed = await products(45);
    const key = `k-${randomUUID()}`;
    let counted = 0;
    for (const product of listed) for (let i = 0; i < 5; i++) if (await record(product, anonymous(), [key])) counted++;
    expect(counted).toBe(20);
    // Puppet accounts from the same address get no further.
    const puppet = await createUser(db.pool, `Late Puppet ${key}`);
    expect(await record(listed[44], { user: puppet }, [key])).toBe(false);
    // Another seller has a budget of its own; another address too.
    const rival = await createUser(db.pool, `Rival ${key}`);
    const [theirs] = await products(1, rival);
    expect(await record(theirs, anonymous(), [key])).toBe(true);
    expect(await record(listed[44], anonymous(), [`other-${key}`])).toBe(true);
    const { rows } = await db.pool.query(
      "select views from private.view_budgets where client_key = $1 and seller_id = $2",
      [key, seller],
    );
    expect(rows).toEqual([{ views: 20 }]);
  });

  it("applies every nested key's budget: rotating /64s inside one /56 or /48 does not multiply it", async () => {
    const listed = await products(30);
    const id = randomUUID();
    const site = `48-${id}`;
    const line = `56-${id}`;
    // Budgets as the server passes them: 3 per /64, 5 per /56, 8 per /48 (small, to keep the test short).
    let counted = 0;
    for (let net = 0; net < 4; net++) {
      for (const product of listed.slice(net * 5, net * 5 + 5)) {
        if (await record(product, anonymous(), [`64-${net}-${id}`, line, site], [3, 5, 8])) counted++;
      }
    }
    expect(counted).toBe(5); // the /56 stopped it
    for (let net = 0; net < 2; net++) {
      for (const product of listed.slice(20 + net * 5, 25 + net * 5)) {
        if (await record(product, anonymous(), [`64-b${net}-${id}`, `56-b-${id}`, site], [3, 5, 8])) counted++;
      }
    }
    expect(counted).toBe(8); // then the /48
  });

  it("never counts an anonymous view without an address; a signed-in one still counts once", async () => {
    const [product] = await products(1);
    expect(await record(product, anonymous(), null)).toBe(false);
    const shopper = await createUser(db.pool, `Addressless ${randomUUID()}`);
    expect(await record(product, { user: shopper }, null)).toBe(true);
    expect(await record(product, { user: shopper }, null)).toBe(false);
  });

  it("spends no budget on a repeat", async () => {
    const [product] = await products(1);
    const key = `k-${randomUUID()}`;
    const viewer = anonymous();
    expect(await record(product, viewer, [key])).toBe(true);
    for (let i = 0; i < 5; i++) expect(await record(product, viewer, [key])).toBe(false);
    const { rows } = await db.pool.query("select views from private.view_budgets where client_key = $1", [key]);
    expect(rows).toEqual([{ views: 1 }]);
  });

  it("is exact when many calls race on one address", async () => {
    const listed = await products(12);
    const key = `k-${randomUUID()}`;
    const answers = await Promise.all(
      listed.flatMap((product) => Array.from({ length: 4 }, () => record(product, anonymous(), [key]))),
    );
    expect(answers.filter(Boolean)).toHaveLength(20);
    const { rows } = await db.pool.query(
      `select count(*)::int as n from public.product_views v where v.client_key = $1`,
      [key],
    );
    expect(rows[0].n).toBe(20);
  });

  it("refuses malformed keys and budgets (22023)", async () => {
    const [product] = await products(1);
    await expect(record(product, anonymous(), ["a", "b", "c", "d"])).rejects.toMatchObject({ code: "22023" });
    await expect(record(product, anonymous(), ["a", "a"])).rejects.toMatchObject({ code: "22023" });
    await expect(record(product, anonymous(), ["a", "b"], [1])).rejects.toMatchObject({ code: "22023" });
    await expect(record(product, anonymous(), ["a"], [-1])).rejects.toMatchObject({ code: "22023" });
    await expect(record(product, anonymous(), ["a", "b", "a"])).rejects.toMatchObject({ code: "22023" });
    await expect(record(product, anonymous(), ["a", "b", "b"])).rejects.toMatchObject({ code: "22023" });
    await expect(record(product, anonymous(), ["a", null as unknown as string])).rejects.toMatchObject({
      code: "22023",
    });
    await expect(record(product, anonymous(), ["a", "b"], [1, null as unknown as number])).rejects.toMatchObject({
      code: "22023",
    });
    await expect(record(product, anonymous(), ["a"], [])).rejects.toMatchObject({ code: "22023" });
  });

  it("a budget of 0 refuses the first view; each key's own budget counts, the broadest too", async () => {
    const listed = await products(3);
    const id = randomUUID();
    expect(await record(listed[0], anonymous(), [`64-${id}`], [0])).toBe(false);
    expect(await record(listed[0], anonymous(), [`64-${id}`, `56-${id}`], [5, 0])).toBe(false);
    expect(await record(listed[0], anonymous(), [`64-${id}`, `56-${id}`], [1, 5])).toBe(true);
    expect(await record(listed[1], anonymous(), [`64-${id}`, `56-${id}`], [1, 5])).toBe(false); // the /64's 1
    expect(await record(listed[1], anonymous(), [`64-b-${id}`, `56-${id}`], [1, 5])).toBe(true);
    const { rows } = await db.pool.query(
      "select client_key, views from private.view_budgets where client_key like $1 order by client_key",
      [`%${id}`],
    );
    expect(rows).toEqual([
      { client_key: `56-${id}`, views: 2 },
      { client_key: `64-${id}`, views: 1 },
      { client_key: `64-b-${id}`, views: 1 },
    ]);
  });

  it("checks the per-product cap through its index", async () => {
    const [product] = await products(1);
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
});

describe("the rate limit in the same call", () => {
  const recordLimited = (product: string, rateKey: string, perMinute: number) =>
    asRole(
      db.pool,
      "service_role",
      null,
      async (c) =>
        (
          await c.query(
            `select public.record_product_view($1, p_session_id => $2, p_client_keys => $3,
                                               p_rate_key => $4, p_rate_limit => $5) as counted`,
            [product, randomUUID(), [`k-${randomUUID()}`], rateKey, perMinute],
          )
        ).rows[0].counted as boolean,
      { commit: true },
    );

  it("takes at most the limit a minute under the key, then PT429 with the seconds to wait; refused calls write nothing", async () => {
    const [product] = await products(1);
    const rateKey = `views:${randomUUID()}`;
    expect(await recordLimited(product, rateKey, 2)).toBe(true);
    expect(await recordLimited(product, rateKey, 2)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const refused = recordLimited(product, rateKey, 2);
      await expect(refused).rejects.toMatchObject({ code: "PT429" });
      const wait = Number(((await refused.catch((error) => error)) as { detail?: string }).detail);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
    }
    const counted = await db.pool.query("select count(*)::int as n from public.product_views where product_id = $1", [
      product,
    ]);
    expect(counted.rows[0].n).toBe(2);
    const window = await db.pool.query("select hits from private.rate_limit_windows where key = $1", [rateKey]);
    expect(window.rows).toEqual([{ hits: 2 }]);
  });

  it("counts repeats and views that do not count against the limit too", async () => {
    const [product] = await products(1);
    const sold = await insertProduct(db.pool, seller, { status: "sold" });
    const rateKey = `views:${randomUUID()}`;
    expect(await recordLimited(sold, rateKey, 2)).toBe(false);
    expect(await recordLimited(product, rateKey, 2)).toBe(true);
    await expect(recordLimited(product, rateKey, 2)).rejects.toMatchObject({ code: "PT429" });
  });
});
