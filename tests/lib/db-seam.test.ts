/**
 * The one database seam, through both transports: roles and claims as PostgREST sets them, nothing
 * left on the connection, values round-tripped exactly, and failures mapped to the one error shape.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_DEV_JWT_SECRET } from "../../lib/config";
import { rpc, setTransportForTests } from "../../lib/db";
import { callPostgres, closePools, getPool } from "../../lib/db/postgres";
import { callSupabase } from "../../lib/db/supabase";
import type { DbSession, RpcName, Transport } from "../../lib/db/types";
import { AppError } from "../../lib/errors";
import { signDemoToken } from "../../lib/auth/tokens";
import { setUpEmbeddedApp } from "../helpers/app";
import { createUser, type TestDatabase } from "../helpers/db";
import { startPostgrestStandIn, type StandIn } from "../helpers/postgrest-standin";

// Test-only functions: they exercise the seam without depending on the app's schema.
const TEST_FUNCTIONS = `
  create function public.test_whoami() returns table(role text, uid uuid, claim_role text)
    language sql stable as $$ select current_user::text, auth.uid(), auth.jwt() ->> 'role' $$;
  create function public.test_echo(p_text text, p_int int, p_num numeric, p_bool boolean, p_at timestamptz, p_doc jsonb)
    returns table(text_value text, int_value int, num_value numeric, bool_value boolean, at_value timestamptz, doc jsonb)
    language sql stable as $$ select p_text, p_int, p_num, p_bool, p_at, p_doc $$;
  create function public.test_scalar(p_x int default 41) returns int language sql stable as $$ select p_x + 1 $$;
  create function public.test_empty() returns setof int language sql stable as $$ select 1 where false $$;
  create function public.test_fail(p_code text, p_message text default 'refused') returns void
    language plpgsql as $$ begin raise exception '%', p_message using errcode = p_code; end $$;
  create function public.test_check() returns void language plpgsql as $$
    begin update public.products set price = -1 where false; insert into public.users (id, display_name) values (gen_random_uuid(), ''); end $$;
  create sequence public.test_attempts;
  create function public.test_flaky() returns bigint language plpgsql as $$
    declare n bigint := nextval('public.test_attempts');
    begin if n < 3 then raise exception 'deadlock detected' using errcode = '40P01'; end if; return n; end $$;
  create function public.test_private() returns int language sql as $$ select 1 $$;
  -- Functions are closed by default (20260103000000_leaderboard_storage.sql): grant as a migration would.
  grant execute on function public.test_whoami(), public.test_echo(text, int, numeric, boolean, timestamptz, jsonb),
    public.test_scalar(int), public.test_empty(), public.test_fail(text, text), public.test_check(), public.test_flaky()
    to anon, authenticated, service_role;
  grant execute on function public.test_private() to service_role;
`;

// One connection, so "nothing left behind" is checked on the very connection used.
const app = setUpEmbeddedApp({ DATABASE_POOL_SIZE: "1" });
let db: TestDatabase;
let userId: string;
let userSession: DbSession;
let standIn: StandIn;

beforeAll(async () => {
  db = app.db;
  await db.pool.query(TEST_FUNCTIONS);
  userId = await createUser(db.pool, "Seam Tester");
  const token = await signDemoToken(userId, LOCAL_DEV_JWT_SECRET);
  userSession = {
    role: "authenticated",
    userId,
    accessToken: token,
    claims: { sub: userId, role: "authenticated", aud: "authenticated" },
  };
  standIn = await startPostgrestStandIn(db.url, LOCAL_DEV_JWT_SECRET);
});

afterAll(async () => {
  setTransportForTests(undefined);
  await standIn?.close();
  await closePools();
});

const postgresTransport: Transport = (name, args, session) => callPostgres(db.url, name, args, session);
const supabaseTransport: Transport = (name, args, session) =>
  callSupabase(
    { url: standIn.url, anonKey: standIn.anonKey, serviceRoleKey: standIn.serviceRoleKey },
    name,
    args,
    session,
  );

const call = (transport: Transport, name: string, args: Record<string, unknown>, session: DbSession) =>
  transport(name as RpcName, args as never, session) as Promise<unknown>;

describe.each([
  ["postgres", () => postgresTransport],
  ["supabase", () => supabaseTransport],
])("%s transport", (_name, transport) => {
  it("runs as the session's role with its claims", async () => {
    expect(await call(transport(), "test_whoami", {}, { role: "anon" })).toEqual([
      { role: "anon", uid: null, claim_role: "anon" },
    ]);
    expect(await call(transport(), "test_whoami", {}, userSession)).toEqual([
      { role: "authenticated", uid: userId, claim_role: "authenticated" },
    ]);
    expect(await call(transport(), "test_whoami", {}, { role: "service_role" })).toEqual([
      { role: "service_role", uid: null, claim_role: "service_role" },
    ]);
  });

  it("round-trips values exactly, including hostile strings", async () => {
    const hostile = `O'Brien "quoted" \\ back; drop table public.users; -- ✓ 😀`;
    const rows = await call(
      transport(),
      "test_echo",
      {
        p_text: hostile,
        p_int: -7,
        p_num: 1234.56,
        p_bool: false,
        p_at: "2026-06-30T23:59:59.999Z",
        p_doc: { a: [1, "x'y"] },
      },
      { role: "anon" },
    );
    expect(rows).toEqual([
      {
        text_value: hostile,
        int_value: -7,
        num_value: 1234.56,
        bool_value: false,
        at_value: "2026-06-30T23:59:59.999+00:00",
        doc: { a: [1, "x'y"] },
      },
    ]);
    expect((await db.pool.query("select count(*)::int as n from public.users")).rows[0].n).toBe(1);
  });

  it("returns scalars as values and sets as arrays (empty too)", async () => {
    expect(await call(transport(), "test_scalar", { p_x: 1 }, { role: "anon" })).toBe(2);
    expect(await call(transport(), "test_scalar", {}, { role: "anon" })).toBe(42);
    expect(await call(transport(), "test_empty", {}, { role: "anon" })).toEqual([]);
  });

  it("maps failures to the one error shape, never leaking raw messages", async () => {
    setTransportForTests(transport());
    try {
      const failure = (promise: Promise<unknown>) =>
        promise.then(
          () => undefined,
          (error: unknown) => error as AppError,
        );
      const notFound = await failure(
        rpc("test_fail" as RpcName, { p_code: "PT404", p_message: "Product not found." } as never, { role: "anon" }),
      );
      expect(notFound).toBeInstanceOf(AppError);
      expect(notFound?.toBody()).toEqual({ error: { code: "not_found", message: "Product not found." } });
      expect((await failure(rpc("test_fail" as RpcName, { p_code: "PT409" } as never, userSession)))?.status).toBe(409);
      expect((await failure(rpc("test_fail" as RpcName, { p_code: "PT403" } as never, userSession)))?.status).toBe(403);
      const check = await failure(rpc("test_check" as RpcName, {} as never, { role: "service_role" }));
      expect(check?.toBody()).toEqual({
        error: { code: "invalid_input", message: "Display name must be between 1 and 80 characters." },
      });
      // Bad characters in the input are the caller's mistake, not an outage.
      for (const code of ["08P01", "22021", "22P05"]) {
        expect((await failure(rpc("test_fail" as RpcName, { p_code: code } as never, userSession)))?.status, code).toBe(
          400,
        );
      }
      const internal = await failure(
        rpc("test_fail" as RpcName, { p_code: "XX000", p_message: "secret internals at /var/lib" } as never, {
          role: "anon",
        }),
      );
      expect(internal?.toBody()).toEqual({ error: { code: "internal", message: "Something went wrong on our side." } });
      expect((await failure(rpc("test_private" as RpcName, {} as never, { role: "anon" })))?.status).toBe(401);
      expect((await failure(rpc("test_private" as RpcName, {} as never, userSession)))?.status).toBe(403);
    } finally {
      setTransportForTests(undefined);
    }
  });
});

describe("postgres transport", () => {
  it("leaves no role, claims or prepared statement on the connection (safe behind a transaction pooler)", async () => {
    await call(postgresTransport, "test_whoami", {}, userSession);
    const { rows } = await getPool(db.url).query(
      "select current_user::text as role, coalesce(current_setting('request.jwt.claims', true), '') as claims, (select count(*)::int from pg_prepared_statements) as prepared",
    );
    expect(rows).toEqual([{ role: "postgres", claims: "", prepared: 0 }]);
  });

  it("retries a deadlock victim, since each call is one transaction", async () => {
    expect(await rpc("test_flaky" as RpcName, {} as never, { role: "service_role" })).toBe(3);
  });

  it("answers 503 when the database is unreachable", async () => {
    const closed = `postgres://postgres:postgres@127.0.0.1:1/nowhere`;
    setTransportForTests((name, args, session) => callPostgres(closed, name, args, session));
    try {
      await expect(rpc("test_scalar" as RpcName, {} as never, { role: "anon" })).rejects.toMatchObject({
        code: "database_unavailable",
        status: 503,
      });
    } finally {
      setTransportForTests(undefined);
    }
  });
});

describe("supabase transport", () => {
  it("answers 503 when Supabase is unreachable", async () => {
    setTransportForTests((name, args, session) =>
      callSupabase({ url: "http://127.0.0.1:1", anonKey: standIn.anonKey }, name, args, session),
    );
    try {
      await expect(rpc("test_scalar" as RpcName, {} as never, { role: "anon" })).rejects.toMatchObject({
        code: "database_unavailable",
      });
    } finally {
      setTransportForTests(undefined);
    }
  });

  it("rejects a token that the server cannot verify", async () => {
    const forged = {
      ...userSession,
      accessToken: await signDemoToken(randomUUID(), "another-secret-that-is-at-least-32-chars"),
    } as DbSession;
    setTransportForTests(supabaseTransport);
    try {
      await expect(rpc("test_whoami" as RpcName, {} as never, forged)).rejects.toMatchObject({
        code: "unauthorized",
        status: 401,
      });
    } finally {
      setTransportForTests(undefined);
    }
  });
});
