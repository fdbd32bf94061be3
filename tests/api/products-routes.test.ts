/**
 * The product routes called as Next.js calls them (route module exports, NextRequest, params promise)
 * against a real test database: every error status of the API and the happy paths.
 */
import { NextRequest } from "next/server";
import { afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { VIEWER_SESSION_COOKIE } from "../../lib/auth/cookies";
import { signDemoToken } from "../../lib/auth/tokens";
import { LOCAL_DEV_JWT_SECRET, resetConfigForTests } from "../../lib/config";
import { closePools } from "../../lib/db/postgres";
import { newViewerSessionCookie } from "../../lib/views/viewer-session";
import { insertProduct } from "../db/leaderboard-helpers";
import { callRoute as callAnyRoute, setUpEmbeddedApp, type RouteCall, type RouteHandler } from "../helpers/app";

const callRoute = callAnyRoute;
import { createUser, type TestDatabase } from "../helpers/db";

const app = setUpEmbeddedApp();
let db: TestDatabase;
let routes: {
  create: RouteHandler;
  get: RouteHandler;
  put: RouteHandler;
  remove: RouteHandler;
  views: RouteHandler;
  mine: RouteHandler;
};
const users = { ada: "", bea: "", shopper: "" };
const tokens = { ada: "", bea: "", shopper: "" };

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

beforeAll(async () => {
  db = app.db;
  const [collection, item, views, mine] = await Promise.all([
    import("../../app/api/products/route"),
    import("../../app/api/products/[id]/route"),
    import("../../app/api/products/[id]/views/route"),
    import("../../app/api/my-products/route"),
  ]);
  routes = {
    create: collection.POST,
    get: item.GET,
    put: item.PUT,
    remove: item.DELETE,
    views: views.POST,
    mine: mine.GET,
  };
  users.ada = await createUser(db.pool, "Ada");
  users.bea = await createUser(db.pool, "Bea");
  users.shopper = await createUser(db.pool, "Sam");
  tokens.ada = await signDemoToken(users.ada, LOCAL_DEV_JWT_SECRET);
  tokens.bea = await signDemoToken(users.bea, LOCAL_DEV_JWT_SECRET);
  tokens.shopper = await signDemoToken(users.shopper, LOCAL_DEV_JWT_SECRET);
});

describe("cross-site requests (CSRF), in the one route wrapper", () => {
  const create = (
    headers: Record<string, string>,
    rawBody = JSON.stringify({ title: "Desk", price: 1, status: "draft" }),
  ) => callRoute(routes.create, { method: "POST", path: "/api/products", cookieToken: tokens.ada, rawBody, headers });

  it("answers 415 to a state-changing request that is not JSON, and creates nothing", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const { status, body } = await create({ "content-type": type });
      expect(status, type).toBe(415);
      expect(body.error.code).toBe("unsupported_media_type");
    }
    const noType = await callRoute(routes.remove, {
      method: "DELETE",
      path: `/api/products/${UNKNOWN_ID}`,
      id: UNKNOWN_ID,
      cookieToken: tokens.ada,
      headers: { "content-type": "" },
    });
    expect(noType.status).toBe(415);
    expect(
      (
        await db.pool.query("select count(*)::int as n from public.products where title = 'Desk' and seller_id = $1", [
          users.ada,
        ])
      ).rows[0].n,
    ).toBe(0);
  });

  it("answers 403 to another site or origin (Sec-Fetch-Site or Origin), and allows same-origin requests", async () => {
    expect((await create({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await create({ "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await create({ origin: "http://localhost:4000" })).status).toBe(403);
    expect((await create({ origin: "https://evil.example" })).status).toBe(403);
    expect((await create({ origin: "null" })).status).toBe(403);
    expect((await create({ origin: "http://localhost", "sec-fetch-site": "same-origin" })).status).toBe(201);
    // Deletes and sign-out go through the same wrapper.
    expect(
      (
        await callRoute(routes.remove, {
          method: "DELETE",
          path: `/api/products/${UNKNOWN_ID}`,
          id: UNKNOWN_ID,
          cookieToken: tokens.ada,
          headers: { "sec-fetch-site": "cross-site" },
        })
      ).status,
    ).toBe(403);
  });
});

describe("POST /api/products", () => {
  it("answers 409 with a message for people, not a constraint name, when the seller's profile is gone", async () => {
    const ghost = await signDemoToken(UNKNOWN_ID, LOCAL_DEV_JWT_SECRET);
    const { status, body } = await callRoute(routes.create, {
      method: "POST",
      path: "/api/products",
      bearer: ghost,
      json: { title: "Desk", price: 1, status: "draft" },
    });
    expect(status).toBe(409);
    expect(body.error.code).toBe("conflict");
    expect(JSON.stringify(body)).not.toMatch(/fkey|constraint|products_/i);
  });

  it("creates a draft (201) for the signed-in seller, with the cookie as the credential", async () => {
    const { status, body } = await callRoute(routes.create, {
      method: "POST",
      path: "/api/products",
      cookieToken: tokens.ada,
      json: { title: "  Oak desk  ", description: "Solid oak.", price: 120.5, status: "draft" },
    });
    expect(status).toBe(201);
    expect(body.product).toMatchObject({
      title: "Oak desk",
      price: 120.5,
      status: "draft",
      sellerId: users.ada,
      soldAt: null,
      viewCount: 0,
    });
  });

  it("creates an active listing with a Bearer token", async () => {
    const { status, body } = await callRoute(routes.create, {
      method: "POST",
      path: "/api/products",
      bearer: tokens.ada,
      json: { title: "Chair", price: 0, status: "active" },
    });
    expect(status).toBe(201);
    expect(body.product).toMatchObject({ title: "Chair", price: 0, status: "active", description: "" });
  });

  it.each([
    ["an unknown field", { title: "Desk", price: 1, status: "draft", sellerId: UNKNOWN_ID }, ""],
    ["an empty title", { title: "   ", price: 1, status: "draft" }, "title"],
    ["a negative price", { title: "Desk", price: -1, status: "draft" }, "price"],
    ["a price with 3 decimals", { title: "Desk", price: 1.005, status: "draft" }, "price"],
    ["a price over the maximum", { title: "Desk", price: 10_000_000_000, status: "draft" }, "price"],
    ["a title over 200 characters", { title: "x".repeat(201), price: 1, status: "draft" }, "title"],
    ["a new product marked sold", { title: "Desk", price: 1, status: "sold" }, "status"],
    ["a NUL byte in the title", { title: "Desk\u0000", price: 1, status: "draft" }, "title"],
    [
      "a NUL byte in the description",
      { title: "Desk", description: "a\u0000b", price: 1, status: "draft" },
      "description",
    ],
    ["a missing price", { title: "Desk", status: "draft" }, "price"],
  ])("answers 400 with details for %s", async (_, json, path) => {
    const { status, body } = await callRoute(routes.create, {
      method: "POST",
      path: "/api/products",
      bearer: tokens.ada,
      json,
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const { status, body } = await callRoute(routes.create, {
      method: "POST",
      path: "/api/products",
      bearer: tokens.ada,
      rawBody: "{title:",
    });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: "invalid_input", message: "The request body is not valid JSON." });
  });

  it("answers 413 for a huge body", async () => {
    const { status, body } = await callRoute(routes.create, {
      method: "POST",
      path: "/api/products",
      bearer: tokens.ada,
      json: { title: "Desk", description: "x".repeat(40_000), price: 1, status: "draft" },
    });
    expect(status).toBe(413);
    expect(body.error.code).toBe("payload_too_large");
  });

  it("answers 401 without a token, and 401 for a bad Bearer token", async () => {
    const json = { title: "Desk", price: 1, status: "draft" };
    const anonymous = await callRoute(routes.create, { method: "POST", path: "/api/products", json });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("unauthorized");
    const forged = await signDemoToken(users.ada, "a-different-secret-that-is-at-least-32-chars");
    const bad = await callRoute(routes.create, { method: "POST", path: "/api/products", bearer: forged, json });
    expect(bad.status).toBe(401);
    const garbage = await callRoute(routes.create, {
      method: "POST",
      path: "/api/products",
      bearer: "not-a-jwt",
      json,
    });
    expect(garbage.status).toBe(401);
  });
});

describe("GET /api/products/:id", () => {
  it("shows an active product to anyone and a draft to its seller only (404 for others)", async () => {
    const active = await insertProduct(db.pool, users.ada, { status: "active" });
    const draft = await insertProduct(db.pool, users.ada, { status: "draft" });
    expect((await callRoute(routes.get, { path: `/api/products/${active}`, id: active })).body.product.id).toBe(active);
    expect(
      (await callRoute(routes.get, { path: `/api/products/${draft}`, id: draft, bearer: tokens.ada })).status,
    ).toBe(200);
    const other = await callRoute(routes.get, { path: `/api/products/${draft}`, id: draft, bearer: tokens.bea });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("not_found");
    expect((await callRoute(routes.get, { path: `/api/products/${draft}`, id: draft })).status).toBe(404);
  });

  it("answers 404 for an unknown id and 400 for an id that is not a UUID", async () => {
    expect((await callRoute(routes.get, { path: `/api/products/${UNKNOWN_ID}`, id: UNKNOWN_ID })).status).toBe(404);
    const bad = await callRoute(routes.get, { path: "/api/products/42", id: "42" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe("id");
  });
});

describe("PUT /api/products/:id", () => {
  it("edits title, description and price", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const { status, body } = await callRoute(routes.put, {
      method: "PUT",
      path: `/api/products/${id}`,
      id,
      bearer: tokens.ada,
      json: { title: "Brass lamp", description: "Works.", price: 30.25 },
    });
    expect(status).toBe(200);
    expect(body.product).toMatchObject({
      id,
      title: "Brass lamp",
      description: "Works.",
      price: 30.25,
      status: "active",
    });
  });

  it("marks sold (sold_at set), then active again (sold_at cleared), then draft", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const put = (json: unknown) =>
      callRoute(routes.put, { method: "PUT", path: `/api/products/${id}`, id, cookieToken: tokens.ada, json });
    const sold = await put({ status: "sold" });
    expect(sold.status).toBe(200);
    expect(sold.body.product.status).toBe("sold");
    expect(Date.parse(sold.body.product.soldAt)).toBeGreaterThan(Date.now() - 60_000);
    const active = await put({ status: "active" });
    expect(active.body.product).toMatchObject({ status: "active", soldAt: null });
    const draft = await put({ status: "draft" });
    expect(draft.body.product).toMatchObject({ status: "draft", soldAt: null });
  });

  it("answers 403 for another seller's active product and 404 for another seller's draft", async () => {
    const active = await insertProduct(db.pool, users.ada, { status: "active" });
    const draft = await insertProduct(db.pool, users.ada, { status: "draft" });
    const forbidden = await callRoute(routes.put, {
      method: "PUT",
      path: `/api/products/${active}`,
      id: active,
      bearer: tokens.bea,
      json: { status: "sold" },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("forbidden");
    const hidden = await callRoute(routes.put, {
      method: "PUT",
      path: `/api/products/${draft}`,
      id: draft,
      bearer: tokens.bea,
      json: { status: "active" },
    });
    expect(hidden.status).toBe(404);
    const unknown = await callRoute(routes.put, {
      method: "PUT",
      path: `/api/products/${UNKNOWN_ID}`,
      id: UNKNOWN_ID,
      bearer: tokens.bea,
      json: { price: 1 },
    });
    expect(unknown.status).toBe(404);
    const { rows } = await db.pool.query("select status from public.products where id = $1", [active]);
    expect(rows[0].status).toBe("active");
  });

  it.each([
    ["an empty body", {}],
    ["an unknown field", { status: "sold", sold_at: "2020-01-01T00:00:00Z" }],
    ["an unknown status", { status: "reserved" }],
    ["an empty title", { title: "" }],
    ["a negative price", { price: -0.01 }],
  ])("answers 400 for %s", async (_, json) => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const { status, body } = await callRoute(routes.put, {
      method: "PUT",
      path: `/api/products/${id}`,
      id,
      bearer: tokens.ada,
      json,
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.issues.length).toBeGreaterThan(0);
  });

  it("answers 400 for a bad uuid in the path and 401 without a token", async () => {
    expect(
      (
        await callRoute(routes.put, {
          method: "PUT",
          path: "/api/products/abc",
          id: "abc",
          bearer: tokens.ada,
          json: { price: 1 },
        })
      ).status,
    ).toBe(400);
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    expect(
      (await callRoute(routes.put, { method: "PUT", path: `/api/products/${id}`, id, json: { price: 1 } })).status,
    ).toBe(401);
  });
});

describe("DELETE /api/products/:id", () => {
  it("deletes the seller's product, which is then gone", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "draft" });
    const { status, body } = await callRoute(routes.remove, {
      method: "DELETE",
      path: `/api/products/${id}`,
      id,
      bearer: tokens.ada,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ deleted: id });
    expect((await callRoute(routes.get, { path: `/api/products/${id}`, id, bearer: tokens.ada })).status).toBe(404);
  });

  it("answers 409 for a sold product, 403 for another seller's, 401 without a token", async () => {
    const sold = await insertProduct(db.pool, users.ada, { status: "sold" });
    const conflict = await callRoute(routes.remove, {
      method: "DELETE",
      path: `/api/products/${sold}`,
      id: sold,
      bearer: tokens.ada,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("conflict");
    const active = await insertProduct(db.pool, users.ada, { status: "active" });
    expect(
      (
        await callRoute(routes.remove, {
          method: "DELETE",
          path: `/api/products/${active}`,
          id: active,
          bearer: tokens.bea,
        })
      ).status,
    ).toBe(403);
    expect(
      (await callRoute(routes.remove, { method: "DELETE", path: `/api/products/${active}`, id: active })).status,
    ).toBe(401);
  });
});

describe("GET /api/my-products", () => {
  it("lists the caller's products of every status, and 401 when signed out", async () => {
    const seller = await createUser(db.pool, "Cleo");
    const token = await signDemoToken(seller, LOCAL_DEV_JWT_SECRET);
    await insertProduct(db.pool, seller, { status: "draft", title: "One" });
    await insertProduct(db.pool, seller, { status: "sold", title: "Two" });
    await insertProduct(db.pool, users.bea, { status: "active", title: "Not mine" });
    const { status, body } = await callRoute(routes.mine, { path: "/api/my-products", cookieToken: token });
    expect(status).toBe(200);
    expect(body.products.map((p: { title: string }) => p.title).sort()).toEqual(["One", "Two"]);
    expect((await callRoute(routes.mine, { path: "/api/my-products" })).status).toBe(401);
  });
});

describe("POST /api/products/:id/views", () => {
  // Behind one proxy, each test from an address of its own (an anonymous view needs a known address);
  // a call's own X-Forwarded-For wins.
  let nextAddress = 1;
  let address = "";
  const callRoute = (route: RouteHandler, call: RouteCall) =>
    callAnyRoute(route, { ...call, headers: { "x-forwarded-for": address, ...call.headers } });
  beforeEach(() => {
    process.env.TRUST_PROXY = "1";
    resetConfigForTests();
    address = `192.0.2.${nextAddress++}`;
  });
  afterEach(() => {
    delete process.env.TRUST_PROXY;
    resetConfigForTests();
  });

  it("counts an anonymous shopper once per product (by viewer_session), then not again", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const session = newViewerSessionCookie();
    const view = () =>
      callRoute(routes.views, {
        method: "POST",
        path: `/api/products/${id}/views`,
        id,
        cookies: { [VIEWER_SESSION_COOKIE]: session },
      });
    expect((await view()).body).toEqual({ counted: true });
    expect((await view()).body).toEqual({ counted: false });
    const product = await callRoute(routes.get, { path: `/api/products/${id}`, id });
    expect(product.body.product.viewCount).toBe(1);
  });

  it("does not count a shopper without a viewer_session cookie, and gives them one that then counts", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const path = `/api/products/${id}/views`;
    for (let i = 0; i < 3; i++) {
      const { status, body, headers } = await callRoute(routes.views, { method: "POST", path, id });
      expect(status).toBe(200);
      expect(body).toEqual({ counted: false });
      expect(headers.get("set-cookie")).toMatch(
        new RegExp(`^${VIEWER_SESSION_COOKIE}=[0-9a-f-]{36}\\.[\\w-]{43};.*HttpOnly`, "i"),
      );
    }
    const cookie = (await callRoute(routes.views, { method: "POST", path, id })).headers
      .get("set-cookie")!
      .match(/=([^;]+)/)![1];
    expect(
      (await callRoute(routes.views, { method: "POST", path, id, cookies: { [VIEWER_SESSION_COOKIE]: cookie } })).body,
    ).toEqual({ counted: true });
    expect((await callRoute(routes.get, { path: `/api/products/${id}`, id })).body.product.viewCount).toBe(1);
  });

  it("does not count an invented or re-signed viewer_session cookie, and replaces it with one that counts", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const path = `/api/products/${id}/views`;
    const genuine = newViewerSessionCookie();
    const forged = [
      crypto.randomUUID(), // the old unsigned form
      `${crypto.randomUUID()}.${genuine.split(".")[1]}`, // another session's signature
      `${genuine}x`,
      `${genuine}.${genuine.split(".")[1]}`,
    ];
    for (const cookie of forged) {
      const { status, body, headers } = await callRoute(routes.views, {
        method: "POST",
        path,
        id,
        cookies: { [VIEWER_SESSION_COOKIE]: cookie },
      });
      expect(status, cookie).toBe(200);
      expect(body, cookie).toEqual({ counted: false });
      const fresh = headers.get("set-cookie")!.match(/=([^;]+)/)![1];
      expect(fresh).not.toBe(cookie);
      expect(
        (await callRoute(routes.views, { method: "POST", path, id, cookies: { [VIEWER_SESSION_COOKIE]: fresh } })).body,
      ).toEqual({ counted: true });
    }
    expect(
      (await db.pool.query("select count(*)::int as n from public.product_views where product_id = $1", [id])).rows[0]
        .n,
    ).toBe(forged.length);
  });

  it("gives a page visitor a signed viewer_session (the proxy), replacing an invented one and keeping a valid one", async () => {
    const { proxy } = await import("../../proxy");
    const { verifiedViewerSession } = await import("../../lib/views/viewer-session");
    const page = (cookie?: string) =>
      proxy(
        new NextRequest("http://localhost/products", {
          headers: cookie ? { cookie: `${VIEWER_SESSION_COOKIE}=${cookie}` } : {},
        }),
      );
    const given = (await page()).cookies.get(VIEWER_SESSION_COOKIE)?.value;
    expect(verifiedViewerSession(given)).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = (await page(crypto.randomUUID())).cookies.get(VIEWER_SESSION_COOKIE)?.value;
    expect(verifiedViewerSession(replaced)).not.toBeNull();
    expect((await page(given)).cookies.get(VIEWER_SESSION_COOKIE)).toBeUndefined();
  });

  it("answers obvious bots without counting them (no agent, crawlers, scripting tools)", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const path = `/api/products/${id}/views`;
    for (const agent of [
      "",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (compatible; bingbot/2.0)",
      "curl/8.5.0",
      "python-requests/2.32",
    ]) {
      const cookies = { [VIEWER_SESSION_COOKIE]: newViewerSessionCookie() };
      const { status, body } = await callRoute(routes.views, {
        method: "POST",
        path,
        id,
        cookies,
        headers: { "user-agent": agent },
      });
      expect(status, agent).toBe(200);
      expect(body, agent).toEqual({ counted: false });
    }
    const signedInBot = await callRoute(routes.views, {
      method: "POST",
      path,
      id,
      bearer: tokens.shopper,
      headers: { "user-agent": "curl/8.5.0" },
    });
    expect(signedInBot.body).toEqual({ counted: false });
    expect(
      (await db.pool.query("select count(*)::int as n from public.product_views where product_id = $1", [id])).rows[0]
        .n,
    ).toBe(0);
  });

  it("caps counted anonymous views per client address, product and month, storing a hash and not the address", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const path = `/api/products/${id}/views`;
    process.env.TRUST_PROXY = "1";
    resetConfigForTests();
    try {
      const counted: boolean[] = [];
      for (let i = 0; i < 8; i++) {
        // A fresh server-signed viewer_session every time, as a script fetching new cookies would.
        const cookies = { [VIEWER_SESSION_COOKIE]: newViewerSessionCookie() };
        counted.push(
          (
            await callRoute(routes.views, {
              method: "POST",
              path,
              id,
              cookies,
              headers: { "x-forwarded-for": "198.51.100.7" },
            })
          ).body.counted,
        );
      }
      expect(counted).toEqual([true, true, true, true, true, false, false, false]);
      const other = await callRoute(routes.views, {
        method: "POST",
        path,
        id,
        cookies: { [VIEWER_SESSION_COOKIE]: newViewerSessionCookie() },
        headers: { "x-forwarded-for": "198.51.100.8" },
      });
      expect(other.body).toEqual({ counted: true });
      const { rows } = await db.pool.query<{ client_key: string }>(
        "select distinct client_key from public.product_views where product_id = $1",
        [id],
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row.client_key).not.toContain("198.51.100");
    } finally {
      delete process.env.TRUST_PROXY;
      resetConfigForTests();
    }
  });

  it("trusts X-Forwarded-For only with TRUST_PROXY, and then only the entry the proxies appended", async () => {
    const { clientAddress } = await import("../../lib/api/client-address");
    const request = (xff?: string) =>
      new Request("http://localhost/", { headers: xff ? { "x-forwarded-for": xff } : {} });
    // Without TRUST_PROXY a client-written header is ignored (this process did not stamp a socket address).
    expect(clientAddress(request("203.0.113.9"), 0)).toBeNull();
    // One proxy appends the address it saw: the client's own entries to the left are ignored.
    expect(clientAddress(request("1.2.3.4, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(request("1.2.3.4, 203.0.113.9, 10.0.0.2"), 2)).toBe("203.0.113.9");
    // Fewer entries than proxies: the request bypassed them.
    expect(clientAddress(request("203.0.113.9"), 2)).toBeNull();
    expect(clientAddress(request(), 1)).toBeNull();
  });

  it("counts a signed-in viewer as themselves, and never the seller's own views", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const view = (token: string) =>
      callRoute(routes.views, { method: "POST", path: `/api/products/${id}/views`, id, bearer: token });
    expect((await view(tokens.shopper)).body).toEqual({ counted: true });
    expect((await view(tokens.shopper)).body).toEqual({ counted: false });
    expect((await view(tokens.ada)).body).toEqual({ counted: false });
    const { rows } = await db.pool.query("select user_id from public.product_views where product_id = $1", [id]);
    expect(rows).toEqual([{ user_id: users.shopper }]);
  });

  it("answers 404 for another seller's draft or an unknown product, 400 for a bad id", async () => {
    const draft = await insertProduct(db.pool, users.ada, { status: "draft" });
    expect(
      (
        await callRoute(routes.views, {
          method: "POST",
          path: `/api/products/${draft}/views`,
          id: draft,
          bearer: tokens.bea,
        })
      ).status,
    ).toBe(404);
    const cookies = { [VIEWER_SESSION_COOKIE]: newViewerSessionCookie() };
    expect(
      (
        await callRoute(routes.views, {
          method: "POST",
          path: `/api/products/${UNKNOWN_ID}/views`,
          id: UNKNOWN_ID,
          cookies,
        })
      ).status,
    ).toBe(404);
    expect((await callRoute(routes.views, { method: "POST", path: "/api/products/x/views", id: "x" })).status).toBe(
      400,
    );
  });

  it("answers 429 with Retry-After on the 61st request in a minute from one address", async () => {
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    process.env.TRUST_PROXY = "1";
    resetConfigForTests();
    onTestFinished(() => {
      delete process.env.TRUST_PROXY;
      resetConfigForTests();
    });
    // A rotating client-written entry left of the proxy's does not escape the limit.
    let spoof = 0;
    const headers = {
      get "x-forwarded-for"() {
        return `10.9.${spoof++ % 250}.1, 203.0.113.61`;
      },
    };
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      statuses.push(
        (await callRoute(routes.views, { method: "POST", path: `/api/products/${id}/views`, id, headers })).status,
      );
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    const limited = await callRoute(routes.views, { method: "POST", path: `/api/products/${id}/views`, id, headers });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await callRoute(routes.views, {
      method: "POST",
      path: `/api/products/${id}/views`,
      id,
      headers: { "x-forwarded-for": "203.0.113.62" },
    });
    expect(other.status).toBe(200);
  });
});

describe("failures on our side", () => {
  afterEach(async () => {
    process.env.DATABASE_URL = db.url;
    resetConfigForTests();
  });

  it("answers 500 with a generic message and no internals", async () => {
    // A function the route needs has gone missing: an internal error, not the caller's fault.
    await db.pool.query("alter function public.list_my_products() rename to list_my_products_hidden");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const { status, body } = await callRoute(routes.mine, { path: "/api/my-products", bearer: tokens.ada });
      expect(status).toBe(500);
      expect(body).toEqual({ error: { code: "internal", message: "Something went wrong on our side." } });
      expect(logged).toHaveBeenCalled(); // the details stay in the server's log
    } finally {
      logged.mockRestore();
      await db.pool.query("alter function public.list_my_products_hidden() rename to list_my_products");
    }
  });

  it("answers 503 when the database is unreachable", async () => {
    const url = new URL(db.url);
    url.port = "1"; // nothing listens there
    process.env.DATABASE_URL = url.toString();
    resetConfigForTests();
    await closePools();
    const id = await insertProduct(db.pool, users.ada, { status: "active" });
    const { status, body } = await callRoute(routes.get, { path: `/api/products/${id}`, id });
    expect(status).toBe(503);
    expect(body.error.code).toBe("database_unavailable");
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
