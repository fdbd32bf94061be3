/**
 * End-to-end smoke test in a real headless Chromium: the app (`next dev`, Turbopack) runs against a
 * seeded database of its own. Home lists products; demo sign-in reaches My products; a seller marks
 * a product sold; the product page records a view.
 *
 * Why `next dev`: on these 2-core machines a `next build` takes minutes and type-checks the whole
 * repo; Turbopack compiles only the four pages the test visits. The server gets its own build folder
 * (Next.js locks it, so a developer's `npm run dev` can keep running) and a throwaway tsconfig for
 * Next.js to adjust, so the repository's files are never touched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../scripts/lib/net";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const WORK_DIR = path.join(PROJECT_ROOT, ".test-data", "e2e");
const SERVER_START_TIMEOUT_MS = 120_000;

let db: TestDatabase;
let server: ChildProcess | undefined;
let serverLog = "";
let baseUrl = "";
let browser: Browser;

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Chromium is not installed: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).");
  }
}

async function startApp(databaseUrl: string): Promise<string> {
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const tsconfig = path.join(WORK_DIR, "tsconfig.json");
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: "../../tsconfig.json",
      include: ["../../next-env.d.ts", "../../**/*.ts", "../../**/*.tsx"],
      exclude: ["../../node_modules", "../../.data", "../../.test-data"],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "next", "dist", "bin", "next"), "dev", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      APP_MODE: "embedded",
      DATABASE_URL: databaseUrl,
      // The test database is cloned from the template marked as the embedded instance (global setup).
      EMBEDDED_INSTANCE_TOKEN: inject("embeddedInstanceToken"),
      NODE_ENV: "development",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: path.relative(PROJECT_ROOT, path.join(WORK_DIR, "next")),
      NEXT_TSCONFIG_PATH: path.relative(PROJECT_ROOT, tsconfig),
    },
    // Its own process group, so stopping it also stops the workers it forks.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const remember = (chunk: Buffer) => {
    serverLog = (serverLog + chunk.toString()).slice(-20_000);
  };
  server.stdout?.on("data", remember);
  server.stderr?.on("data", remember);

  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next dev exited with ${server.exitCode}:\n${serverLog}`);
    try {
      // The first request compiles the home page; wait for a real answer, not just an open port.
      const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (response.ok) return url;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`next dev did not answer within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${serverLog}`);
}

async function stopApp(): Promise<void> {
  const child = server;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid, "SIGTERM");
  const forced = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(forced);
}

const pageErrors: string[] = [];
/** What Chromium logs when the Content-Security-Policy blocks something. */
const cspViolations: string[] = [];

async function newPage(width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000); // a page's first visit compiles it
  page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|evaluate|frame)/i.test(message.text())) {
      cspViolations.push(`${page.url()}: ${message.text()}`);
    }
  });
  return page;
}

/**
 * Server-rendered buttons are visible before React hydrates them, and a click before that does
 * nothing. React marks a hydrated element with its props: wait for that before clicking.
 */
async function hydrated(locator: Locator): Promise<Locator> {
  await expect
    .poll(() => locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactProps"))), { timeout: 60_000 })
    .toBe(true);
  return locator;
}

async function signInAsSeller(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByRole("heading", { name: "Demo sign-in" }).waitFor();
  await (await hydrated(page.getByRole("region", { name: "Sellers" }).getByRole("button").first())).click();
  await page.waitForURL(`${baseUrl}/my-products`);
  await page.getByRole("heading", { name: "My products", level: 1 }).waitFor();
}

beforeAll(async () => {
  db = await createTestDatabase({ seed: true });
  [baseUrl, browser] = await Promise.all([
    startApp(db.url),
    chromium.launch({
      executablePath: chromiumPath(),
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stopApp();
});

afterEach(() => {
  // Hydration mismatches and uncaught errors in the browser fail the test that caused them.
  expect(pageErrors.splice(0)).toEqual([]);
  expect(cspViolations.splice(0)).toEqual([]);
});

describe("the marketplace in a browser", () => {
  it("lists seeded products on the home page", async () => {
    const page = await newPage();
    await page.goto(baseUrl);
    await page.getByRole("heading", { name: "Products for sale" }).waitFor();
    const cards = page.getByRole("list", { name: "Products" }).getByRole("listitem");
    expect(await cards.count()).toBe(24);
    await expect(cards.first().textContent()).resolves.toMatch(/\$[\d,]+\.\d\d.*by .+ · \d+ views?/);
    const { rows } = await db.pool.query<{ title: string }>(
      "select title from public.products where status = 'active' order by created_at desc, id desc limit 1",
    );
    expect(await cards.first().getByRole("link").textContent()).toBe(rows[0].title);
    await page.context().close();
  });

  it("signs in with the demo list and reaches My products; a seller marks a product sold", async () => {
    const page = await newPage();
    await signInAsSeller(page);
    const row = page.getByRole("list", { name: "Your listings" }).getByRole("listitem").filter({ has: page.getByRole("button", { name: "Mark as sold" }) }).first();
    const title = (await row.getByRole("heading").textContent())!;
    await (await hydrated(row.getByRole("button", { name: "Mark as sold" }))).click();

    const sameRow = page.getByRole("listitem", { name: title, exact: true });
    await sameRow.getByText("Sold", { exact: true }).waitFor();
    await sameRow.getByRole("button", { name: "Mark as active" }).waitFor();
    // The server agrees (not only the optimistic screen): the database has the sale.
    await expect
      .poll(async () => (await db.pool.query("select status, sold_at from public.products where title = $1", [title])).rows[0], { timeout: 15_000 })
      .toMatchObject({ status: "sold", sold_at: expect.any(Date) });
    // And after a reload the page still shows it sold.
    await page.reload();
    await page.getByRole("listitem", { name: title, exact: true }).getByText("Sold", { exact: true }).waitFor();
    await page.context().close();
  });

  it("records a view when a shopper opens a product page", async () => {
    const { rows } = await db.pool.query<{ id: string }>(
      "select id from public.products where status = 'active' order by created_at desc, id desc limit 1",
    );
    const productId = rows[0].id;
    const before = Number((await db.pool.query("select count(*) from public.product_views where product_id = $1", [productId])).rows[0].count);
    const page = await newPage();
    const recorded = page.waitForResponse((response) => response.url().endsWith(`/api/products/${productId}/views`));
    await page.goto(`${baseUrl}/products/${productId}`);
    const response = await recorded;
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ counted: true });
    await page.getByTestId("view-count").filter({ hasText: `${before + 1} ` }).waitFor();
    const after = Number((await db.pool.query("select count(*) from public.product_views where product_id = $1", [productId])).rows[0].count);
    expect(after).toBe(before + 1);
    // The visitor got an httpOnly viewer_session cookie from the proxy.
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === "viewer_session")).toMatchObject({ httpOnly: true });
    await page.context().close();
  });

  it("answers an unknown product with the not-found page", async () => {
    const page = await newPage(375);
    const response = await page.goto(`${baseUrl}/products/00000000-0000-4000-8000-000000000000`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Product not found" }).waitFor();
    await page.context().close();
  });
});

describe("security, in the running app", () => {
  it("sends security headers, and the home, product and sign-in pages pass their own CSP (no violations, hydrated)", async () => {
    const { rows } = await db.pool.query<{ id: string }>("select id from public.products where status = 'active' limit 1");
    const page = await newPage();
    for (const path of ["/", `/products/${rows[0].id}`, "/sign-in"]) {
      const response = (await page.goto(`${baseUrl}${path}`))!;
      const headers = response.headers();
      expect(headers["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      // Scripts ran under the policy: React hydrated the page's links.
      await hydrated(page.getByRole("link", { name: "Marketplace" }));
    }
    await page.getByRole("heading", { name: "Demo sign-in" }).waitFor();
    await page.context().close();
  });

  it("shows the first page for an out-of-range ?page instead of failing", async () => {
    const response = await fetch(`${baseUrl}/?page=89478487`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Products for sale");
  });

  it("refuses cross-site and non-JSON writes (403, 415)", async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/api/auth/sign-out`, { method: "POST", headers, body: "{}" });
    expect((await post({ "content-type": "application/json", origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ "content-type": "text/plain" })).status).toBe(415);
    expect((await post({ "content-type": "application/json", origin: baseUrl })).status).toBe(200);
  });

  it("never loads supabase-js in the embedded mode (no Node 20 deprecation warning in the server log)", () => {
    expect(serverLog).not.toMatch(/Node\.js 20 and below are deprecated|supabase-js/);
  });

  it("limits views by the socket address: a rotating X-Forwarded-For does not escape the limit (no TRUST_PROXY)", async () => {
    const { rows } = await db.pool.query<{ id: string }>("select id from public.products where status = 'active' order by id limit 1");
    // A fixed one-minute window may already have started (the browser's views above): two windows'
    // worth of requests from one socket always cross the limit in one of them.
    const statuses: number[] = [];
    for (let i = 0; i < 121 && !statuses.includes(429); i++) {
      const response = await fetch(`${baseUrl}/api/products/${rows[0].id}/views`, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 (e2e)", "x-forwarded-for": `198.51.100.${i % 250}` },
      });
      statuses.push(response.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});
