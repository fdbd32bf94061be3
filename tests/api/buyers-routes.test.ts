/**
 * The buyer routes called as Next.js calls them, against a real test database: a shopper writes to a
 * seller, the seller names the buyer, the buyer answers, the inbox, and every bad input the rule lists
 * (each answered in the one error shape, changing nothing).
 */
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCESS_TOKEN_COOKIE } from "../../lib/auth/cookies";
import { signDemoToken } from "../../lib/auth/tokens";
import { LOCAL_DEV_JWT_SECRET, resetConfigForTests } from "../../lib/config";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/db";

type RouteHandler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

let db: TestDatabase;
let routes: {
  put: RouteHandler;
  message: RouteHandler;
  answer: RouteHandler;
  candidates: RouteHandler;
  inbox: RouteHandler;
  unread: RouteHandler;
  reply: RouteHandler;
};
const users = { ana: "", ben: "", cleo: "" };
const tokens = { ana: "", ben: "", cleo: "" };
const BROWSER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

async function call(
  route: RouteHandler,
  {
    method = "GET",
    id,
    token,
    json,
    rawBody,
  }: { method?: string; id?: string; token?: string; json?: unknown; rawBody?: string },
) {
  const request = new NextRequest(`http://localhost/api/test`, {
    method,
    body: rawBody ?? (json === undefined ? undefined : JSON.stringify(json)),
    headers: {
      ...(token ? { cookie: `${ACCESS_TOKEN_COOKIE}=${token}` } : {}),
      "user-agent": BROWSER_AGENT,
      ...(method === "GET" ? {} : { "content-type": "application/json" }),
    },
  });
  const response = await route(request, {
    params: Promise.resolve<Record<string, string>>(id === undefined ? {} : { id }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function insertProduct(sellerId: string, status = "active", title = "Camera", price = 120): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    "insert into public.products (seller_id, title, price, status) values ($1, $2, $3, $4) returning id",
    [sellerId, title, price, status],
  );
  return rows[0].id;
}

const soldThisMonth = async (seller: string) =>
  (
    await db.pool.query(
      `select coalesce((select items_sold from public.seller_sales_counts
                         where seller_id = $1 and year = extract(year from now() at time zone 'UTC')
                           and month = extract(month from now() at time zone 'UTC')), 0)::int as n`,
      [seller],
    )
  ).rows[0].n as number;
const messageCount = async () => (await db.pool.query("select count(*)::int as n from public.messages")).rows[0].n;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.APP_MODE = "embedded";
  process.env.DATABASE_URL = db.url;
  resetConfigForTests();
  const [item, message, answer, candidates, inbox, unread, reply] = await Promise.all([
    import("../../app/api/products/[id]/route"),
    import("../../app/api/products/[id]/messages/route"),
    import("../../app/api/products/[id]/buyer-response/route"),
    import("../../app/api/products/[id]/buyer-candidates/route"),
    import("../../app/api/messages/route"),
    import("../../app/api/messages/unread/route"),
    import("../../app/api/messages/[id]/reply/route"),
  ]);
  routes = {
    put: item.PUT,
    message: message.POST,
    answer: answer.POST,
    candidates: candidates.GET,
    inbox: inbox.GET,
    unread: unread.GET,
    reply: reply.POST,
  };
  users.ana = await createUser(db.pool, "Ana");
  users.ben = await createUser(db.pool, "Ben");
  users.cleo = await createUser(db.pool, "Cleo");
  for (const name of ["ana", "ben", "cleo"] as const)
    tokens[name] = await signDemoToken(users[name], LOCAL_DEV_JWT_SECRET);
});

describe("the whole flow", () => {
  it("a shopper writes, the seller replies and names them, the buyer answers Not me, and the sale leaves the board", async () => {
    const camera = await insertProduct(users.ana);
    const sent = await call(routes.message, {
      method: "POST",
      id: camera,
      token: tokens.ben,
      json: { body: "Is it still available?" },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({
      productId: camera,
      recipientId: users.ana,
      body: "Is it still available?",
    });
    expect((await call(routes.unread, { token: tokens.ana })).body).toEqual({ unreadCount: 1 });

    const inbox = await call(routes.inbox, { token: tokens.ana });
    expect(inbox.body.conversations).toMatchObject([
      { productId: camera, otherName: "Ben", readerIsSeller: true, unreadCount: 1, replyToId: sent.body.message.id },
    ]);
    const replied = await call(routes.reply, {
      method: "POST",
      id: sent.body.message.id,
      token: tokens.ana,
      json: { body: "Yes!" },
    });
    expect(replied.status).toBe(201);

    const candidates = await call(routes.candidates, { id: camera, token: tokens.ana });
    expect(candidates.body.candidates).toMatchObject([{ userId: users.ben, displayName: "Ben" }]);
    const sold = await call(routes.put, {
      method: "PUT",
      id: camera,
      token: tokens.ana,
      json: { status: "sold", buyerId: users.ben },
    });
    expect(sold.status).toBe(200);
    expect(sold.body.product.status).toBe("sold");
    expect(await soldThisMonth(users.ana)).toBe(1);

    const buyerInbox = await call(routes.inbox, { token: tokens.ben });
    expect(buyerInbox.body.conversations[0]).toMatchObject({
      otherName: "Ana",
      readerIsSeller: false,
      messages: [
        { outgoing: true, body: "Is it still available?" },
        { outgoing: false, body: "Yes!" },
      ],
      sale: { readerIsBuyer: true, counts: true, buyerResponse: null, notMeOpen: true },
    });
    const answered = await call(routes.answer, {
      method: "POST",
      id: camera,
      token: tokens.ben,
      json: { response: "not_me" },
    });
    expect(answered.status).toBe(200);
    expect(answered.body.sale).toMatchObject({ productId: camera, buyerResponse: "not_me", counts: false });
    expect(await soldThisMonth(users.ana)).toBe(0);
    const sellerInbox = await call(routes.inbox, { token: tokens.ana });
    expect(sellerInbox.body.conversations[0].sale).toMatchObject({ readerIsBuyer: false, buyerResponse: "not_me" });
  });
});

describe("bad input gets a clear answer, and nothing changes", () => {
  it("PUT buyerId: not a UUID 400; without status sold 400; someone who never wrote 409 naming who can be; yourself 409", async () => {
    const lens = await insertProduct(users.ana, "active", "Lens");
    await call(routes.message, { method: "POST", id: lens, token: tokens.ben, json: { body: "Hi" } });
    const put = (json: unknown) => call(routes.put, { method: "PUT", id: lens, token: tokens.ana, json });

    const notUuid = await put({ status: "sold", buyerId: "ben" });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.error.details.issues[0]).toMatchObject({ path: "buyerId", message: "buyerId must be a UUID." });
    expect((await put({ buyerId: users.ben })).status).toBe(400);
    expect((await put({ status: "active", buyerId: users.ben })).status).toBe(400);
    const stranger = await put({ status: "sold", buyerId: users.cleo });
    expect(stranger.status).toBe(409);
    expect(stranger.body.error).toEqual({
      code: "conflict",
      message: "only someone who wrote to you about this product can be named as its buyer: Ben",
    });
    const self = await put({ status: "sold", buyerId: users.ana });
    expect(self.status).toBe(409);
    expect(self.body.error.message).toBe("you cannot name yourself as the buyer");
    const { rows } = await db.pool.query("select status from public.products where id = $1", [lens]);
    expect(rows[0].status).toBe("active");
    expect(
      (await db.pool.query("select count(*)::int as n from public.sales where product_id = $1", [lens])).rows[0].n,
    ).toBe(0);
  });

  it("buyer-response: 404 for anyone but the named buyer, 400 for a bad answer, 409 for Not me after 14 days", async () => {
    const tripod = await insertProduct(users.ana, "active", "Tripod");
    await call(routes.message, { method: "POST", id: tripod, token: tokens.ben, json: { body: "Hi" } });
    await call(routes.put, {
      method: "PUT",
      id: tripod,
      token: tokens.ana,
      json: { status: "sold", buyerId: users.ben },
    });
    const answer = (token: string, json: unknown) => call(routes.answer, { method: "POST", id: tripod, token, json });
    expect((await answer(tokens.cleo, { response: "not_me" })).status).toBe(404);
    expect((await answer(tokens.ana, { response: "not_me" })).status).toBe(404);
    expect((await answer(tokens.ben, { response: "maybe" })).status).toBe(400);
    expect(
      (await call(routes.answer, { method: "POST", id: "nope", token: tokens.ben, json: { response: "confirm" } }))
        .status,
    ).toBe(400);
    expect((await call(routes.answer, { method: "POST", id: tripod, json: { response: "confirm" } })).status).toBe(401);
    await db.pool.query("update public.products set sold_at = now() - interval '15 days' where id = $1", [tripod]);
    const late = await answer(tokens.ben, { response: "not_me" });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("conflict");
    expect(
      (await db.pool.query("select buyer_response from public.sales where product_id = $1", [tripod])).rows[0]
        .buyer_response,
    ).toBeNull();
  });

  it("undoing a sale more than 14 days after it: 409, and the sale stays", async () => {
    const old = await insertProduct(users.ana, "active", "Old sale");
    await db.pool.query(
      "update public.products set status = 'sold', sold_at = now() - interval '20 days' where id = $1",
      [old],
    );
    const undo = await call(routes.put, { method: "PUT", id: old, token: tokens.ana, json: { status: "active" } });
    expect(undo.status).toBe(409);
    expect(undo.body.error.message).toMatch(/^a sale can be undone only within 14 days of it/);
    expect((await db.pool.query("select status from public.products where id = $1", [old])).rows[0].status).toBe(
      "sold",
    );
  });

  it("messages: empty 400, too long 400, too large a body 413, your own product 400, a draft 404, not a UUID 400, signed out 401", async () => {
    const mug = await insertProduct(users.ana, "active", "Mug");
    const draft = await insertProduct(users.ana, "draft", "Draft");
    const before = await messageCount();
    const send = (id: string, json: unknown, token: string | null = tokens.ben) =>
      call(routes.message, { method: "POST", id, token: token ?? undefined, json });
    expect((await send(mug, { body: "   " })).status).toBe(400);
    expect((await send(mug, {})).status).toBe(400);
    expect((await send(mug, { body: "x".repeat(4001) })).status).toBe(400);
    const huge = await call(routes.message, {
      method: "POST",
      id: mug,
      token: tokens.ben,
      rawBody: JSON.stringify({ body: "x".repeat(20_000) }),
    });
    expect(huge.status).toBe(413);
    const own = await send(mug, { body: "Hello me" }, tokens.ana);
    expect(own.status).toBe(400);
    expect(own.body.error.code).toBe("invalid_input");
    expect((await send(draft, { body: "Hi" })).status).toBe(404);
    expect((await send("00000000-0000-4000-8000-000000000000", { body: "Hi" })).status).toBe(404);
    expect((await send("not-a-uuid", { body: "Hi" })).status).toBe(400);
    expect((await send(mug, { body: "Hi" }, null)).status).toBe(401);
    expect(await messageCount()).toBe(before);
    // Kept as typed: plain text.
    const html = await send(mug, { body: "<script>alert(1)</script>" });
    expect(html.body.message.body).toBe("<script>alert(1)</script>");
  });

  it("over the hourly quota (messages and replies together): 429, and nothing is sent", async () => {
    const shopper = await createUser(db.pool, "Chatty");
    const token = await signDemoToken(shopper, LOCAL_DEV_JWT_SECRET);
    const bowl = await insertProduct(users.ana, "active", "Bowl");
    await db.pool.query(
      "insert into public.messages (sender_id, recipient_id, product_id, body) select $1, $2, $3, 'm' || g from generate_series(1, 30) g",
      [shopper, users.ana, bowl],
    );
    const before = await messageCount();
    const refused = await call(routes.message, { method: "POST", id: bowl, token, json: { body: "One more?" } });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      code: "rate_limited",
      message: "you can send at most 30 messages an hour: please try again later",
    });
    expect(await messageCount()).toBe(before);
  });

  it("buyer-candidates: the seller only (403 for another user, 401 signed out)", async () => {
    const vase = await insertProduct(users.ana, "active", "Vase");
    expect((await call(routes.candidates, { id: vase, token: tokens.ana })).body).toEqual({ candidates: [] });
    expect((await call(routes.candidates, { id: vase, token: tokens.ben })).status).toBe(403);
    expect((await call(routes.candidates, { id: vase })).status).toBe(401);
  });
});

describe("the attacks, through the routes", () => {
  it("six requests (three $0.01 listings marked sold) leave the board unchanged; a puppet adds at most 3 a month", async () => {
    const cheat = await createUser(db.pool, "Cheat");
    const cheatToken = await signDemoToken(cheat, LOCAL_DEV_JWT_SECRET);
    const create = (await import("../../app/api/products/route")).POST;
    const board = async () =>
      (await db.pool.query("select * from public.get_top_sellers_by_sales('month', null, null, 100)")).rows;
    const before = await board();
    for (let i = 0; i < 3; i++) {
      const made = await call(create as RouteHandler, {
        method: "POST",
        token: cheatToken,
        json: { title: `Penny ${i}`, price: 0.01, status: "active" },
      });
      expect(made.status).toBe(201);
      const sold = await call(routes.put, {
        method: "PUT",
        id: made.body.product.id,
        token: cheatToken,
        json: { status: "sold" },
      });
      expect(sold.status).toBe(200);
    }
    expect(await board()).toEqual(before);

    const puppet = await createUser(db.pool, "Puppet");
    const puppetToken = await signDemoToken(puppet, LOCAL_DEV_JWT_SECRET);
    for (let i = 0; i < 5; i++) {
      const made = await call(create as RouteHandler, {
        method: "POST",
        token: cheatToken,
        json: { title: `P${i}`, price: 0.01, status: "active" },
      });
      const id = made.body.product.id;
      await call(routes.message, { method: "POST", id, token: puppetToken, json: { body: "Buying" } });
      await call(routes.put, { method: "PUT", id, token: cheatToken, json: { status: "sold", buyerId: puppet } });
    }
    expect(await soldThisMonth(cheat)).toBe(3);
  });
});
