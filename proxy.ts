/**
 * Runs before every page and API request (Next.js 16's proxy, formerly middleware):
 *  - gives an anonymous visitor an httpOnly `viewer_session` cookie (random UUID, one year), so their
 *    product views de-duplicate per shopper; the request carries it too, so this very request's
 *    server code already sees it;
 *  - with Supabase Auth, refreshes the session cookies (the vercel/next.js with-supabase pattern).
 * It never decides access: route handlers and pages verify the token themselves.
 */
import { NextResponse, type NextRequest } from "next/server";
import { cookieOptions, ONE_YEAR_SECONDS, VIEWER_SESSION_COOKIE } from "@/lib/auth/cookies";
import { supabaseAuthClient } from "@/lib/auth/supabase-auth";
import { getConfig, type AppConfig } from "@/lib/config";

function configOrNull(): AppConfig | null {
  try {
    return getConfig();
  } catch {
    return null; // the page itself reports a misconfiguration
  }
}

export async function proxy(request: NextRequest) {
  const secure = request.nextUrl.protocol === "https:";
  const newViewerSession = request.cookies.has(VIEWER_SESSION_COOKIE) ? null : crypto.randomUUID();
  if (newViewerSession) request.cookies.set(VIEWER_SESSION_COOKIE, newViewerSession);

  let response = NextResponse.next({ request });
  const config = configOrNull();
  if (config?.mode === "supabase" && config.supabase) {
    const supabase = supabaseAuthClient(config.supabase, {
      getAll: () => request.cookies.getAll(),
      setAll(cookiesToSet) {
        cookiesToSet.forEach(({ name, value }) => request.cookies.set(name, value));
        response = NextResponse.next({ request });
        cookiesToSet.forEach(({ name, value, options }) => response.cookies.set(name, value, options));
      },
    });
    // Nothing between creating the client and this call: it refreshes an expiring session.
    await supabase.auth.getClaims();
  }

  if (newViewerSession) response.cookies.set(VIEWER_SESSION_COOKIE, newViewerSession, cookieOptions(secure, ONE_YEAR_SECONDS));
  return response;
}

export const config = {
  // Everything but static assets and image optimisation.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico)$).*)"],
};
