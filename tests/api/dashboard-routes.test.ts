/**
 * GET /api/dashboard and the inbox routes, called as Next.js calls them, against a real database:
 * 401 signed out, the figures of get_seller_dashboard signed in, marking read and replying.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { signDemoToken } from "../../lib/auth/tokens";
import { LOCAL_DEV_JWT_SECRET } from "../../lib/config";
import { dashboardResponseSchema } from "../../lib/validation/dashboard";
import { callRoute, setUpEmbeddedApp, type RouteHandler } from "../helpers/app";
import { asRole, createUser, type TestDatabase } from "../helpers/db";
import { insertProduct, insertView } from "../db/leaderboard-helpers";

const app = setUpEmbeddedApp();
let db: TestDatabase;
let routes: { dashboard: RouteHandler; messages: RouteHandler; read: RouteHandler; reply: RouteHandler };
const users = { seller: "", shopper: "", stranger: "" };
const tokens = { seller: "", shopper: "", stranger: "" };
let question = "";

beforeAll(async () => {
  db = app.db;
  routes = {
    dashboard: (await import("../../app/api/dashboard/route")).GET as RouteHandler,
    messages: (await import("../../app/api/messages/route")).GET as RouteHandler,
    read: (await import("../../app/api/messages/[id]/read/route")).POST as RouteHandler,
    reply: (await import("../../app/api/messages/[id]/reply/route")).POST as RouteHandler,
  };
  users.seller = await createUser(db.pool, "Dash Seller");
  users.shopper = await createUser(db.pool, "Dash Shopper");
  users.stranger = await createUser(db.pool, "Dash Stranger");
  for (const key of Object.keys(users) as (keyof typeof users)[])
    tokens[key] = await signDemoToken(users[key], LOCAL_DEV_JWT_SECRET);

  const lamp = await insertProduct(db.pool, users.seller, { title: "Brass lamp", price: 40 });
  await insertProduct(db.pool, users.seller, {
    title: "Oak chair",
    price: 120,
    status: "sold",
    soldAt: new Date(Date.now() - 60_000).toISOString(),
  });
  await insertProduct(db.pool, users.seller, {
    title: "Old desk",
    price: 80.5,
    status: "sold",
    soldAt: "2025-03-15T12:00:00Z",
  });
  for (let i = 0; i < 3; i++) await insertView(db.pool, lamp);
  const { rows } = await db.pool.query<{ id: string }>(
    "insert into public.messages (sender_id, recipient_id, product_id, body) values ($1, $2, $3, 'Is the lamp still available?') returning id",
    [users.shopper, users.seller, lamp],
  );
  question = rows[0].id;
});

describe("GET /api/dashboard", () => {
  it("answers 401 in the error shape when signed out", async () => {
    const { status, body } = await callRoute(routes.dashboard, { path: "/api/dashboard" });
    expect(status).toBe(401);
    expect(body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("answers the signed-in seller's figures, the same as get_seller_dashboard, never cached", async () => {
    const { status, body, headers } = await callRoute(routes.dashboard, {
      path: "/api/dashboard",
      cookieToken: tokens.seller,
    });
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toMatch(/no-store/);
    expect(dashboardResponseSchema.safeParse(body).success).toBe(true);
    const { rows } = await asRole(db.pool, "authenticated", users.seller, (c) =>
      c.query("select * from public.get_seller_dashboard()"),
    );
    const sql = rows[0];
    expect(body).toMatchObject({
      activeListings: sql.active_listings,
      viewsMonth: sql.views_month,
      viewsAllTime: sql.views_all_time,
      soldMonth: sql.sold_month,
      soldAllTime: sql.sold_all_time,
      earningsTotal: Number(sql.earnings_total),
      unreadMessages: sql.unread_messages,
      rankSalesMonth: sql.rank_sales_month,
      rankViewsMonth: sql.rank_views_month,
      timeZone: "UTC",
    });
    expect(body).toMatchObject({
      activeListings: 1,
      viewsMonth: 3,
      soldMonth: 1,
      soldAllTime: 2,
      earningsTotal: 200.5,
      unreadMessages: 1,
      rankSalesMonth: 1,
      rankViewsMonth: 1,
      sales: { ranked: 2, notRanked: 0, soldElsewhere: 0 },
      peopleAsking: 1,
    });
    expect(body.months).toHaveLength(12);
    const now = new Date();
    expect(body.months[11]).toEqual({
      year: now.getUTCFullYear(),
      month: now.getUTCMonth() + 1,
      itemsSold: 1,
      totalViews: 3,
      rankSales: 1,
      rankViews: 1,
    });
    expect(body.topProducts).toEqual([
      { id: expect.any(String), title: "Brass lamp", status: "active", price: 40, viewsMonth: 3, viewsAllTime: 3 },
    ]);
  });

  it("answers a shopper with no products with zeros and null ranks", async () => {
    const { status, body } = await callRoute(routes.dashboard, { path: "/api/dashboard", bearer: tokens.stranger });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      activeListings: 0,
      soldAllTime: 0,
      rankSalesMonth: null,
      rankViewsMonth: null,
      topProducts: [],
    });
  });
});

describe("the inbox routes", () => {
  it("answer 401 signed out and 400 for a malformed id", async () => {
    expect((await callRoute(routes.messages, { path: "/api/messages" })).status).toBe(401);
    const bad = await callRoute(routes.read, {
      method: "POST",
      path: "/api/messages/nope/read",
      id: "nope",
      bearer: tokens.seller,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_input");
  });

  it("list the inbox, mark a message read for its recipient only, and the unread count drops", async () => {
    const inbox = await callRoute(routes.messages, { path: "/api/messages", bearer: tokens.seller });
    expect(inbox.body).toMatchObject({
      unreadCount: 1,
      conversations: [
        {
          otherName: "Dash Shopper",
          productTitle: "Brass lamp",
          unreadCount: 1,
          replyToId: question,
          messages: [{ id: question, outgoing: false, readAt: null }],
        },
      ],
    });

    const stranger = await callRoute(routes.read, {
      method: "POST",
      path: `/api/messages/${question}/read`,
      id: question,
      bearer: tokens.stranger,
    });
    expect(stranger.status).toBe(404);
    const sender = await callRoute(routes.read, {
      method: "POST",
      path: `/api/messages/${question}/read`,
      id: question,
      bearer: tokens.shopper,
    });
    expect(sender.status).toBe(403);

    const read = await callRoute(routes.read, {
      method: "POST",
      path: `/api/messages/${question}/read`,
      id: question,
      bearer: tokens.seller,
    });
    expect(read).toMatchObject({ status: 200, body: { unreadCount: 0 } });
    expect(
      (await callRoute(routes.dashboard, { path: "/api/dashboard", bearer: tokens.seller })).body.unreadMessages,
    ).toBe(0);
  });

  it("reply to the sender (201), and refuse an empty reply with details", async () => {
    const empty = await callRoute(routes.reply, {
      method: "POST",
      path: `/api/messages/${question}/reply`,
      id: question,
      bearer: tokens.seller,
      json: { body: "  " },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.issues[0].path).toBe("body");
    const sent = await callRoute(routes.reply, {
      method: "POST",
      path: `/api/messages/${question}/reply`,
      id: question,
      bearer: tokens.seller,
      json: { body: "Yes, it is." },
    });
    expect(sent.status).toBe(201);
    const inbox = await callRoute(routes.messages, { path: "/api/messages", bearer: tokens.shopper });
    expect(inbox.body).toMatchObject({
      unreadCount: 1,
      conversations: [
        {
          otherName: "Dash Seller",
          replyToId: sent.body.id,
          messages: [
            { id: question, outgoing: true },
            { id: sent.body.id, outgoing: false, body: "Yes, it is." },
          ],
        },
      ],
    });
  });
});
