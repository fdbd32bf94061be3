/**
 * The live leaderboard in a real headless Chromium: a shopper keeps the modal open while, in other
 * browser contexts, a seller marks a product sold and an anonymous shopper views a product; the modal
 * shows each new figure within 2 seconds without reloading (pushed by GET /api/leaderboard/stream).
 * Also saves screenshots of the modal at desktop and phone width, and checks the phone layout has no
 * horizontal scrolling. The app runs as in every e2e file (tests/helpers/e2e.ts).
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it, beforeAll } from "vitest";
import { hydrated, screenshot, setUpE2eApp } from "../helpers/e2e";

/** The promised behaviour: a change shows up in an open modal within 2 seconds. */
const LIVE_DEADLINE_MS = 2_000;

const e2e = setUpE2eApp();

/** Opens the modal from the header and waits until its live stream is connected. */
async function openLeaderboard(page: Page): Promise<Locator> {
  const streaming = page.waitForResponse((response) => response.url().endsWith("/api/leaderboard/stream"), {
    timeout: 60_000,
  });
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
  // The seller under test (one with an active listing) leads this month's sales and views, so they are
  // in the top 10 of both tabs.
  const { rows } = await e2e.db.pool.query(
    `select u.id, u.display_name from public.users u
      where exists (select 1 from public.products p where p.seller_id = u.id and p.status = 'active')
      order by u.display_name limit 1`,
  );
  ({ id: sellerId, display_name: sellerName } = rows[0]);
  await e2e.db.pool.query(
    "insert into public.products (seller_id, title, price, status) select $1, 'Bulk ' || g, 10, 'sold' from generate_series(1, 60) g",
    [sellerId],
  );
  const { rows: listed } = await e2e.db.pool.query(
    "select id from public.products where seller_id = $1 and status = 'active' limit 1",
    [sellerId],
  );
  // A shopper has written about each of the seller's listings, so a sale can name them and rank.
  await e2e.db.pool.query(
    `insert into public.messages (sender_id, recipient_id, product_id, body)
     select (select id from public.users where display_name = 'Emma Clarke'), p.seller_id, p.id, 'Still available?'
       from public.products p where p.seller_id = $1 and p.status = 'active'`,
    [sellerId],
  );
  await e2e.db.pool.query(
    "insert into public.product_views (product_id, session_id, viewed_at) select $1, gen_random_uuid(), now() from generate_series(1, 2000)",
    [listed[0].id],
  );
  // Compile what the tests visit before any deadline applies (next dev compiles on first request).
  for (const route of [
    "/sign-in",
    "/my-products",
    "/api/leaderboard",
    "/api/my-products",
    `/products/${listed[0].id}`,
  ]) {
    await fetch(`${e2e.app.baseUrl}${route}`, { redirect: "manual", signal: AbortSignal.timeout(120_000) }).then(
      (response) => response.body?.cancel(),
    );
  }
  const stream = new AbortController();
  await fetch(`${e2e.app.baseUrl}/api/leaderboard/stream`, { signal: stream.signal }).then(() => stream.abort());
});

describe("the live leaderboard in a browser", () => {
  it("shows a sale made in another browser within 2 seconds, without reloading", async () => {
    // The seller signs in, in their own browser context.
    const seller = await e2e.newPage();
    await seller.goto(`${e2e.app.baseUrl}/sign-in`);
    await (
      await hydrated(
        seller.getByRole("region", { name: "Sellers" }).getByRole("button", { name: new RegExp(sellerName) }),
      )
    ).click();
    await seller.waitForURL(`${e2e.app.baseUrl}/my-products`, { timeout: 120_000 });
    const sold = async () =>
      Number(
        (
          await e2e.db.pool.query(
            "select items_sold from public.seller_leaderboard_cache where seller_id = $1 and year > 0 order by year desc, month desc limit 1",
            [sellerId],
          )
        ).rows[0].items_sold,
      );
    const before = await sold();

    const shopper = await e2e.newPage();
    await shopper.goto(e2e.app.baseUrl);
    const dialog = await openLeaderboard(shopper);
    await row(dialog, sellerName).getByText(`${before} sold`, { exact: true }).waitFor();

    const listing = seller
      .getByRole("list", { name: "Your listings" })
      .getByRole("listitem")
      .filter({ has: seller.getByRole("button", { name: "Mark as sold" }) })
      .first();
    await (await hydrated(listing.getByRole("button", { name: "Mark as sold" }))).click();
    // "Who bought it?": the shopper who wrote last is offered first.
    const step = seller.getByRole("form", { name: /^Who bought / });
    await step.getByRole("radio", { name: /Emma Clarke/ }).check();
    await step.getByRole("button", { name: "Mark as sold" }).click();
    await expect.poll(sold, { timeout: 15_000 }).toBe(before + 1);
    // From the commit on, the shopper's open modal has 2 seconds.
    await shows(row(dialog, sellerName), `${before + 1} sold`);
    await screenshot(shopper, "leaderboard-1280", { fullPage: false });
    await seller.context().close();
    await shopper.context().close();
  });

  it("shows a counted view on the Views tab within 2 seconds", async () => {
    const shopper = await e2e.newPage();
    await shopper.goto(e2e.app.baseUrl);
    const dialog = await openLeaderboard(shopper);
    await dialog.getByRole("tab", { name: "Views" }).click();
    expect(await dialog.getByRole("tab", { name: "Views" }).getAttribute("aria-selected")).toBe("true");
    const views = async () =>
      Number(
        (
          await e2e.db.pool.query(
            "select total_views from public.seller_leaderboard_cache where seller_id = $1 and year > 0 order by year desc, month desc limit 1",
            [sellerId],
          )
        ).rows[0].total_views,
      );
    const before = await views();
    await row(dialog, sellerName)
      .getByText(`${before.toLocaleString("en-US")} views`, { exact: true })
      .waitFor();

    // An anonymous viewer: the first visit sets the viewer_session cookie, the product page then counts.
    const viewer = await e2e.newPage();
    await viewer.goto(e2e.app.baseUrl);
    expect((await viewer.context().cookies()).some((cookie) => cookie.name === "viewer_session")).toBe(true);
    const { rows } = await e2e.db.pool.query(
      "select id from public.products where seller_id = $1 and status = 'active' limit 1",
      [sellerId],
    );
    const recorded = viewer.waitForResponse((response) => response.url().endsWith(`/api/products/${rows[0].id}/views`));
    await viewer.goto(`${e2e.app.baseUrl}/products/${rows[0].id}`);
    expect(await (await recorded).json()).toEqual({ counted: true });
    await shows(row(dialog, sellerName), `${(before + 1).toLocaleString("en-US")} views`);
    await viewer.context().close();
    await shopper.context().close();
  });

  it("fits a 375 px phone without horizontal scrolling", async () => {
    const phone = await e2e.newPage(375);
    await phone.goto(e2e.app.baseUrl);
    const dialog = await openLeaderboard(phone);
    await row(dialog, sellerName).waitFor();
    await screenshot(phone, "leaderboard-375", { fullPage: false });
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
