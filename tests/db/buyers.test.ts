/**
 * Buyers, as scenarios with named actors through the API roles: a shopper writes to a seller, the seller
 * names who bought it, which sales rank (decided at the sale and stored), the buyer's answer, who may read
 * a sale, moderation of disputed sales, the message quota, and the two attacks the rule exists for.
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import {
  askAbout,
  cached,
  currentMonth,
  expectNoDrift,
  insertProduct,
  pastMonth,
  sellToBuyer,
} from "./leaderboard-helpers";

let db: TestDatabase;
let now: { year: number; month: number };
beforeAll(async () => {
  db = await createTestDatabase();
  now = await currentMonth(db.pool);
});

type Client = pg.PoolClient;
const as = <T>(user: string, fn: (c: Client) => Promise<T>) =>
  asRole(db.pool, "authenticated", user, fn, { commit: true });
const asAdmin = async <T>(user: string, fn: (c: Client) => Promise<T>) => {
  const client = await db.pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
      JSON.stringify({ sub: user, role: "authenticated", app_metadata: { role: "admin" } }),
    ]);
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
};
const write = (shopper: string, product: string, body = "Is this still available?") =>
  as(shopper, (c) => c.query("select * from public.send_product_message($1, $2)", [product, body]));
const sell = (seller: string, product: string, buyer: string | null) =>
  as(seller, (c) =>
    c.query("select * from public.update_product($1, p_status => 'sold', p_buyer_id => $2)", [product, buyer]),
  );
const answer = (buyer: string, product: string, response: string) =>
  as(buyer, (c) => c.query("select * from public.respond_to_sale($1, $2)", [product, response]));
const sale = async (product: string) =>
  (await db.pool.query("select * from public.sales where product_id = $1 and undone_at is null", [product])).rows[0];
const soldThisMonth = async (seller: string) => (await cached(db.pool, seller, now.year, now.month)).items_sold;

describe("a shopper writes to a seller", () => {
  it("about a listed product; never about their own, nor about a draft they cannot see; anon cannot", async () => {
    const ana = await createUser(db.pool, "Ana Seller");
    const ben = await createUser(db.pool, "Ben Shopper");
    const camera = await insertProduct(db.pool, ana, { title: "Camera" });
    const draft = await insertProduct(db.pool, ana, { status: "draft" });
    const { rows } = await write(ben, camera, "<b>Is it still available?</b>");
    expect(rows[0]).toMatchObject({ sender_id: ben, recipient_id: ana, product_id: camera });
    expect(rows[0].body).toBe("<b>Is it still available?</b>"); // kept as typed: plain text
    await expect(write(ana, camera)).rejects.toMatchObject({ code: "PT400" });
    await expect(write(ben, draft)).rejects.toMatchObject({ code: "PT404" });
    await expect(write(ana, draft)).rejects.toMatchObject({ code: "PT400" });
    await expect(
      asRole(db.pool, "anon", null, (c) => c.query("select * from public.send_product_message($1, 'hi')", [camera])),
    ).rejects.toMatchObject({ code: "42501" });
    // Both sides see the conversation, each from their side.
    const inbox = await as(ana, (c) => c.query("select * from public.list_my_conversation_messages()"));
    expect(inbox.rows).toMatchObject([
      { other_id: ben, other_name: "Ben Shopper", outgoing: false, product_title: "Camera" },
    ]);
    const sent = await as(ben, (c) => c.query("select * from public.list_my_conversation_messages()"));
    expect(sent.rows).toMatchObject([{ other_id: ana, outgoing: true }]);
    expect((await as(ana, (c) => c.query("select public.count_my_unread_messages() as n"))).rows[0].n).toBe(1);
  });

  it("at most 30 messages an hour per sender, new messages and replies together, even when sent at once", async () => {
    const seller = await createUser(db.pool, "Quota Seller");
    const shopper = await createUser(db.pool, "Quota Shopper");
    const product = await insertProduct(db.pool, seller);
    // 28 earlier this hour, one reply: 29.
    await db.pool.query(
      "insert into public.messages (sender_id, recipient_id, product_id, body) select $1, $2, $3, 'm' || g from generate_series(1, 28) g",
      [shopper, seller, product],
    );
    const { rows: received } = await db.pool.query(
      "insert into public.messages (sender_id, recipient_id, product_id, body) values ($2, $1, $3, 'Yes') returning id",
      [shopper, seller, product],
    );
    await as(shopper, (c) => c.query("select public.reply_to_message($1, 'Great')", [received[0].id]));
    // Two at once for the 30th place: exactly one gets it.
    const results = await Promise.allSettled([write(shopper, product), write(shopper, product)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "PT429" } });
    await expect(
      as(shopper, (c) => c.query("select public.reply_to_message($1, 'Again')", [received[0].id])),
    ).rejects.toMatchObject({ code: "PT429" });
    // Messages older than an hour no longer count.
    await db.pool.query(
      "update public.messages set created_at = now() - interval '61 minutes' where sender_id = $1 and body = 'm1'",
      [shopper],
    );
    await write(shopper, product);
  });
});

describe("the seller names who bought it", () => {
  it("only someone who wrote about this product, never themselves; the 409 says who can be named", async () => {
    const ana = await createUser(db.pool, "Ana Namer");
    const ben = await createUser(db.pool, "Ben Writer");
    const cleo = await createUser(db.pool, "Cleo Stranger");
    const camera = await insertProduct(db.pool, ana);
    const other = await insertProduct(db.pool, ana);
    await expect(sell(ana, camera, ben)).rejects.toMatchObject({
      code: "PT409",
      message: expect.stringContaining("nobody has yet"),
    });
    await write(ben, camera);
    await write(cleo, other); // wrote about another product: not a candidate for this one
    await expect(sell(ana, camera, cleo)).rejects.toMatchObject({
      code: "PT409",
      message: expect.stringContaining(": Ben Writer"),
    });
    await expect(sell(ana, camera, ana)).rejects.toMatchObject({ code: "PT409" });
    await expect(
      as(ana, (c) => c.query("select * from public.update_product($1, p_buyer_id => $2)", [camera, ben])),
    ).rejects.toMatchObject({ code: "22023" });
    const candidates = await as(ana, (c) => c.query("select * from public.list_buyer_candidates($1)", [camera]));
    expect(candidates.rows).toMatchObject([{ user_id: ben, display_name: "Ben Writer" }]);
    await expect(
      as(ben, (c) => c.query("select * from public.list_buyer_candidates($1)", [camera])),
    ).rejects.toMatchObject({ code: "PT403" });
    expect(await sale(camera)).toBeUndefined(); // every refusal changed nothing

    await sell(ana, camera, ben);
    expect(await sale(camera)).toMatchObject({ buyer_id: ben, ranks: true, seller_id: ana });
    expect(await soldThisMonth(ana)).toBe(1);
    // The buyer cannot be changed after the sale.
    await expect(sell(ana, camera, ben)).rejects.toMatchObject({ code: "PT409" });
    await expectNoDrift(db.pool);
  });

  it("sold elsewhere (no buyer) stays in the records and earnings, never on the boards", async () => {
    const ana = await createUser(db.pool, "Ana Elsewhere");
    const lamp = await insertProduct(db.pool, ana, { price: 40 });
    await sell(ana, lamp, null);
    expect(await sale(lamp)).toMatchObject({ buyer_id: null, ranks: false });
    expect(await soldThisMonth(ana)).toBe(0);
    const dashboard = await as(ana, (c) => c.query("select * from public.get_seller_dashboard()"));
    expect(dashboard.rows[0]).toMatchObject({ sold_month: 0, sold_all_time: 0 });
    expect(Number(dashboard.rows[0].earnings_total)).toBe(40);
  });

  it("at most 3 ranked sales per buyer, seller and month: concurrent sales cannot both take the third place", async () => {
    const seller = await createUser(db.pool, "Cap Seller");
    const puppet = await createUser(db.pool, "Cap Puppet");
    const products = [];
    for (let i = 0; i < 6; i++) {
      const id = await insertProduct(db.pool, seller);
      await askAbout(db.pool, puppet, seller, id);
      products.push(id);
    }
    await sell(seller, products[0], puppet);
    await sell(seller, products[1], puppet);
    // Two sellers' transactions race for the third place.
    await Promise.all([sell(seller, products[2], puppet), sell(seller, products[3], puppet)]);
    await sell(seller, products[4], puppet);
    expect(await soldThisMonth(seller)).toBe(3);
    const ranked = await db.pool.query("select count(*)::int as n from public.sales where buyer_id = $1 and ranks", [
      puppet,
    ]);
    expect(ranked.rows[0].n).toBe(3);
    // No replacement: undoing a ranked sale does not let a later one rank in its place.
    const firstRanked = (
      await db.pool.query("select product_id from public.sales where buyer_id = $1 and ranks limit 1", [puppet])
    ).rows[0].product_id;
    await as(seller, (c) => c.query("select * from public.update_product($1, p_status => 'active')", [firstRanked]));
    await sell(seller, products[5], puppet);
    expect(await soldThisMonth(seller)).toBe(2);
    // Another seller is another key.
    const other = await createUser(db.pool, "Cap Other Seller");
    await sellToBuyer(db.pool, other, await insertProduct(db.pool, other), puppet);
    expect(await soldThisMonth(other)).toBe(1);
    expect((await db.pool.query("select * from public.sales_cap_violations()")).rows).toEqual([]);
    await expectNoDrift(db.pool);
  });

  it("price edits, moving the product and the buyer's account deletion leave the decision as it is", async () => {
    const ana = await createUser(db.pool, "Ana Keeps");
    const bob = await createUser(db.pool, "Bob Takes Over");
    const product = await insertProduct(db.pool, ana);
    const buyer = await sellToBuyer(db.pool, ana, product);
    await as(ana, (c) => c.query("select * from public.update_product($1, p_price => 0)", [product]));
    expect(await soldThisMonth(ana)).toBe(1);
    await db.pool.query("update public.products set seller_id = $2 where id = $1", [product, bob]);
    expect([await soldThisMonth(ana), await soldThisMonth(bob)]).toEqual([0, 1]);
    expect(await sale(product)).toMatchObject({ seller_id: bob, ranks: true });
    await db.pool.query("delete from auth.users where id = $1", [buyer]);
    expect(await sale(product)).toMatchObject({ buyer_id: null, ranks: true });
    expect(await soldThisMonth(bob)).toBe(1);
    // Deleting the product deletes its sales and their counts (admin SQL: a sold product, not through the app).
    await db.pool.query("delete from public.products where id = $1", [product]);
    expect(await soldThisMonth(bob)).toBe(0);
    expect(
      (await db.pool.query("select count(*)::int as n from public.sales where product_id = $1", [product])).rows[0].n,
    ).toBe(0);
    await expectNoDrift(db.pool);
  });
});

describe("the buyer answers", () => {
  it("only the named buyer (404 for anyone else); confirm is recorded for the seller; Not me takes the sale off at once and is final", async () => {
    const ana = await createUser(db.pool, "Ana Answered");
    const ben = await createUser(db.pool, "Ben Answers");
    const cleo = await createUser(db.pool, "Cleo Other");
    const camera = await insertProduct(db.pool, ana, { title: "Camera" });
    const lens = await insertProduct(db.pool, ana, { title: "Lens" });
    await sellToBuyer(db.pool, ana, camera, ben);
    await sellToBuyer(db.pool, ana, lens, ben);
    await expect(answer(cleo, camera, "not_me")).rejects.toMatchObject({ code: "PT404" });
    await expect(answer(ana, camera, "not_me")).rejects.toMatchObject({ code: "PT404" });
    await expect(answer(ben, camera, "maybe")).rejects.toMatchObject({ code: "22023" });
    expect(await soldThisMonth(ana)).toBe(2);

    const confirmed = await answer(ben, camera, "confirm");
    expect(confirmed.rows[0]).toMatchObject({ buyer_response: "confirm", counts: true });
    const seen = await as(ana, (c) => c.query("select * from public.list_my_sales_with_buyers()"));
    expect(seen.rows.find((r) => r.product_id === camera)).toMatchObject({
      buyer_name: "Ben Answers",
      buyer_response: "confirm",
    });

    const disputed = await answer(ben, lens, "not_me");
    expect(disputed.rows[0]).toMatchObject({ buyer_response: "not_me", counts: false });
    expect(await soldThisMonth(ana)).toBe(1);
    await expect(answer(ben, lens, "confirm")).rejects.toMatchObject({ code: "PT409" });
    await expect(answer(ben, camera, "not_me")).rejects.toMatchObject({ code: "PT409" });
    await answer(ben, lens, "not_me"); // the same answer again changes nothing

    // Admins and service_role list the disputed sales; nobody else may.
    const listed = await asAdmin(cleo, (c) => c.query("select * from public.list_disputed_sales()"));
    expect(listed.rows.filter((r) => r.product_id === lens)).toMatchObject([
      { buyer_name: "Ben Answers", seller_name: "Ana Answered" },
    ]);
    await asRole(db.pool, "service_role", null, (c) => c.query("select * from public.list_disputed_sales()"));
    await expect(as(ana, (c) => c.query("select * from public.list_disputed_sales()"))).rejects.toMatchObject({
      code: "42501",
    });
    await expectNoDrift(db.pool);
  });

  it("Not me only within 14 days of sold_at (409 after)", async () => {
    const ana = await createUser(db.pool, "Ana Late");
    const product = await insertProduct(db.pool, ana);
    const ben = await sellToBuyer(db.pool, ana, product);
    await db.pool.query("update public.products set sold_at = now() - interval '15 days' where id = $1", [product]);
    await expect(answer(ben, product, "not_me")).rejects.toMatchObject({ code: "PT409" });
    await answer(ben, product, "confirm");
  });
});

describe("who may read and write a sale", () => {
  it("its buyer and seller read it; nobody else, and no client writes it", async () => {
    const ana = await createUser(db.pool, "Ana Private");
    const cleo = await createUser(db.pool, "Cleo Nosy");
    const product = await insertProduct(db.pool, ana);
    const ben = await sellToBuyer(db.pool, ana, product);
    const read = (user: string) =>
      as(user, async (c) => (await c.query("select * from public.sales where product_id = $1", [product])).rows.length);
    expect([await read(ana), await read(ben), await read(cleo)]).toEqual([1, 1, 0]);
    await expect(asRole(db.pool, "anon", null, (c) => c.query("select * from public.sales"))).rejects.toMatchObject({
      code: "42501",
    });
    await expect(
      as(ana, (c) => c.query("update public.sales set ranks = true where product_id = $1", [product])),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(
      as(ben, (c) => c.query("update public.sales set buyer_response = 'not_me' where product_id = $1", [product])),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(
      as(cleo, (c) =>
        c.query("insert into public.sales (product_id, seller_id, sold_at, ranks) values ($1, $2, now(), true)", [
          product,
          cleo,
        ]),
      ),
    ).rejects.toMatchObject({ code: "42501" });
  });
});

describe("the attacks the rule is for", () => {
  it("a fresh account lists three items at $0.01 and marks them sold (six requests): the board is unchanged", async () => {
    const cheat = await createUser(db.pool, "Fresh Cheat");
    const before = (await db.pool.query("select * from public.get_top_sellers_by_sales('month', null, null, 100)"))
      .rows;
    for (let i = 0; i < 3; i++) {
      const id = await as(cheat, async (c) => {
        const { rows } = await c.query("select id from public.create_product('Penny item', '', 0.01, 'active')");
        return rows[0].id as string;
      });
      await as(cheat, (c) => c.query("select * from public.update_product($1, p_status => 'sold')", [id]));
    }
    const after = (await db.pool.query("select * from public.get_top_sellers_by_sales('month', null, null, 100)")).rows;
    expect(after).toEqual(before);
  });

  it("a puppet buyer adds at most 3 ranked sales a month to one seller", async () => {
    const seller = await createUser(db.pool, "Puppet Master");
    const puppet = await createUser(db.pool, "Puppet");
    for (let i = 0; i < 5; i++)
      await sellToBuyer(db.pool, seller, await insertProduct(db.pool, seller, { price: 0.01 }), puppet);
    expect(await soldThisMonth(seller)).toBe(3);
  });

  it("re-dating: sales older than 14 days cannot be undone and sold again into this month", async () => {
    const seller = await createUser(db.pool, "Re-dater");
    const months = [];
    for (let m = 1; m <= 3; m++) {
      const past = await pastMonth(db.pool, m);
      months.push(past);
      await insertProduct(db.pool, seller, { status: "sold", soldAt: past.at });
    }
    const products = (await db.pool.query("select id from public.products where seller_id = $1", [seller])).rows;
    for (const { id } of products) {
      await expect(
        as(seller, (c) => c.query("select * from public.update_product($1, p_status => 'active')", [id])),
      ).rejects.toMatchObject({ code: "PT409" });
    }
    for (const past of months) expect((await cached(db.pool, seller, past.year, past.month)).items_sold).toBe(1);
    expect(await soldThisMonth(seller)).toBe(0);
    await expectNoDrift(db.pool);
  });
});

describe("the dashboard's sales in three parts and people asking", () => {
  it("ranked, not ranked (disputed or over the cap) and sold elsewhere; conversations waiting for a reply", async () => {
    const ana = await createUser(db.pool, "Ana Parts");
    const ben = await createUser(db.pool, "Ben Parts");
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await insertProduct(db.pool, ana, { price: 10 }));
    for (let i = 0; i < 4; i++) await sellToBuyer(db.pool, ana, ids[i], ben); // the 4th is over the cap
    await answer(ben, ids[0], "not_me");
    await sell(ana, ids[4], null);
    // Someone asks about the last one and is waiting; Ben's threads were answered by nobody either.
    const cleo = await createUser(db.pool, "Cleo Parts");
    await write(cleo, ids[5]);
    const { rows } = await as(ana, (c) => c.query("select * from public.get_my_sales_summary()"));
    expect(rows[0]).toEqual({ sold_ranked: 2, sold_not_ranked: 2, sold_elsewhere: 1, people_asking: 5 });
    const dashboard = await as(ana, (c) => c.query("select * from public.get_seller_dashboard()"));
    expect(dashboard.rows[0]).toMatchObject({ sold_month: 2, sold_all_time: 2 });
    expect(Number(dashboard.rows[0].earnings_total)).toBe(50);
  });
});
