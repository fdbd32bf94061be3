/**
 * The live leaderboard in a real headless Chromium: a shopper keeps the modal open while, in other
 * browser contexts, a seller marks a product sold and an anonymous shopper views a product; the modal
 * shows each new figure within 2 seconds without reloading (pushed by GET /api/leaderboard/stream).
 * Also saves screenshots of the modal at desktop and phone width, and checks the phone layout has no
 * horizontal scrolling. The app runs as in smoke.test.ts (`next dev` with its own build folder).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/net";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const WORK_DIR = path.join(PROJECT_ROOT, ".test-data", "e2e-leaderboard");
const SCREENSHOTS = path.join(PROJECT_ROOT, ".test-results", "screenshots");
const SERVER_START_TIMEOUT_MS = 120_000;
/** The behaviour deadline of issue 9: a change shows up in an open modal within 2 seconds. */
const LIVE_DEADLINE_MS = 2_000;

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
      NODE_ENV: "development",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: path.relative(PROJECT_ROOT, path.join(WORK_DIR, "next")),
      NEXT_TSCONFIG_PATH: path.relative(PROJECT_ROOT, tsconfig),
    },
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

async function newPage(width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000); // a page's first visit compiles it
  page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  return page;
}

async function hydrated(locator: Locator): Promise<Locator> {
  await expect
    .poll(() => locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactProps"))), { timeout: 60_000 })
    .toBe(true);
  return locator;
}

/** Opens the modal from the header and waits until its live stream is connected. */
async function openLeaderboard(page: Page): Promise<Locator> {
  const streaming = page.waitForResponse((response) => response.url().endsWith("/api/leaderboard/stream"), { timeout: 60_000 });
  await (await hydrated(page.getByRole("banner").getByRole("button", { name: "Leaderboard" }))).click();
  const dialog = page.getByRole("dialog", { name: "Leaderboard" });
  await dialog.waitFor();
  expect((await streaming).headers()["content-type"]).toMatch(/^text\/event-stream/);
  return dialog;
}

const row = (dialog: Locator, name: string) => dialog.getByRole("listitem").filter({ hasText: name });

/** Waits for a figure in a behaviour deadline (not a speed measurement: that lives in npm run bench). */
async function shows(locator: Locator, text: string) {
  await locator.getByText(text, { exact: true }).waitFor({ timeout: LIVE_DEADLINE_MS });
}

let sellerName = "";
let sellerId = "";

beforeAll(async () => {
  db = await createTestDatabase({ seed: true });
  [baseUrl, browser] = await Promise.all([
    startApp(db.url),
    chromium.launch({
      executablePath: chromiumPath(),
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }),
  ]);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // The seller under test (one with an active listing) leads this month's sales and views, so they are
  // in the top 10 of both tabs.
  const { rows } = await db.pool.query(
    `select u.id, u.display_name from public.users u
      where exists (select 1 from public.products p where p.seller_id = u.id and p.status = 'active')
      order by u.display_name limit 1`,
  );
  ({ id: sellerId, display_name: sellerName } = rows[0]);
  await db.pool.query(
    "insert into public.products (seller_id, title, price, status) select $1, 'Bulk ' || g, 10, 'sold' from generate_series(1, 60) g",
    [sellerId],
  );
  const { rows: listed } = await db.pool.query("select id from public.products where seller_id = $1 and status = 'active' limit 1", [sellerId]);
  await db.pool.query(
    "insert into public.product_views (product_id, session_id, viewed_at) select $1, gen_random_uuid(), now() from generate_series(1, 2000)",
    [listed[0].id],
  );
  // Compile what the tests visit before any deadline applies (next dev compiles on first request).
  for (const route of ["/sign-in", "/my-products", "/api/leaderboard", "/api/my-products", `/products/${listed[0].id}`]) {
    await fetch(`${baseUrl}${route}`, { redirect: "manual", signal: AbortSignal.timeout(120_000) }).then((response) => response.body?.cancel());
  }
  const stream = new AbortController();
  await fetch(`${baseUrl}/api/leaderboard/stream`, { signal: stream.signal }).then(() => stream.abort());
});

afterAll(async () => {
  await browser?.close();
  await stopApp();
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

describe("the live leaderboard in a browser", () => {
  it("shows a sale made in another browser within 2 seconds, without reloading", async () => {
    // The seller signs in, in their own browser context.
    const seller = await newPage();
    await seller.goto(`${baseUrl}/sign-in`);
    await (await hydrated(seller.getByRole("region", { name: "Sellers" }).getByRole("button", { name: new RegExp(sellerName) }))).click();
    await seller.waitForURL(`${baseUrl}/my-products`, { timeout: 120_000 });
    const sold = async () =>
      Number((await db.pool.query("select items_sold from public.seller_leaderboard_cache where seller_id = $1 and year > 0 order by year desc, month desc limit 1", [sellerId])).rows[0].items_sold);
    const before = await sold();

    const shopper = await newPage();
    await shopper.goto(baseUrl);
    const dialog = await openLeaderboard(shopper);
    await row(dialog, sellerName).getByText(`${before} sold`, { exact: true }).waitFor();

    const listing = seller.getByRole("list", { name: "Your listings" }).getByRole("listitem").filter({ has: seller.getByRole("button", { name: "Mark as sold" }) }).first();
    await (await hydrated(listing.getByRole("button", { name: "Mark as sold" }))).click();
    await expect.poll(sold, { timeout: 15_000 }).toBe(before + 1);
    // From the commit on, the shopper's open modal has 2 seconds.
    await shows(row(dialog, sellerName), `${before + 1} sold`);
    await shopper.screenshot({ path: path.join(SCREENSHOTS, "leaderboard-1280.png") });
    await seller.context().close();
    await shopper.context().close();
  });

  it("shows a counted view on the Views tab within 2 seconds", async () => {
    const shopper = await newPage();
    await shopper.goto(baseUrl);
    const dialog = await openLeaderboard(shopper);
    await dialog.getByRole("tab", { name: "Views" }).click();
    expect(await dialog.getByRole("tab", { name: "Views" }).getAttribute("aria-selected")).toBe("true");
    const views = async () =>
      Number((await db.pool.query("select total_views from public.seller_leaderboard_cache where seller_id = $1 and year > 0 order by year desc, month desc limit 1", [sellerId])).rows[0].total_views);
    const before = await views();
    await row(dialog, sellerName).getByText(`${before.toLocaleString("en-US")} views`, { exact: true }).waitFor();

    // An anonymous viewer: the first visit sets the viewer_session cookie, the product page then counts.
    const viewer = await newPage();
    await viewer.goto(baseUrl);
    expect((await viewer.context().cookies()).some((cookie) => cookie.name === "viewer_session")).toBe(true);
    const { rows } = await db.pool.query("select id from public.products where seller_id = $1 and status = 'active' limit 1", [sellerId]);
    const recorded = viewer.waitForResponse((response) => response.url().endsWith(`/api/products/${rows[0].id}/views`));
    await viewer.goto(`${baseUrl}/products/${rows[0].id}`);
    expect(await (await recorded).json()).toEqual({ counted: true });
    await shows(row(dialog, sellerName), `${(before + 1).toLocaleString("en-US")} views`);
    await viewer.context().close();
    await shopper.context().close();
  });

  it("fits a 375 px phone without horizontal scrolling", async () => {
    const phone = await newPage(375);
    await phone.goto(baseUrl);
    const dialog = await openLeaderboard(phone);
    await row(dialog, sellerName).waitFor();
    await phone.screenshot({ path: path.join(SCREENSHOTS, "leaderboard-375.png") });
    const overflow = await phone.evaluate(() => {
      const content = document.querySelector('[role="dialog"]')!;
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        dialog: content.scrollWidth - content.clientWidth,
        right: content.getBoundingClientRect().right - window.innerWidth,
      };
    });
    expect(overflow.page).toBeLessThanOrEqual(0);
    expect(overflow.dialog).toBeLessThanOrEqual(0);
    expect(overflow.right).toBeLessThanOrEqual(0);
    // Keyboard: Esc closes and focus returns to the header button.
    await phone.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await phone.evaluate(() => document.activeElement?.textContent)).toBe("Leaderboard");
    await phone.context().close();
  });
});

