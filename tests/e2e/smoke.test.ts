/**
 * End-to-end smoke test in a real headless Chromium, against a seeded database of its own
 * (tests/helpers/e2e.ts). Home lists products; demo sign-in reaches My products; a seller marks a
 * product sold; the product page records a view; the running app's security headers and limits.
 */
import { describe, expect, it } from "vitest";
import { hydrated, setUpE2eApp } from "../helpers/e2e";
import type { Page } from "playwright-core";

const e2e = setUpE2eApp();

async function signInAsSeller(page: Page): Promise<void> {
  await page.goto(`${e2e.app.baseUrl}/sign-in`);
  await page.getByRole("heading", { name: "Demo sign-in" }).waitFor();
  await (await hydrated(page.getByRole("region", { name: "Sellers" }).getByRole("button").first())).click();
  await page.waitForURL(`${e2e.app.baseUrl}/my-products`);
  await page.getByRole("heading", { name: "My products", level: 1 }).waitFor();
}

describe("the marketplace in a browser", () => {
  it("lists seeded products on the home page", async () => {
    const page = await e2e.newPage();
    await page.goto(e2e.app.baseUrl);
    await page.getByRole("heading", { name: "Products for sale" }).waitFor();
    const cards = page.getByRole("list", { name: "Products", exact: true }).getByRole("listitem");
    expect(await cards.count()).toBe(24);
    await expect(cards.first().textContent()).resolves.toMatch(/\$[\d,]+\.\d\d.*by .+ · \d+ views?/);
    const { rows } = await e2e.db.pool.query<{ title: string }>(
      "select title from public.products where status = 'active' order by created_at desc, id desc limit 1",
    );
    expect(await cards.first().getByRole("link").textContent()).toBe(rows[0].title);
    await page.context().close();
  });

  it("signs in with the demo list and reaches My products; a seller marks a product sold", async () => {
    const page = await e2e.newPage();
    await signInAsSeller(page);
    const row = page
      .getByRole("list", { name: "Your listings" })
      .getByRole("listitem")
      .filter({ has: page.getByRole("button", { name: "Mark as sold" }) })
      .first();
    const title = (await row.getByRole("heading").textContent())!;
    await (await hydrated(row.getByRole("button", { name: "Mark as sold" }))).click();
    // "Who bought it?": whoever it offers first (someone who wrote, else Sold elsewhere).
    await row
      .getByRole("form", { name: /^Who bought / })
      .getByRole("button", { name: "Mark as sold" })
      .click();

    const sameRow = page.getByRole("listitem", { name: title, exact: true });
    await sameRow.getByText("Sold", { exact: true }).waitFor();
    await sameRow.getByRole("button", { name: "Mark as active" }).waitFor();
    // The server agrees (not only the optimistic screen): the database has the sale.
    await expect
      .poll(
        async () =>
          (await e2e.db.pool.query("select status, sold_at from public.products where title = $1", [title])).rows[0],
        { timeout: 15_000 },
      )
      .toMatchObject({ status: "sold", sold_at: expect.any(Date) });
    // And after a reload the page still shows it sold.
    await page.reload();
    await page.getByRole("listitem", { name: title, exact: true }).getByText("Sold", { exact: true }).waitFor();
    await page.context().close();
  });

  it("records a view when a shopper opens a product page", async () => {
    const { rows } = await e2e.db.pool.query<{ id: string }>(
      "select id from public.products where status = 'active' order by created_at desc, id desc limit 1",
    );
    const productId = rows[0].id;
    const before = Number(
      (await e2e.db.pool.query("select count(*) from public.product_views where product_id = $1", [productId])).rows[0]
        .count,
    );
    const page = await e2e.newPage();
    const recorded = page.waitForResponse((response) => response.url().endsWith(`/api/products/${productId}/views`));
    await page.goto(`${e2e.app.baseUrl}/products/${productId}`);
    const response = await recorded;
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ counted: true });
    await page
      .getByTestId("view-count")
      .filter({ hasText: `${before + 1} ` })
      .waitFor();
    const after = Number(
      (await e2e.db.pool.query("select count(*) from public.product_views where product_id = $1", [productId])).rows[0]
        .count,
    );
    expect(after).toBe(before + 1);
    // The visitor got an httpOnly viewer_session cookie from the proxy.
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === "viewer_session")).toMatchObject({ httpOnly: true });
    await page.context().close();
  });

  it("answers an unknown product with the not-found page", async () => {
    const page = await e2e.newPage(375);
    const response = await page.goto(`${e2e.app.baseUrl}/products/00000000-0000-4000-8000-000000000000`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Product not found" }).waitFor();
    await page.context().close();
  });
});

describe("security, in the running app", () => {
  it("sends security headers, and the home, product and sign-in pages pass their own CSP (no violations, hydrated)", async () => {
    const { rows } = await e2e.db.pool.query<{ id: string }>(
      "select id from public.products where status = 'active' limit 1",
    );
    const page = await e2e.newPage();
    for (const path of ["/", `/products/${rows[0].id}`, "/sign-in"]) {
      const response = (await page.goto(`${e2e.app.baseUrl}${path}`))!;
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
    const response = await fetch(`${e2e.app.baseUrl}/?page=89478487`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Products for sale");
  });

  it("refuses cross-site and non-JSON writes (403, 415)", async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${e2e.app.baseUrl}/api/auth/sign-out`, { method: "POST", headers, body: "{}" });
    expect((await post({ "content-type": "application/json", origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ "content-type": "text/plain" })).status).toBe(415);
    expect((await post({ "content-type": "application/json", origin: e2e.app.baseUrl })).status).toBe(200);
  });

  it("never loads supabase-js in the embedded mode (no Node 20 deprecation warning in the server log)", () => {
    expect(e2e.app.log()).not.toMatch(/Node\.js 20 and below are deprecated|supabase-js/);
  });

  it("limits views by the socket address: a rotating X-Forwarded-For does not escape the limit (no TRUST_PROXY)", async () => {
    const { rows } = await e2e.db.pool.query<{ id: string }>(
      "select id from public.products where status = 'active' order by id limit 1",
    );
    // A fixed one-minute window may already have started (the browser's views above): two windows'
    // worth of requests from one socket always cross the limit in one of them.
    const statuses: number[] = [];
    for (let i = 0; i < 121 && !statuses.includes(429); i++) {
      const response = await fetch(`${e2e.app.baseUrl}/api/products/${rows[0].id}/views`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Mozilla/5.0 (e2e)",
          "x-forwarded-for": `198.51.100.${i % 250}`,
        },
      });
      statuses.push(response.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});
