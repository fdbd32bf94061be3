import { NextResponse } from "next/server";
import { handler } from "@/lib/api/handler";
import { ACCESS_TOKEN_COOKIE } from "@/lib/auth/cookies";
import { getConfig } from "@/lib/config";

/** @supabase/ssr keeps the session in `sb-<project>-auth-token` cookies, chunked as `.0`, `.1`, … */
const SUPABASE_AUTH_COOKIE = /^sb-.+-auth-token(?:-code-verifier)?(?:\.\d+)?$/;

/** POST /api/auth/sign-out: forgets the session cookies (and, with Supabase Auth, the session). */
export const POST = handler({}, async ({ request }) => {
  const response = NextResponse.json({ signedOut: true });
  const config = getConfig();
  if (config.mode === "supabase") {
    const { supabaseAuthClient } = await import("@/lib/auth/supabase-auth"); // Supabase mode only (Node 20 warning)
    const supabase = supabaseAuthClient(config.supabase, {
      getAll: () => request.cookies.getAll(),
      setAll: (cookies) => cookies.forEach(({ name, value, options }) => response.cookies.set(name, value, options)),
    });
    // Revokes this device's refresh token; the cookies are cleared below whether or not it succeeds.
    await supabase.auth.signOut({ scope: "local" }).catch(() => undefined);
    for (const { name } of request.cookies.getAll()) {
      if (SUPABASE_AUTH_COOKIE.test(name)) response.cookies.delete(name);
    }
  }
  response.cookies.delete(ACCESS_TOKEN_COOKIE);
  return response;
});
