/** Cookie names and options shared by the proxy, the auth routes and the session reader. */
import "server-only";

export const ACCESS_TOKEN_COOKIE = "sb-access-token";
export const VIEWER_SESSION_COOKIE = "viewer_session";

export const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function cookieOptions(secure: boolean, maxAge: number) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure, maxAge };
}
