/**
 * The one database seam: `rpc(name, args, session)` calls a SQL function in the `public` schema as
 * the session's role. All data goes through SQL functions; the transport (pg pool or
 * supabase-js) follows the configuration. Failures come out as AppError (lib/errors.ts).
 */
import "server-only";
import { getConfig } from "../config";
import { AppError } from "../errors";
import { isRetryable, toAppError, type DatabaseFailure } from "./errors";
import { callPostgres } from "./postgres";
import type { DbSession, RpcArgs, RpcName, RpcResult, Transport } from "./types";

export type { DbSession, RpcArgs, RpcName, RpcResult, RpcRow } from "./types";
export { ANON, SERVICE_ROLE } from "./types";

const MAX_ATTEMPTS = 3;

function configuredTransport(): Transport {
  const { transport } = getConfig();
  if (transport.kind === "postgres") {
    return (name, args, session) => callPostgres(transport.databaseUrl, name, args, session, transport.poolSize);
  }
  // Loaded only in this mode: supabase-js is large and warns on Node 20 as soon as it is imported.
  return async (name, args, session) => (await import("./supabase")).callSupabase(transport, name, args, session);
}

let transportOverride: Transport | undefined;

/** Tests point the seam at a transport of their choice (for example supabase-js against a stand-in). */
export function setTransportForTests(transport: Transport | undefined): void {
  transportOverride = transport;
}

export async function rpc<N extends RpcName>(name: N, args: RpcArgs<N>, session: DbSession): Promise<RpcResult<N>> {
  const transport = transportOverride ?? configuredTransport();
  for (let attempt = 1; ; attempt++) {
    try {
      return await transport(name, args, session);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const failure = error as DatabaseFailure;
      // Each call is one transaction, so a serialization failure or deadlock victim can simply run again.
      if (isRetryable(failure) && attempt < MAX_ATTEMPTS) continue;
      const mapped = toAppError(failure, session.role);
      if (mapped.code === "internal") console.error(`rpc ${name} failed:`, error);
      throw mapped;
    }
  }
}
