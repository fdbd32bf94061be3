/**
 * The full ranking (/leaderboard) in a real headless Chromium: 120 more sellers with heavy ties on the
 * seeded board; all-time views, 50 a page, forward twice and back once, each page checked against a
 * window function over the cache (no seller twice, none missing); a signed-in seller far down sees the two
 * sellers above and below; screenshots at 375 px and 1280 px in .test-results/screenshots/.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { oracleBoard, seedBoard, type RankedRow } from "../db/leaderboard-helpers";
import { hydrated, screenshot, setUpE2eApp } from "../helpers/e2e";

const e2e = setUpE2eApp();
const PAGE_SIZE = 50;
let oracle: RankedRow[];
let sellerIds: string[];

beforeAll(async () => {
  // Views 1 to 3 and sales 0 to 1 among 120 sellers, names repeating: ties on every key but the id.
  const at = new Date(Date.now() - 60_000).toISOString();
  sellerIds = await seedBoard(
    e2e.db.pool,
    at,
    Array.from({ length: 120 }, (_, i) => ({
      name: `Tied ${String(i % 30).padStart(2, "0")}`,
      sold: i % 2,
      views: 1 + (i % 3),
    })),
  );
  oracle = await oracleBoard(e2e.db.pool, "views", "all");
});

/** The rows on screen as "rank name". */
async function rowsOnScreen(page: Page): Promise<string[]> {
  const list = page.getByRole("list", { name: "Views ranking" });
  return list
    .getByRole("listitem")
    .evaluateAll((items) =>
      items.map(
        (item) =>
          `${item.querySelector(".leaderboard-rank")?.textContent} ${item.querySelector(".leaderboard-name-text")?.textContent}`,
      ),
    );
}

const expected = (from: number) => oracle.slice(from, from + PAGE_SIZE).map((r) => `${r.rank} ${r.display_name}`);

/** Follows a pager link and waits for the new page's first row. */
async function follow(page: Page, name: RegExp, firstRow: string) {
  await (await hydrated(page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name }))).click();
  await expect.poll(async () => (await rowsOnScreen(page))[0], { timeout: 60_000 }).toBe(firstRow);
}

describe("the full ranking in a browser", () => {
  it("pages forward twice and back once through heavy ties, as the SQL oracle ranks them", async () => {
    expect(oracle.length).toBeGreaterThan(2 * PAGE_SIZE + 20);
    const page = await e2e.newPage(1280);
    await page.goto(`${e2e.app.baseUrl}/leaderboard?metric=views&period=all`);
    await page.getByRole("heading", { name: "Leaderboard", level: 1 }).waitFor();
    expect(await page.title()).toMatch(/^Top sellers by views · all time/);
    expect(await page.locator('meta[property="og:title"]').getAttribute("content")).toMatch(/^Top sellers by views/);
    expect(await rowsOnScreen(page)).toEqual(expected(0));

    const seen = [...(await rowsOnScreen(page))];
    await follow(page, /Next 50/, expected(PAGE_SIZE)[0]);
    expect(await rowsOnScreen(page)).toEqual(expected(PAGE_SIZE));
    expect(new URL(page.url()).searchParams.get("cursor")).toBeTruthy();
    seen.push(...(await rowsOnScreen(page)));
    await follow(page, /Next 50/, expected(2 * PAGE_SIZE)[0]);
    expect(await rowsOnScreen(page)).toEqual(expected(2 * PAGE_SIZE));
    seen.push(...(await rowsOnScreen(page)));
    // Every seller of the oracle's first pages once, in its order.
    expect(seen).toEqual(oracle.slice(0, seen.length).map((r) => `${r.rank} ${r.display_name}`));
    const thirdPage = page.url();
    await follow(page, /Previous 50/, expected(PAGE_SIZE)[0]);
    expect(await rowsOnScreen(page)).toEqual(expected(PAGE_SIZE));

    // The address is the page: opened afresh, it shows the same rows.
    const again = await e2e.newPage(1280);
    await again.goto(thirdPage);
    expect(await rowsOnScreen(again)).toEqual(expected(2 * PAGE_SIZE));
    await again.context().close();
    await page.context().close();
  });

  it("shows a signed-in seller far down the two sellers above and below, with screenshots", async () => {
    const index = oracle.findIndex((r, i) => i > 60 && sellerIds.includes(r.seller_id));
    const me = oracle[index];
    const page = await e2e.newPage(1280);
    // Demo sign-in as that seller (the embedded mode's sign-in, as the sign-in page does it).
    const signIn = await page.request.post(`${e2e.app.baseUrl}/api/auth/demo-sign-in`, {
      data: { userId: me.seller_id },
    });
    expect(signIn.status()).toBe(200);
    await page.goto(`${e2e.app.baseUrl}/leaderboard?metric=views&period=all`);
    const around = page.getByRole("region", { name: "Around you" });
    await around.waitFor();
    const names = await around
      .getByRole("listitem")
      .evaluateAll((items) =>
        items.map(
          (item) =>
            `${item.querySelector(".leaderboard-rank")?.textContent} ${item.querySelector(".leaderboard-name-text")?.textContent}`,
        ),
      );
    expect(names).toEqual(oracle.slice(index - 2, index + 3).map((r) => `${r.rank} ${r.display_name}`));
    expect(await around.locator('[aria-current="true"]').textContent()).toContain(me.display_name);

    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, "full-ranking-1280");
    await page.setViewportSize({ width: 375, height: 812 });
    await around.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, "full-ranking-375");

    // The modal links here.
    await (await hydrated(page.getByRole("banner").getByRole("button", { name: "Leaderboard" }))).click();
    const dialog = page.getByRole("dialog", { name: "Leaderboard" });
    await (await hydrated(dialog.getByRole("link", { name: "See the full ranking" }))).click();
    await page.waitForURL((url) => url.pathname === "/leaderboard" && url.searchParams.get("metric") === "sales");
    await page.context().close();
  });
});
