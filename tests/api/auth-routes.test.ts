/** Demo sign-in and sign-out, called as Next.js calls them, against a real test database. */
import { NextRequest } from "next/server";
import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { ACCESS_TOKEN_COOKIE } from "../../lib/auth/cookies";
import { signDemoToken, verifyAccessToken } from "../../lib/auth/tokens";
import { LOCAL_DEV_JWT_SECRET, resetConfigForTests } from "../../lib/config";
import { setUpEmbeddedApp } from "../helpers/app";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/db";

type RouteHandler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const app = setUpEmbeddedApp();
let db: TestDatabase;
let signIn: RouteHandler;
let signOut: RouteHandler;
let userId: string;
const noParams = { params: Promise.resolve({}) };

/** The cookies a response sets (route handlers are typed as answering a plain Response). */
const cookiesOf = (response: Response) => new ResponseCookies(response.headers);

function post(path: string, body?: string, cookie?: string, headers: Record<string, string> = {}) {
  return new NextRequest(`http://localhost${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}), ...headers },
  });
}

beforeAll(async () => {
  db = app.db;
  ({ POST: signIn } = await import("../../app/api/auth/demo-sign-in/route"));
  ({ POST: signOut } = await import("../../app/api/auth/sign-out/route"));
  userId = await createUser(db.pool, "Demo Dora");
});

afterEach(app.useEmbeddedMode);

describe("POST /api/auth/demo-sign-in", () => {
  it("signs in as a seeded user: an httpOnly cookie holding a valid token, and the user", async () => {
    const response = await signIn(post("/api/auth/demo-sign-in", JSON.stringify({ userId })), noParams);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: { id: userId, displayName: "Demo Dora", avatarUrl: null } });
    const cookie = cookiesOf(response).get(ACCESS_TOKEN_COOKIE);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("lax");
    const verified = await verifyAccessToken(cookie!.value, { secret: LOCAL_DEV_JWT_SECRET });
    expect(verified.userId).toBe(userId);
  });

  it("answers 404 for an unknown user and 400 for a bad body", async () => {
    const unknown = await signIn(
      post("/api/auth/demo-sign-in", JSON.stringify({ userId: crypto.randomUUID() })),
      noParams,
    );
    expect(unknown.status).toBe(404);
    expect(cookiesOf(unknown).get(ACCESS_TOKEN_COOKIE)).toBeUndefined();
    expect((await signIn(post("/api/auth/demo-sign-in", JSON.stringify({ userId: "admin" })), noParams)).status).toBe(
      400,
    );
    expect(
      (await signIn(post("/api/auth/demo-sign-in", JSON.stringify({ userId, role: "admin" })), noParams)).status,
    ).toBe(400);
    expect((await signIn(post("/api/auth/demo-sign-in", "{"), noParams)).status).toBe(400);
  });

  it("does not exist against a database the app did not start, even with APP_MODE=embedded and a token", async () => {
    // What a deployer copying the launcher's environment next to another database gets.
    const other = await createTestDatabase();
    await other.pool.query("delete from private.embedded_instance where id");
    process.env.DATABASE_URL = other.url;
    resetConfigForTests();
    const response = await signIn(post("/api/auth/demo-sign-in", JSON.stringify({ userId })), noParams);
    expect(response.status).toBe(404);
    expect(cookiesOf(response).get(ACCESS_TOKEN_COOKIE)).toBeUndefined();
    // Nor do tokens signed with the public development secret mean anything there.
    const { resolveSession } = await import("../../lib/auth/session");
    const forged = await signDemoToken(userId, LOCAL_DEV_JWT_SECRET);
    await expect(
      resolveSession({ authorization: `Bearer ${forged}`, cookies: { getAll: () => [] } }),
    ).rejects.toMatchObject({ status: 401 });
    expect(
      await resolveSession({
        authorization: null,
        cookies: { getAll: () => [{ name: ACCESS_TOKEN_COOKIE, value: forged }] },
      }),
    ).toEqual({ role: "anon" });
    // A wrong token is no better than none.
    process.env.DATABASE_URL = db.url;
    process.env.EMBEDDED_INSTANCE_TOKEN = "guessed-".padEnd(43, "x");
    resetConfigForTests();
    try {
      expect((await signIn(post("/api/auth/demo-sign-in", JSON.stringify({ userId })), noParams)).status).toBe(404);
    } finally {
      process.env.EMBEDDED_INSTANCE_TOKEN = inject("embeddedInstanceToken");
    }
  });

  it("does not exist outside the embedded mode", async () => {
    delete process.env.APP_MODE;
    process.env.SUPABASE_JWT_SECRET = "a-real-projects-secret-of-at-least-32-characters";
    resetConfigForTests();
    const response = await signIn(post("/api/auth/demo-sign-in", JSON.stringify({ userId })), noParams);
    expect(response.status).toBe(404);
    expect(cookiesOf(response).get(ACCESS_TOKEN_COOKIE)).toBeUndefined();
  });
});

describe("POST /api/auth/sign-out", () => {
  it("refuses another site (403) and a non-JSON request (415): nobody signs a visitor out from elsewhere", async () => {
    const cookie = `${ACCESS_TOKEN_COOKIE}=whatever`;
    for (const headers of [{ "sec-fetch-site": "cross-site" }, { origin: "https://evil.example" }] as Record<
      string,
      string
    >[]) {
      const response = await signOut(post("/api/auth/sign-out", undefined, cookie, headers), noParams);
      expect(response.status).toBe(403);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    const form = await signOut(
      post("/api/auth/sign-out", "", cookie, { "content-type": "application/x-www-form-urlencoded" }),
      noParams,
    );
    expect(form.status).toBe(415);
    // A cross-site form cannot sign a visitor in as a chosen user either (text/plain JSON).
    const plain = await signIn(
      post("/api/auth/demo-sign-in", JSON.stringify({ userId }), undefined, { "content-type": "text/plain" }),
      noParams,
    );
    expect(plain.status).toBe(415);
    expect(cookiesOf(plain).get(ACCESS_TOKEN_COOKIE)).toBeUndefined();
  });

  it("clears the session cookie", async () => {
    const response = await signOut(post("/api/auth/sign-out", undefined, `${ACCESS_TOKEN_COOKIE}=whatever`), noParams);
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toMatch(
      new RegExp(`${ACCESS_TOKEN_COOKIE}=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)`, "i"),
    );
  });
});
