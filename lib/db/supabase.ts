/**
 * The supabase transport: `@supabase/supabase-js` `.rpc()` against PostgREST, with the anon key, the
 * user's access token, or the service role key. Used when NEXT_PUBLIC_SUPABASE_URL is configured
 * without a DATABASE_URL.
 */
import "server-only";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import type { SupabaseSettings } from "../config";
import { AppError } from "../errors";
import type { Database } from "./database.types";
import type { DatabaseFailure } from "./errors";
import type { DbSession, RpcArgs, RpcName, RpcResult } from "./types";

type Client = SupabaseClient<Database>;

function makeClient(settings: SupabaseSettings, key: string, accessToken?: string): Client {
  return createClient<Database>(settings.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : undefined,
    // Node 20 has no native WebSocket and supabase-js 2.119 throws without one; we never use realtime.
    realtime: { transport: WebSocket as never },
  });
}

const sharedClients = new Map<string, Client>();

function clientFor(settings: SupabaseSettings, session: DbSession): Client {
  if (session.role === "authenticated") return makeClient(settings, settings.anonKey, session.accessToken);
  const key = session.role === "service_role" ? settings.serviceRoleKey : settings.anonKey;
  if (!key) throw new AppError("internal", "The server has no service role key configured.");
  const cacheKey = `${settings.url}|${key}`;
  let client = sharedClients.get(cacheKey);
  if (!client) sharedClients.set(cacheKey, (client = makeClient(settings, key)));
  return client;
}

/** A PostgREST failure, carrying what lib/db/errors.ts needs to map it. */
export class PostgrestFailure extends Error implements DatabaseFailure {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly details: string | null,
    readonly hint: string | null,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export async function callSupabase<N extends RpcName>(
  settings: SupabaseSettings,
  name: N,
  args: RpcArgs<N>,
  session: DbSession,
): Promise<RpcResult<N>> {
  const client = clientFor(settings, session);
  // The generated overloads are too strict for a generic name; the seam's signature carries the types.
  const { data, error, status } = await (
    client.rpc as (
      n: string,
      a: object,
    ) => PromiseLike<{
      data: unknown;
      error: { message: string; code?: string; details?: string | null; hint?: string | null } | null;
      status: number;
    }>
  )(name, args as object);
  if (error)
    throw new PostgrestFailure(
      error.message,
      error.code || undefined,
      error.details ?? null,
      error.hint ?? null,
      status || undefined,
    );
  return data as RpcResult<N>;
}
