/**
 * GET /api/leaderboard against a real database: validation (400 with details), the answer's shape,
 * `me`, `updatedAt`, past months and all time, pages by cursor and the sellers around the caller.
 */
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_DEV_JWT_SECRET } from "../../lib/config";
import { signDemoToken } from "../../lib/auth/tokens";
import { decodeLeaderboardCursor, encodeLeaderboardCursor } from "../../lib/validation/leaderboard";
import { setUpEmbeddedApp } from "../helpers/app";
import { createUser, type TestDatabase } from "../helpers/db";

const app = setUpEmbeddedApp();
let db: TestDatabase;
let GET: (request: NextRequest) => Promise<Response>;
const sellers: Record<string, string> = {};

async function sellProduct(sellerId: string, soldAt: string) {
  await db.pool.query(
    "insert into public.products (seller_id, title, price, status, sold_at, created_at) values ($1, 'Thing', 10, 'sold', $2, $2::timestamptz - interval '1 day')",
    [sellerId, soldAt],
  );
}

async function get(query: string, headers: Record<string, string> = {}) {
  const response = await GET(new NextRequest(`http://localhost/api/leaderboard${query}`, { headers }));
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  db = app.db;
  ({ GET } = await import("../../app/api/leaderboard/route"));
  for (const name of ["Ada", "Bea", "Cy", "Dee"]) sellers[name] = await createUser(db.pool, name);
  const thisMonth = new Date();
  const now = new Date(thisMonth.getTime() - 60_000).toISOString();
  // This month: Ada 2, Bea 2, Cy 1. March 2025: Dee 3.
  await sellProduct(sellers.Ada, now);
  await sellProduct(sellers.Ada, now);
  await sellProduct(sellers.Bea, now);
  await sellProduct(sellers.Bea, now);
  await sellProduct(sellers.Cy, now);
  for (let i = 0; i < 3; i++) await sellProduct(sellers.Dee, "2025-03-15T12:00:00Z");
});

describe("GET /api/leaderboard", () => {
  it.each([
    ["?metric=likes", "metric"],
    ["?month=13&year=2026", "month"],
    ["?limit=10000", "limit"],
    ["?limit=0", "limit"],
    ["?year=abc&month=1", "year"],
    ["?period=week", "period"],
    ["?year=2026", "month"],
    ["?period=all&year=2026&month=1", "period"],
    ["?sellerId=123", ""],
  ])("answers 400 with details for %s", async (query, path) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.issues.some((issue: { path: string }) => issue.path === path)).toBe(true);
  });

  it("answers the current month by default, with ties sharing a rank, in UTC", async () => {
    const { status, body } = await get("");
    expect(status).toBe(200);
    const now = new Date();
    expect(body).toMatchObject({
      metric: "sales",
      period: "month",
      year: now.getUTCFullYear(),
      month: now.getUTCMonth() + 1,
      timeZone: "UTC",
      me: null,
    });
    expect(
      body.entries.map((entry: { displayName: string; rank: number; itemsSold: number }) => [
        entry.displayName,
        entry.rank,
        entry.itemsSold,
      ]),
    ).toEqual([
      ["Ada", 1, 2],
      ["Bea", 1, 2],
      ["Cy", 3, 1],
    ]);
    expect(body.entries[0]).toEqual({
      rank: 1,
      sellerId: sellers.Ada,
      displayName: "Ada",
      avatarUrl: null,
      itemsSold: 2,
      totalViews: 0,
    });
    expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("answers a past month and all time", async () => {
    const past = await get("?year=2025&month=3");
    expect(past.body.entries.map((entry: { displayName: string }) => entry.displayName)).toEqual(["Dee"]);
    expect(past.body).toMatchObject({ year: 2025, month: 3, firstMonth: { year: 2025, month: 3 } });
    const allTime = await get("?period=all&limit=2");
    expect(allTime.body).toMatchObject({ period: "all", year: null, month: null });
    expect(
      allTime.body.entries.map((entry: { displayName: string; itemsSold: number }) => [
        entry.displayName,
        entry.itemsSold,
      ]),
    ).toEqual([
      ["Dee", 3],
      ["Ada", 2],
    ]);
    const empty = await get("?year=2024&month=1");
    expect(empty.body).toMatchObject({ entries: [], updatedAt: null });
  });

  it("includes the signed-in seller's own standing, even outside the top N", async () => {
    const token = await signDemoToken(sellers.Cy, LOCAL_DEV_JWT_SECRET);
    const { body } = await get("?limit=1", { authorization: `Bearer ${token}` });
    expect(body.entries).toHaveLength(1);
    expect(body.me).toEqual({ sellerId: sellers.Cy, rank: 3, itemsSold: 1, totalViews: 0 });
    const dee = await signDemoToken(sellers.Dee, LOCAL_DEV_JWT_SECRET);
    expect((await get("", { cookie: `sb-access-token=${dee}` })).body.me).toEqual({
      sellerId: sellers.Dee,
      rank: null,
      itemsSold: 0,
      totalViews: 0,
    });
  });

  it("names the seller in `me`, so a seller tied with the last listed rank but cut off can be told apart", async () => {
    // Ada and Bea share rank 1; with limit=1 only Ada is listed, and Bea's `me` says rank 1 too.
    const token = await signDemoToken(sellers.Bea, LOCAL_DEV_JWT_SECRET);
    const { body } = await get("?limit=1", { authorization: `Bearer ${token}` });
    expect(body.entries.map((entry: { sellerId: string; rank: number }) => [entry.sellerId, entry.rank])).toEqual([
      [sellers.Ada, 1],
    ]);
    expect(body.me).toEqual({ sellerId: sellers.Bea, rank: 1, itemsSold: 2, totalViews: 0 });
  });

  it("answers 401 for a bad bearer token", async () => {
    const { status, body } = await get("", { authorization: "Bearer nonsense" });
    expect(status).toBe(401);
    expect(body.error.code).toBe("unauthorized");
  });
});

describe("GET /api/leaderboard: pages and around me", () => {
  const names = (body: { entries: { displayName: string; rank: number }[] }) =>
    body.entries.map((entry) => `${entry.rank} ${entry.displayName}`);

  it("pages forward and back by cursor, ties in the contract's order, no cursor beyond either end", async () => {
    const first = await get("?limit=1");
    expect(names(first.body)).toEqual(["1 Ada"]);
    expect(first.body.prevCursor).toBeUndefined();
    const second = await get(`?limit=1&cursor=${first.body.nextCursor}`);
    expect(names(second.body)).toEqual(["1 Bea"]);
    const third = await get(`?limit=1&cursor=${second.body.nextCursor}`);
    expect(names(third.body)).toEqual(["3 Cy"]);
    expect(third.body.nextCursor).toBeUndefined();
    const back = await get(`?limit=1&cursor=${third.body.prevCursor}`);
    expect(names(back.body)).toEqual(["1 Bea"]);
    // Back at the top: the first page, with no previous one.
    const top = await get(
      `?limit=2&cursor=${(await get(`?limit=2&cursor=${(await get("?limit=2")).body.nextCursor}`)).body.prevCursor}`,
    );
    expect(names(top.body)).toEqual(["1 Ada", "1 Bea"]);
    expect(top.body.prevCursor).toBeUndefined();
    // The cursor names the month it was made for: a page of the current month keeps it.
    const now = new Date();
    expect(decodeLeaderboardCursor(first.body.nextCursor)).toMatchObject({
      metric: "sales",
      period: "month",
      year: now.getUTCFullYear(),
      month: now.getUTCMonth() + 1,
    });
  });

  it("answers an empty page with no nextCursor past the end", async () => {
    const cursor = decodeLeaderboardCursor((await get("?limit=1")).body.nextCursor)!;
    const pastEnd = encodeLeaderboardCursor({
      ...cursor,
      figure: 1,
      other: 0,
      displayName: "Zz",
      sellerId: cursor.sellerId,
    });
    const { status, body } = await get(`?limit=1&cursor=${pastEnd}`);
    expect(status).toBe(200);
    expect(body.entries).toEqual([]);
    expect(body.nextCursor).toBeUndefined();
    expect(names((await get(`?limit=1&cursor=${body.prevCursor}`)).body)).toEqual(["3 Cy"]);
  });

  it.each([
    ["malformed", () => "not-a-cursor!"],
    ["not base64 JSON of ours", () => "bm90IG91cnM"],
    ["of another metric", (c: string) => ["metric=views", c]],
    ["of another period", (c: string) => ["period=all", c]],
    ["of another month", (c: string) => ["year=2025&month=3", c]],
  ] as const)("answers 400 for a cursor %s", async (_, make) => {
    const cursor = (await get("?limit=1")).body.nextCursor as string;
    const made = make(cursor);
    const query = typeof made === "string" ? `?cursor=${made}` : `?${made[0]}&cursor=${made[1]}`;
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.issues.map((issue: { path: string }) => issue.path)).toContain("cursor");
  });

  it("around=me: 401 signed out; the two above and below with ranks; [] when not ranked", async () => {
    const signedOut = await get("?around=me");
    expect(signedOut.status).toBe(401);
    expect(signedOut.body.error.code).toBe("unauthorized");
    const cy = await signDemoToken(sellers.Cy, LOCAL_DEV_JWT_SECRET);
    const { body } = await get("?around=me&limit=1", { authorization: `Bearer ${cy}` });
    expect(body.around.map((e: { rank: number; displayName: string }) => `${e.rank} ${e.displayName}`)).toEqual([
      "1 Ada",
      "1 Bea",
      "3 Cy",
    ]);
    const dee = await signDemoToken(sellers.Dee, LOCAL_DEV_JWT_SECRET);
    const unranked = await get("?around=me", { authorization: `Bearer ${dee}` });
    expect(unranked.body).toMatchObject({ around: [], me: { rank: null } });
    expect((await get("?around=you")).status).toBe(400);
  });
});
