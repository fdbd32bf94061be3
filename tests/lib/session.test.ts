/**
 * Who is calling: the access token from `Authorization: Bearer`, our session cookie (embedded mode) or
 * @supabase/ssr's cookie (Supabase mode), always verified; never a user id from the request.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveSession } from "../../lib/auth/session";
import { signDemoToken } from "../../lib/auth/tokens";
import { LOCAL_DEV_JWT_SECRET, resetConfigForTests } from "../../lib/config";
import { createTestDatabase } from "../helpers/db";

const cookies = (list: Record<string, string>) => ({
  getAll: () => Object.entries(list).map(([name, value]) => ({ name, value })),
});
const saved = { ...process.env };

function useEnv(env: Record<string, string>) {
  for (const key of [
    "APP_MODE",
    "DATABASE_URL",
    "NEXT_PUBLIC_SUPABASE_URL",
    "NEXT_PUBLIC_SUPABASE_ANON_KEY",
    "SUPABASE_SERVICE_ROLE_KEY",
    "SUPABASE_JWT_SECRET",
  ]) {
    delete process.env[key];
  }
  Object.assign(process.env, env);
  resetConfigForTests();
}

afterEach(() => {
  process.env = { ...saved };
  resetConfigForTests();
});

describe("embedded mode", () => {
  // Tokens in the embedded mode count only against the embedded database (a test database stands for it).
  let databaseUrl = "";
  beforeAll(async () => {
    databaseUrl = (await createTestDatabase()).url;
  });

  it("reads the bearer token or the session cookie, verified", async () => {
    useEnv({ APP_MODE: "embedded", DATABASE_URL: databaseUrl });
    const userId = randomUUID();
    const token = await signDemoToken(userId, LOCAL_DEV_JWT_SECRET);
    await expect(resolveSession({ authorization: `Bearer ${token}`, cookies: cookies({}) })).resolves.toMatchObject({
      role: "authenticated",
      userId,
    });
    await expect(
      resolveSession({ authorization: null, cookies: cookies({ "sb-access-token": token }) }),
    ).resolves.toMatchObject({ role: "authenticated", userId });
    await expect(resolveSession({ authorization: null, cookies: cookies({}) })).resolves.toEqual({ role: "anon" });
  });

  it("refuses a bad bearer token (401) but treats a bad cookie as signed out", async () => {
    useEnv({ APP_MODE: "embedded", DATABASE_URL: databaseUrl });
    const forged = await signDemoToken(randomUUID(), "a-different-secret-of-at-least-32-characters");
    await expect(resolveSession({ authorization: `Bearer ${forged}`, cookies: cookies({}) })).rejects.toMatchObject({
      status: 401,
    });
    await expect(
      resolveSession({ authorization: null, cookies: cookies({ "sb-access-token": forged }) }),
    ).resolves.toEqual({ role: "anon" });
  });
});

describe("Supabase mode", () => {
  it("reads the session @supabase/ssr keeps in its cookie and verifies the access token", async () => {
    const secret = "project-jwt-secret-with-at-least-32-characters!!";
    useEnv({
      NEXT_PUBLIC_SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
      NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon-key",
      SUPABASE_SERVICE_ROLE_KEY: "service-key",
      SUPABASE_JWT_SECRET: secret,
    });
    const userId = randomUUID();
    const accessToken = await signDemoToken(userId, secret);
    const stored = {
      access_token: accessToken,
      refresh_token: "refresh",
      token_type: "bearer",
      expires_in: 3600,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      user: { id: userId, aud: "authenticated", role: "authenticated" },
    };
    // The format @supabase/ssr writes: "base64-" + base64url(JSON) under sb-<project ref>-auth-token.
    const value = `base64-${Buffer.from(JSON.stringify(stored)).toString("base64url")}`;
    const session = await resolveSession({
      authorization: null,
      cookies: cookies({ "sb-abcdefghijklmnop-auth-token": value }),
    });
    expect(session).toMatchObject({ role: "authenticated", userId, accessToken });

    const forged = {
      ...stored,
      access_token: await signDemoToken(randomUUID(), "not-the-project-secret-but-32-characters-long"),
    };
    const forgedValue = `base64-${Buffer.from(JSON.stringify(forged)).toString("base64url")}`;
    await expect(
      resolveSession({ authorization: null, cookies: cookies({ "sb-abcdefghijklmnop-auth-token": forgedValue }) }),
    ).resolves.toEqual({ role: "anon" });
  });
});
