/**
 * The one way the server talks to Supabase Auth: an @supabase/ssr client over the request's cookies.
 * Used by the proxy (session refresh), the session reader and sign-out.
 */
import "server-only";
import { createServerClient, type CookieMethodsServer } from "@supabase/ssr";
import WebSocket from "ws";
import type { SupabaseSettings } from "../config";

export function supabaseAuthClient(supabase: SupabaseSettings, cookies: CookieMethodsServer) {
  return createServerClient(supabase.url, supabase.anonKey, {
    cookies,
    // Node 20 has no native WebSocket and supabase-js 2.119 throws without one; auth never uses realtime.
    realtime: { transport: WebSocket as never },
  });
}
