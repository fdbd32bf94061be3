/**
 * `supabase db push` to a hosted project: every migration and seed.sql apply as a role shaped like hosted
 * `postgres` (not a superuser, no CREATE on schema auth) to a database where `auth` and the API roles
 * already exist and belong to other roles, and the sign-up trigger fires when the auth service inserts a user.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it, inject } from "vitest";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { withClient } from "../../scripts/lib/pg-client";

const suffix = randomUUID().replaceAll("-", "").slice(0, 10);
// Roles are cluster-wide: unique names, so parallel test files never meet them.
const SUPABASE_ADMIN = `hosted_supabase_admin_${suffix}`; // owns schema auth
const AUTH_ADMIN = `hosted_auth_admin_${suffix}`; // owns auth.users, inserts sign-ups (GoTrue)
const POSTGRES = `hosted_postgres_${suffix}`; // what `supabase db push` connects as
const PASSWORD = `pw_${suffix}`;
const DATABASE = `marketplace_test_hosted_${suffix}`;

const adminUrl = inject("adminDatabaseUrl");
const urlFor = (database: string, user?: string) => {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = PASSWORD;
  }
  return url.toString();
};

beforeAll(async () => {
  await withClient(adminUrl, async (admin) => {
    // The API roles exist in the cluster already (the template's compatibility migration, or Supabase).
    await admin.query(`create role ${SUPABASE_ADMIN} nologin`);
    await admin.query(`create role ${AUTH_ADMIN} login password '${PASSWORD}' noinherit`);
    await admin.query(
      `create role ${POSTGRES} login password '${PASSWORD}' nosuperuser createdb createrole bypassrls inherit`,
    );
    await admin.query(`grant anon, authenticated, service_role to ${POSTGRES}`);
    await admin.query(`create database ${DATABASE} owner ${POSTGRES}`);
  });
  await withClient(urlFor(DATABASE), async (admin) => {
    // Shaped like a hosted project: auth belongs to supabase_admin, auth.users to the auth service, RLS on.
    await admin.query(`create schema auth authorization ${SUPABASE_ADMIN}`);
    await admin.query(`grant usage on schema auth to ${AUTH_ADMIN}, ${POSTGRES}, anon, authenticated, service_role`);
    await admin.query(`grant create on schema auth to ${AUTH_ADMIN}`);
    await admin.query(`
      create table auth.users (
        id uuid primary key,
        email text unique,
        encrypted_password text,
        raw_app_meta_data jsonb default '{}'::jsonb,
        raw_user_meta_data jsonb default '{}'::jsonb,
        created_at timestamptz default now()
      )`);
    await admin.query(`alter table auth.users owner to ${AUTH_ADMIN}`);
    await admin.query("alter table auth.users enable row level security");
    // Hosted `postgres` may read auth.users, reference it and put triggers on it, but not create in auth.
    await admin.query(`grant all on table auth.users to ${POSTGRES}`);
    for (const [name, type, body] of [
      ["jwt", "jsonb", "select nullif(current_setting('request.jwt.claims', true), '')::jsonb"],
      ["uid", "uuid", "select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid"],
      ["role", "text", "select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'"],
    ]) {
      await admin.query(`create function auth.${name}() returns ${type} language sql stable as $$ ${body} $$`);
      await admin.query(`alter function auth.${name}() owner to ${SUPABASE_ADMIN}`);
      await admin.query(
        `grant execute on function auth.${name}() to ${POSTGRES}, ${AUTH_ADMIN}, anon, authenticated, service_role`,
      );
    }
    await admin.query(`alter schema public owner to ${POSTGRES}`);
  });
});

afterAll(async () => {
  await withClient(adminUrl, async (admin) => {
    await admin.query(`drop database if exists ${DATABASE} with (force)`);
    for (const role of [POSTGRES, AUTH_ADMIN, SUPABASE_ADMIN]) await admin.query(`drop role if exists ${role}`);
  });
});

it(
  "applies every migration and seed.sql as hosted postgres, and sign-ups create profiles",
  { timeout: 120_000 },
  async () => {
    const migrationsDir = path.join(PROJECT_ROOT, "supabase", "migrations");
    const files = fs
      .readdirSync(migrationsDir)
      .filter((f) => f.endsWith(".sql"))
      .sort();
    await withClient(urlFor(DATABASE, POSTGRES), async (client) => {
      const me = await client.query("select rolsuper from pg_roles where rolname = current_user");
      expect(me.rows[0].rolsuper).toBe(false);
      // Each migration in its own transaction, as the Supabase CLI applies them.
      for (const file of files) {
        const sql = fs.readFileSync(path.join(migrationsDir, file), "utf8");
        try {
          await client.query(`begin;\n${sql}\ncommit;`);
        } catch (error) {
          await client.query("rollback").catch(() => undefined);
          throw new Error(`${file}: ${(error as Error).message}`);
        }
      }
      await client.query(fs.readFileSync(path.join(PROJECT_ROOT, "supabase", "seed.sql"), "utf8"));
      const seeded = await client.query("select count(*)::int as n from public.users");
      expect(seeded.rows[0].n).toBeGreaterThan(0);
      // The schema auth is still Supabase's: nothing of ours was created in it.
      const ours = await client.query(
        `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'auth' and pg_get_userbyid(c.relowner) = current_user`,
      );
      expect(ours.rows[0].n).toBe(0);
    });

    // GoTrue inserts a sign-up as its own role: the trigger creates the profile.
    const id = randomUUID();
    await withClient(urlFor(DATABASE, AUTH_ADMIN), (client) =>
      client.query("insert into auth.users (id, email, raw_user_meta_data) values ($1, $2, $3)", [
        id,
        `${id}@example.test`,
        JSON.stringify({ display_name: "Hosted sign-up" }),
      ]),
    );
    const profile = await withClient(urlFor(DATABASE), (client) =>
      client.query("select display_name from public.users where id = $1", [id]),
    );
    expect(profile.rows).toEqual([{ display_name: "Hosted sign-up" }]);
  },
);
