/**
 * Runs before every page and API request (Next.js 16's proxy, formerly middleware):
 *  - gives an anonymous visitor of a page without a valid one an httpOnly `viewer_session` cookie (a
 *    random UUID the server signed, one year; lib/views/viewer-session.ts), so their product views
 *    de-duplicate per shopper. Only a cookie that comes back counts: it is not added to this request,
 *    and API requests get theirs from the views route;
 *  - with Supabase Auth, refreshes the session cookies (the vercel/next.js with-supabase pattern);
 *  - sets the pages' Content-Security-Policy with a fresh nonce (lib/security-headers.ts); the other
 *    security headers are static (next.config.ts).
 * It never decides access: route handlers and pages verify the token themselves.
 */
import { NextResponse, type NextRequest } from "next/server";
import { cookieOptions, ONE_YEAR_SECONDS, VIEWER_SESSION_COOKIE } from "@/lib/auth/cookies";
import { getConfig, type AppConfig } from "@/lib/config";
import { contentSecurityPolicy, newNonce } from "@/lib/security-headers";
import { newViewerSessionCookie, verifiedViewerSession } from "@/lib/views/viewer-session";

function configOrNull(): AppConfig | null {
  try {
    return getConfig();
  } catch {
    return null; // the page itself reports a misconfiguration
  }
}

export async function proxy(request: NextRequest) {
  const secure = request.nextUrl.protocol === "https:";
  const isApi = request.nextUrl.pathname.startsWith("/api/");
  const config = configOrNull();
  const newViewerSession =
    isApi || !config || verifiedViewerSession(request.cookies.get(VIEWER_SESSION_COOKIE)?.value)
      ? null
      : newViewerSessionCookie();

  const csp = contentSecurityPolicy(newNonce(), {
    dev: process.env.NODE_ENV === "development",
    connectTo: config?.mode === "supabase" ? config.supabase.url : undefined,
    imagesFrom: config?.mode === "supabase" ? config.supabase.url : undefined,
  });
  // Next.js takes the nonce from the request's policy header; the browser enforces the response's.
  const next = () => {
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", csp);
    const forwarded = NextResponse.next({ request: { headers } });
    forwarded.headers.set("content-security-policy", csp);
    return forwarded;
  };
  let response = next();
  if (config?.mode === "supabase") {
    // Loaded only in this mode: Supabase's libraries warn on Node 20 as soon as they are imported.
    const { supabaseAuthClient } = await import("@/lib/auth/supabase-auth");
    const supabase = supabaseAuthClient(config.supabase, {
      getAll: () => request.cookies.getAll(),
      setAll(cookiesToSet) {
        cookiesToSet.forEach(({ name, value }) => request.cookies.set(name, value));
        response = next();
        cookiesToSet.forEach(({ name, value, options }) => response.cookies.set(name, value, options));
      },
    });
    // Nothing between creating the client and this call: it refreshes an expiring session.
    await supabase.auth.getClaims();
  }

  if (newViewerSession)
    response.cookies.set(VIEWER_SESSION_COOKIE, newViewerSession, cookieOptions(secure, ONE_YEAR_SECONDS));
  return response;
}

export const config = {
  // Everything but static assets and image optimisation.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico)$).*)"],
};
