/**
 * The limits, tried over HTTP as an attacker would, against TWO app processes (`next dev`) on one
 * database behind one trusted proxy (TRUST_PROXY=1: the test writes X-Forwarded-For as the proxy
 * would). Views nobody can farm (per-seller budget per address, puppet accounts, nested IPv6 keys,
 * unknown addresses), streams nobody can exhaust, and rate limits and quotas that two instances do
 * not double.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { startApp, type E2eApp } from "../helpers/e2e";

const BROWSER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

let db: TestDatabase;
let apps: E2eApp[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // Smaller limits than the defaults, so the test reaches them in fewer requests (the SQL and the
  // routes are the same whatever the numbers). The first process is behind one proxy, the second behind
  // two (a CDN in front of a load balancer): each is told so with TRUST_PROXY.
  const env = {
    STREAMS_PER_ADDRESS: "4",
    STREAMS_PER_PROCESS: "6",
    VIEW_REQUESTS_PER_MINUTE: "30",
    VIEW_BUDGET_PER_SELLER: "8",
    VIEW_BUDGET_PER_SELLER_IPV6_56: "12",
    VIEW_BUDGET_PER_SELLER_IPV6_48: "30",
  };
  apps = [
    await startApp(db.url, { env: { ...env, TRUST_PROXY: "1" } }),
    await startApp(db.url, { instance: "second", env: { ...env, TRUST_PROXY: "2" } }),
  ];
  // Compile the routes the test calls on both servers before anything is counted.
  const seller = await createUser(db.pool, `Warm-up ${randomUUID()}`);
  const [product] = await insertProducts(seller, 1);
  for (const app of apps) {
    await view(app, product, { address: "192.0.2.254" });
    await fetch(`${app.baseUrl}/api/leaderboard/stream?compile=1`); // 400 before any stream opens
    await fetch(`${app.baseUrl}/api/products`, { method: "POST", headers: jsonHeaders({}), body: "{}" });
    await signIn(app, seller);
  }
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
});

/** X-Forwarded-For as the proxies in front of `app` write it for a client at `address`. */
function forwardedFor(app: E2eApp, address: string): Record<string, string> {
  return { "x-forwarded-for": app === apps[1] ? `${address}, 10.0.0.2` : address };
}

function jsonHeaders(extra: Record<string, string>): Record<string, string> {
  return { "content-type": "application/json", "user-agent": BROWSER_AGENT, ...extra };
}

/** A user's access token, through the app's own demo sign-in (the embedded mode's). */
async function signIn(app: E2eApp, userId: string): Promise<string> {
  const response = await fetch(`${app.baseUrl}/api/auth/demo-sign-in`, {
    method: "POST",
    headers: jsonHeaders({}),
    body: JSON.stringify({ userId }),
  });
  expect(response.status).toBe(200);
  return response.headers.get("set-cookie")!.match(/sb-access-token=([^;]+)/)![1];
}

async function insertProducts(sellerId: string, n: number): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    `insert into public.products (seller_id, title, price, status)
     select $1, 'Listing ' || i, 5, 'active' from generate_series(1, $2) i returning id`,
    [sellerId, n],
  );
  return rows.map((row) => row.id);
}

interface ViewCall {
  /** The client's address, as the proxies report it (none: the request came around them). */
  address?: string;
  cookie?: string;
  bearer?: string;
}

async function view(app: E2eApp, product: string, { address, cookie, bearer }: ViewCall) {
  const response = await fetch(`${app.baseUrl}/api/products/${product}/views`, {
    method: "POST",
    headers: jsonHeaders({
      ...(address ? forwardedFor(app, address) : {}),
      ...(cookie ? { cookie: `viewer_session=${cookie}` } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    }),
    body: "{}",
  });
  const cookieSet = response.headers.get("set-cookie")?.match(/viewer_session=([^;]+)/)?.[1];
  return {
    status: response.status,
    body: await response.json(),
    retryAfter: response.headers.get("retry-after"),
    cookieSet,
  };
}

/** Fresh signed viewer_session cookies, as a script would collect them (from one address). */
async function freshCookies(product: string, n: number, address: string): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    const answer = await view(apps[i % 2], product, { address });
    expect(answer.body).toEqual({ counted: false });
    cookies.push(answer.cookieSet!);
  }
  return cookies;
}

async function countedViews(sellerId: string): Promise<number> {
  const { rows } = await db.pool.query(
    "select count(*)::int as n from public.product_views v join public.products p on p.id = v.product_id where p.seller_id = $1",
    [sellerId],
  );
  return rows[0].n;
}

async function streamRequest(app: E2eApp, address: string) {
  const controller = new AbortController();
  const response = await fetch(`${app.baseUrl}/api/leaderboard/stream`, {
    headers: { ...forwardedFor(app, address), "user-agent": BROWSER_AGENT },
    signal: controller.signal,
  });
  if (response.status !== 200) await response.text();
  return { status: response.status, retryAfter: response.headers.get("retry-after"), close: () => controller.abort() };
}

describe("views nobody can farm (over HTTP, two app processes)", () => {
  it("one address adds at most its budget of views per seller a month, however many products are listed", async () => {
    const seller = await createUser(db.pool, `Farmed ${randomUUID()}`);
    const products = await insertProducts(seller, 3);
    const address = "198.51.100.10";
    const cookies = await freshCookies(products[0], 5, "198.51.100.11");
    let counted = 0;
    let call = 0;
    for (const product of products)
      for (const cookie of cookies)
        if ((await view(apps[call++ % 2], product, { address, cookie })).body.counted) counted++;
    expect(counted).toBe(8); // 3 products x 5 cookies = 15 tries; both processes share one budget of 8
    expect(await countedViews(seller)).toBe(8);
  });

  it("signed-in puppet accounts from one address share its caps", async () => {
    const seller = await createUser(db.pool, `Puppeted ${randomUUID()}`);
    const [product] = await insertProducts(seller, 1);
    const address = "198.51.100.20";
    for (const cookie of await freshCookies(product, 5, "198.51.100.22"))
      expect((await view(apps[0], product, { address, cookie })).body).toEqual({ counted: true });
    const puppets = await Promise.all(
      Array.from({ length: 19 }, (_, i) => createUser(db.pool, `Puppet ${i} ${randomUUID()}`)),
    );
    const tokens = await Promise.all(puppets.map((user) => signIn(apps[0], user)));
    const answers = await Promise.all(tokens.map((bearer, i) => view(apps[i % 2], product, { address, bearer })));
    expect(answers.filter((answer) => answer.body.counted)).toHaveLength(0);
    // The same accounts from an address of their own each count.
    expect((await view(apps[1], product, { address: "198.51.100.21", bearer: tokens[0] })).body).toEqual({
      counted: true,
    });
  });

  it("IPv6: rotating /64s inside one /56 gets no more than the /56's budget", async () => {
    const seller = await createUser(db.pool, `Rotated ${randomUUID()}`);
    const products = await insertProducts(seller, 5);
    const cookies = await freshCookies(products[0], 4, "198.51.100.30");
    let counted = 0;
    let call = 0;
    // 4 /64s of 2001:db8:7:100::/56 (one per cookie), each with addresses rotating inside it: each /64
    // could add 5 (one cookie, 5 products), 20 in all; the /56 stops them at 12.
    for (const [net, cookie] of cookies.entries())
      for (const product of products) {
        const address = `2001:db8:7:1${net}0:${call.toString(16)}::1`;
        if ((await view(apps[call++ % 2], product, { address, cookie })).body.counted) counted++;
      }
    expect(counted).toBe(12);
  });

  it("never counts an anonymous view without a known address, and logs it once", async () => {
    const seller = await createUser(db.pool, `Unaddressed ${randomUUID()}`);
    const [product] = await insertProducts(seller, 1);
    const cookies = await freshCookies(product, 12, "198.51.100.40");
    const answers = [];
    // Sent to the process behind two proxies with no X-Forwarded-For of theirs: only the entry Next.js
    // writes itself (the socket's address), one hop short, so the address is unknown.
    for (const cookie of cookies) answers.push((await view(apps[1], product, { cookie })).body);
    expect(answers).toEqual(Array(12).fill({ counted: false }));
    expect(await countedViews(seller)).toBe(0);
    expect(apps[1].log().match(/without a known client address/g)).toHaveLength(1);
  });
});

describe("rate limits and quotas hold across the two processes", () => {
  it("the view requests a minute per address (30 here) in all, then 429 with Retry-After", async () => {
    const seller = await createUser(db.pool, `Hammered ${randomUUID()}`);
    const [product] = await insertProducts(seller, 1);
    const address = "198.51.100.50";
    // With a viewer_session the view is recorded (the limit is taken in the same database call); without
    // one the request only gets a cookie: both count against the same limit.
    const [cookie] = await freshCookies(product, 1, "198.51.100.49");
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push((await view(apps[i % 2], product, { address, cookie: i % 3 ? cookie : undefined })).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    for (const [i, app] of apps.entries()) {
      const limited = await view(app, product, { address, cookie: i ? cookie : undefined });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe("rate_limited");
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    }
    expect((await view(apps[0], product, { address: "198.51.100.51" })).status).toBe(200);
  });

  it("50 new products a day per user in all, then 429 with Retry-After", async () => {
    const seller = await createUser(db.pool, `Lister ${randomUUID()}`);
    const bearer = await signIn(apps[1], seller);
    const create = (app: E2eApp, i: number) =>
      fetch(`${app.baseUrl}/api/products`, {
        method: "POST",
        headers: jsonHeaders({ authorization: `Bearer ${bearer}` }),
        body: JSON.stringify({ title: `Item ${i}`, price: 1, status: "draft" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await create(apps[i % 2], i)).status);
    expect(statuses.every((status) => status === 201)).toBe(true);
    for (const app of apps) {
      const refused = await create(app, 99);
      expect(refused.status).toBe(429);
      expect((await refused.json()).error.code).toBe("rate_limited");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    const { rows } = await db.pool.query("select count(*)::int as n from public.products where seller_id = $1", [
      seller,
    ]);
    expect(rows[0].n).toBe(50);
  });
});

describe("streams nobody can exhaust (per process)", () => {
  it("4 streams per address, then 429; the process's cap (6 here), then 503; both with Retry-After", async () => {
    const opened = [];
    try {
      for (let i = 0; i < 4; i++) opened.push(await streamRequest(apps[0], "198.51.100.60"));
      expect(opened.map((stream) => stream.status)).toEqual([200, 200, 200, 200]);
      const fifth = await streamRequest(apps[0], "198.51.100.60");
      expect([fifth.status, Number(fifth.retryAfter) > 0]).toEqual([429, true]);
      opened.push(await streamRequest(apps[0], "198.51.100.61"), await streamRequest(apps[0], "198.51.100.62"));
      const overProcess = await streamRequest(apps[0], "198.51.100.63");
      expect([overProcess.status, Number(overProcess.retryAfter) > 0]).toEqual([503, true]);
      // The other process has its own streams.
      const elsewhere = await streamRequest(apps[1], "198.51.100.63");
      opened.push(elsewhere);
      expect(elsewhere.status).toBe(200);
      // The server is still answering.
      expect((await fetch(`${apps[0].baseUrl}/api/health`)).status).toBe(200);
    } finally {
      for (const stream of opened) stream.close();
    }
  });
});
