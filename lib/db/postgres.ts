/**
 * The postgres transport: a `pg` pool that calls SQL functions the way PostgREST does. Each call is
 * ONE simple-protocol round trip holding two statements,
 *   select set_config('role', …, true), set_config('request.jwt.claims', …, true), …;
 *   select json_agg(t) from public.fn(p_x => '…') t;
 * which PostgreSQL runs as one implicit transaction: the role and claims are transaction-local, so
 * RLS and grants apply as on Supabase, nothing is left on the connection, no prepared statement is
 * named, and it works through a transaction-mode pooler (Supavisor). Values are sent as escaped
 * literals (pg's escapeLiteral) and the function's result comes back as JSON, exactly as PostgREST
 * would render it.
 */
import "server-only";
import pg from "pg";
import type { DbSession, RpcArgs, RpcName, RpcResult } from "./types";

const DEFAULT_POOL_SIZE = 10;
const pools = new Map<string, pg.Pool>();

/** The pool of one database, created on first use with at most `size` connections. */
export function getPool(databaseUrl: string, size = DEFAULT_POOL_SIZE): pg.Pool {
  let pool = pools.get(databaseUrl);
  if (!pool) {
    pool = new pg.Pool({ connectionString: databaseUrl, max: size });
    // An idle client losing its connection must not crash the server; the next call reconnects.
    pool.on("error", (error) => console.error("database pool error:", error.message));
    pools.set(databaseUrl, pool);
  }
  return pool;
}

export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  for (const pool of all) {
    // end() resolves before the connections' sockets close: a server stopped right after (a bench ending
    // its database) terminates them, which is the end they were having anyway, not an error to report.
    pool.removeAllListeners("error");
    pool.on("error", () => undefined);
  }
  await Promise.all(all.map((pool) => pool.end()));
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function literal(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return pg.escapeLiteral(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("Cannot send a non-finite number to the database");
    return `'${value}'`;
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  // A list of strings or numbers is a PostgreSQL array (as PostgREST turns a JSON array into one).
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number"))
    return pg.escapeLiteral(`{${value.map((item) => `"${String(item).replace(/[\\"]/g, "\\$&")}"`).join(",")}}`);
  return pg.escapeLiteral(JSON.stringify(value));
}

function claimsOf(session: DbSession): Record<string, unknown> {
  return session.role === "authenticated"
    ? { ...session.claims, sub: session.userId, role: "authenticated" }
    : { role: session.role };
}

/** Whether each function returns a set (rendered as an array, like PostgREST) or one value. */
const returnsSetCache = new WeakMap<pg.Pool, Map<string, Promise<boolean>>>();

function returnsSet(pool: pg.Pool, name: string): Promise<boolean> {
  let byName = returnsSetCache.get(pool);
  if (!byName) returnsSetCache.set(pool, (byName = new Map()));
  let answer = byName.get(name);
  if (!answer) {
    answer = pool
      .query<{ proretset: boolean }>(
        "select p.proretset from pg_catalog.pg_proc p where p.pronamespace = 'public'::regnamespace and p.proname = $1 limit 1",
        [name],
      )
      .then(({ rows }) => {
        if (!rows[0]) throw Object.assign(new Error(`No function public.${name}`), { code: "42883" });
        return rows[0].proretset;
      });
    answer.catch(() => byName.delete(name));
    byName.set(name, answer);
  }
  return answer;
}

export async function callPostgres<N extends RpcName>(
  databaseUrl: string,
  name: N,
  args: RpcArgs<N>,
  session: DbSession,
  poolSize?: number,
): Promise<RpcResult<N>> {
  if (!IDENTIFIER.test(name)) throw new TypeError(`Invalid function name: ${name}`);
  const pool = getPool(databaseUrl, poolSize);
  const namedArgs = Object.entries(args as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      if (!IDENTIFIER.test(key)) throw new TypeError(`Invalid argument name: ${key}`);
      return `${key} => ${literal(value)}`;
    })
    .join(", ");
  const call = (await returnsSet(pool, name))
    ? `select coalesce(json_agg(t), '[]'::json) as result from public.${name}(${namedArgs}) t`
    : `select to_json(public.${name}(${namedArgs})) as result`;
  const sql =
    `select set_config('role', ${literal(session.role)}, true), ` +
    `set_config('request.jwt.claims', ${literal(JSON.stringify(claimsOf(session)))}, true), ` +
    `set_config('TimeZone', 'UTC', true); ${call}`;
  const results = (await pool.query(sql)) as unknown as pg.QueryResult<{ result: unknown }>[];
  return results[1].rows[0]?.result as RpcResult<N>;
}
