/**
 * Types of the database seam, and the two constant sessions. Shared on purpose (no runtime marker):
 * type-only apart from ANON and SERVICE_ROLE, which name a role and carry no secret; dev tooling
 * (scripts/bench) uses them too.
 */
import type { Database } from "./database.types";

/** Who a database call runs as: the API roles of Supabase, with the verified claims of a user. */
export type DbSession =
  | { role: "anon" }
  | { role: "authenticated"; userId: string; accessToken: string; claims: Record<string, unknown> }
  | { role: "service_role" };

export const ANON: DbSession = { role: "anon" };
export const SERVICE_ROLE: DbSession = { role: "service_role" };

type Functions = Database["public"]["Functions"];
export type RpcName = keyof Functions & string;
/** Functions without parameters are typed `Args: never` by the generator. */
export type RpcArgs<N extends RpcName> = [Functions[N]["Args"]] extends [never]
  ? Record<string, never>
  : Functions[N]["Args"];
export type RpcResult<N extends RpcName> = Functions[N]["Returns"];

/** A row of a set-returning function. */
export type RpcRow<N extends RpcName> = RpcResult<N> extends (infer Row)[] ? Row : never;

export type Transport = <N extends RpcName>(name: N, args: RpcArgs<N>, session: DbSession) => Promise<RpcResult<N>>;
