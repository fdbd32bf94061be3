/**
 * Who is calling: reads the access token from `Authorization: Bearer` or the session cookie, verifies
 * it and returns the database session to run as. A bad Bearer token is an error (401); a bad or
 * expired cookie just means "signed out".
 */
import "server-only";
import { cache } from "react";
import { getConfig } from "../config";
import type { DbSession } from "../db/types";
import { AppError } from "../errors";
import { ACCESS_TOKEN_COOKIE } from "./cookies";
import { embeddedDatabaseProven } from "./demo";
import { verifyAccessToken } from "./tokens";

export interface CookieReader {
  getAll(): { name: string; value: string }[];
}

export interface RequestCredentials {
  authorization: string | null;
  cookies: CookieReader;
}

async function tokenFromCookies(cookies: CookieReader): Promise<string | undefined> {
  const config = getConfig();
  if (config.mode === "supabase") {
    // Supabase Auth keeps the session in @supabase/ssr's cookies; the proxy refreshes it.
    const { supabaseAuthClient } = await import("./supabase-auth"); // Supabase mode only (Node 20 warning)
    const supabase = supabaseAuthClient(config.supabase, { getAll: () => cookies.getAll(), setAll: () => undefined });
    const { data } = await supabase.auth.getSession();
    return data.session?.access_token;
  }
  return cookies.getAll().find((cookie) => cookie.name === ACCESS_TOKEN_COOKIE)?.value || undefined;
}

export async function resolveSession({ authorization, cookies }: RequestCredentials): Promise<DbSession> {
  const { jwt, mode } = getConfig();
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  // The embedded mode's secret is public: its tokens mean something only against the embedded database.
  if (
    mode === "embedded" &&
    !(await embeddedDatabaseProven().catch((error: unknown) => {
      // Database unreachable: an API call with a token says so (503); a page renders signed out.
      if (bearer) throw error;
      return false;
    }))
  ) {
    if (bearer)
      throw new AppError(
        "unauthorized",
        "Sign-in is not available: this is not the embedded database the app started.",
      );
    return { role: "anon" };
  }
  if (bearer) {
    const user = await verifyAccessToken(bearer, jwt); // throws 401
    return { role: "authenticated", userId: user.userId, accessToken: bearer, claims: user.claims };
  }
  const token = await tokenFromCookies(cookies);
  if (!token) return { role: "anon" };
  try {
    const user = await verifyAccessToken(token, jwt);
    return { role: "authenticated", userId: user.userId, accessToken: token, claims: user.claims };
  } catch {
    return { role: "anon" };
  }
}

/**
 * For server components and server actions. Resolved once per render (React's cache): the header and
 * the page share it; outside a render cache() is a passthrough.
 */
export const currentSession = cache(async (): Promise<DbSession> => {
  const { cookies, headers } = await import("next/headers");
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  return resolveSession({ authorization: headerStore.get("authorization"), cookies: cookieStore });
});
