/**
 * Per-test-file databases cloned from the migrated template, and helpers to act as a role the way
 * PostgREST does (set role + request.jwt.claims inside a transaction).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";

export interface TestDatabase {
  url: string;
  name: string;
  /** A pool of superuser connections (bypasses RLS): for arranging data and checking results. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** Creates a fresh database from the migrated template; dropped automatically after the file. */
export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject("adminDatabaseUrl");
  const template = inject("templateDatabase");
  const name = `marketplace_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
  expectTerminationOnDrop(pool);
  if (options.seed) {
    const { seedDatabase } = await import("../../scripts/lib/migrate");
    await seedDatabase(url.toString());
  }
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await pool.end();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${name}" with (force)`);
    await cleanup.end();
  };
  afterAll(drop);
  return { url: url.toString(), name, pool, drop };
}

/**
 * pool.end() resolves before its connections have closed, so the `drop database … with (force)` that
 * follows may terminate one on its way out: its 57P01 then reaches the pool as an idle client's error.
 * That one is expected; any other still fails the run.
 */
export function expectTerminationOnDrop(pool: pg.Pool): void {
  pool.on("error", (error) => {
    if ((error as { code?: string }).code !== "57P01") throw error;
  });
}

export type ApiRole = "anon" | "authenticated" | "service_role";

/** Acts as an API role (and user) for the rest of the client's transaction, as PostgREST does. */
export async function setRole(client: pg.ClientBase, role: ApiRole, userId: string | null): Promise<void> {
  const claims = userId ? { sub: userId, role, aud: "authenticated" } : { role };
  await client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [
    role,
    JSON.stringify(claims),
  ]);
}

/**
 * Runs `fn` in a transaction as an API role, with the JWT claims PostgREST would set. The transaction
 * is rolled back unless `commit` is true, so tests can try writes without changing the database.
 */
export async function asRole<T>(
  pool: pg.Pool,
  role: ApiRole,
  userId: string | null,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: { commit?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await setRole(client, role, userId);
    const result = await fn(client);
    await client.query(options.commit ? "commit" : "rollback");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Creates an auth user (and through the sign-up trigger, its profile); returns its id. */
export async function createUser(pool: pg.Pool, displayName: string): Promise<string> {
  const id = randomUUID();
  await pool.query("insert into auth.users (id, email, raw_user_meta_data) values ($1, $2, $3)", [
    id,
    `${id}@example.test`,
    JSON.stringify({ display_name: displayName }),
  ]);
  return id;
}
