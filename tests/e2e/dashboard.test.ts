/**
 * The seller dashboard, the inbox and trending products in a real headless Chromium, on a seeded
 * database: a signed-out visitor is sent to sign in and back; a seeded seller sees figures and the
 * chart (screenshots at 375 px and 1280 px in .test-results/screenshots/); opening a message drops
 * the unread count; the home page lists trending products.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { asRole } from "../helpers/db";
import { hydrated, screenshot, setUpE2eApp } from "../helpers/e2e";

const e2e = setUpE2eApp();

/** From /dashboard signed out: sign in as the first seeded seller and come back to the dashboard. */
async function signInThroughDashboard(page: Page): Promise<string> {
  await page.goto(`${e2e.app.baseUrl}/dashboard`);
  await page.waitForURL((url) => url.pathname === "/sign-in" && url.searchParams.get("next") === "/dashboard");
  const button = page.getByRole("region", { name: "Sellers" }).getByRole("button").first();
  const name = ((await button.locator(".demo-user-name").textContent()) ?? "").replace(/^Sign in as /, "");
  await (await hydrated(button)).click();
  await page.waitForURL(`${e2e.app.baseUrl}/dashboard`);
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  return name;
}

describe("the seller dashboard in a browser", () => {
  it("sends a signed-out visitor to sign in and back, then shows the seller's figures and chart", async () => {
    const page = await e2e.newPage(1280);
    const sellerName = await signInThroughDashboard(page);
    const { rows } = await e2e.db.pool.query<{ id: string }>("select id from public.users where display_name = $1", [
      sellerName,
    ]);
    const sellerId = rows[0].id;
    const figures = (
      await asRole(e2e.db.pool, "authenticated", sellerId, (c) =>
        c.query("select * from public.get_seller_dashboard()"),
      )
    ).rows[0];

    const value = (label: string) =>
      page
        .locator(".figure-card", { has: page.locator("dt", { hasText: label }) })
        .locator("dd")
        .first();
    await expect.poll(() => value("Active listings").textContent()).toBe(String(figures.active_listings));
    expect(await value("Sold all time").textContent()).toBe(figures.sold_all_time.toLocaleString("en-US"));
    expect(await value("Views all time").textContent()).toBe(figures.views_all_time.toLocaleString("en-US"));
    expect(await value("Total earnings").textContent()).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(await page.getByRole("img", { name: /^Items sold, / }).count()).toBe(1);
    expect(
      await page
        .getByRole("img", { name: /^Views, / })
        .locator("rect")
        .count(),
    ).toBe(12);
    await page.getByRole("region", { name: "How you compare" }).waitFor();
    expect(await page.getByRole("link", { name: "Dashboard" }).count()).toBe(1);

    // No horizontal scrolling, at desktop and phone width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, "dashboard-1280");
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole("img", { name: /^Views, / }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, "dashboard-375");

    // The table alternative opens.
    await (await hydrated(page.getByText("Show the numbers as a table"))).click();
    await page.getByRole("table", { name: "Items sold and views per month (UTC)" }).waitFor();
    await page.context().close();
  });

  it("opens an unread message, which marks it read, and the unread count drops", async () => {
    const page = await e2e.newPage(375);
    const sellerName = await signInThroughDashboard(page);
    // A shopper asks the seller something now, so there is an unread message whatever the seed holds.
    await e2e.db.pool.query(
      `insert into public.messages (sender_id, recipient_id, product_id, body)
       select shopper.id, p.seller_id, p.id, 'Is this still available? (e2e)'
         from public.products p
         join public.users seller on seller.id = p.seller_id and seller.display_name = $1
         cross join lateral (select u.id from public.users u
                              where not exists (select 1 from public.products o where o.seller_id = u.id)
                              order by u.display_name limit 1) shopper
        where p.status = 'active'
        limit 1`,
      [sellerName],
    );
    await page.reload();
    const unreadCard = page
      .locator(".figure-card", { has: page.locator("dt", { hasText: "Unread messages" }) })
      .locator("dd")
      .first();
    const before = Number(await unreadCard.textContent());
    expect(before).toBeGreaterThan(0);

    await page.goto(`${e2e.app.baseUrl}/messages`);
    await page.getByRole("heading", { name: "Messages", level: 1 }).waitFor();
    await page.getByText(`${before} unread`).waitFor();
    // The newest conversation holds the new message (and whatever else of it is unread).
    const newest = page.getByRole("list", { name: "Conversations" }).getByRole("listitem").first();
    const inConversation = Number((await newest.getAttribute("aria-label"))?.match(/, (\d+) unread$/)?.[1]);
    expect(inConversation).toBeGreaterThan(0);
    expect(await newest.textContent()).toContain("Is this still available? (e2e)");
    await screenshot(page, "messages-375");
    const after = before - inConversation;
    const marked = page.waitForResponse(
      async (response) =>
        /\/api\/messages\/[^/]+\/read$/.test(new URL(response.url()).pathname) &&
        (await response.json()).unreadCount === after,
    );
    await (await hydrated(newest.getByRole("button").first())).click();
    await page
      .getByText(after === 0 ? "No unread messages." : `${after} unread`)
      .first()
      .waitFor();
    const answer = await marked;
    expect(answer.status()).toBe(200);
    await page.getByRole("form", { name: /^Reply to / }).waitFor();

    await page.goto(`${e2e.app.baseUrl}/dashboard`);
    await expect.poll(async () => Number(await unreadCard.textContent())).toBe(after);
    await page.context().close();
  });

  it("shows My products with listings first and the form behind New listing on a phone", async () => {
    const page = await e2e.newPage(375);
    await signInThroughDashboard(page);
    await page.goto(`${e2e.app.baseUrl}/my-products`);
    await page.getByRole("group", { name: "Show listings" }).waitFor();
    expect(await page.getByRole("form", { name: "New listing" }).isVisible()).toBe(false);
    await screenshot(page, "my-products-375");
    await (await hydrated(page.getByRole("button", { name: "New listing" }))).click();
    await page.getByRole("form", { name: "New listing" }).waitFor({ state: "visible" });
    await page.context().close();
  });

  it("lists trending products on the home page", async () => {
    const { rows } = await e2e.db.pool.query<{ title: string }>("select title from public.get_trending_products(7, 6)");
    expect(rows.length).toBeGreaterThan(0);
    const html = await (await fetch(e2e.app.baseUrl)).text();
    expect(html).toContain("Trending");
    const page = await e2e.newPage(1280);
    await page.goto(e2e.app.baseUrl);
    const list = page.getByRole("list", { name: "Trending products" });
    await list.waitFor();
    expect(await list.getByRole("link").allTextContents()).toEqual(rows.map((row) => row.title));
    await screenshot(page, "home-trending-1280");
    await page.context().close();
  });
});
