/**
 * Dev tooling shared by the database commands (scripts/db.ts) and the launcher (scripts/launch.ts): the
 * embedded server on .data/postgres and its `marketplace` database, loading the seed once, messages.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import {
  EmbeddedPostgresError,
  processAlive,
  startEmbeddedPostgres,
  EMBEDDED_PASSWORD,
  EMBEDDED_USER,
} from "./embedded-postgres";
import { isLocalHost } from "./net";
import { seedDatabase } from "./migrate";
import { PROJECT_ROOT } from "./paths";
import { withClient } from "./pg-client";

export const DATA_DIR = path.join(PROJECT_ROOT, ".data", "postgres");
export const APP_DATABASE = "marketplace";
export const SEED_FILE = path.join(PROJECT_ROOT, "supabase", "seed.sql");
/** The path the Supabase CLI records in supabase_migrations.seed_files when it seeds. */
const SEED_RECORD_PATH = "supabase/seed.sql";
/** A user-facing failure: printed as its message alone, exit code 1. */
export class CommandError extends Error {}

function embeddedPort(): number {
  const raw = process.env.EMBEDDED_PG_PORT?.trim();
  if (!raw) return 54329;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CommandError(`EMBEDDED_PG_PORT must be a port number (1-65535), not "${raw}".`);
  }
  return port;
}

export function isLocalDatabase(databaseUrl: string): boolean {
  const host = new URL(databaseUrl).hostname;
  return isLocalHost(host);
}

/** The database a URL names (PostgreSQL defaults it to the user name). */
export function databaseName(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return decodeURIComponent(url.pathname.replace(/^\//, "")) || decodeURIComponent(url.username) || "postgres";
}

/** Host and database of a URL, without the password, for messages. */
export function describeDatabase(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${databaseName(databaseUrl)} on ${url.hostname}${url.port ? `:${url.port}` : ""}`;
}

/** The port of the embedded server already running on DATA_DIR (e.g. under `npm run dev`), if any. */
export function runningEmbeddedPort(dataDir = DATA_DIR): number | undefined {
  const lockFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(lockFile)) return undefined;
  const lines = fs.readFileSync(lockFile, "utf8").split("\n");
  const pid = Number.parseInt(lines[0] ?? "", 10);
  const port = Number.parseInt(lines[3] ?? "", 10);
  if (!Number.isFinite(pid) || pid <= 0 || !processAlive(pid) || !Number.isFinite(port)) return undefined;
  return port;
}

export interface EmbeddedHandle {
  adminUrl: string;
  urlFor(database: string): string;
  port: number;
  /** True when this process started the server (and must stop it). */
  owned: boolean;
  /** Start-up time in ms when started here. */
  startupMs?: number;
  stop(): Promise<void>;
}

/** Uses the embedded server already running on DATA_DIR, or starts it. */
export async function openEmbedded(
  options: { dataDir?: string; reuseRunning?: boolean; port?: number } = {},
): Promise<EmbeddedHandle> {
  const dataDir = options.dataDir ?? DATA_DIR;
  const running = options.reuseRunning === false ? undefined : runningEmbeddedPort(dataDir);
  if (running) {
    const urlFor = (database: string) =>
      `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${running}/${database}`;
    return { adminUrl: urlFor("postgres"), urlFor, port: running, owned: false, stop: async () => {} };
  }
  const started = Date.now();
  const server = await startEmbeddedPostgres({ dataDir, port: options.port ?? embeddedPort() });
  const startupMs = Date.now() - started;
  const lockFile = path.join(dataDir, "postmaster.pid");
  let stopped = false;
  return {
    adminUrl: server.adminUrl,
    urlFor: server.urlFor,
    port: server.port,
    owned: true,
    startupMs,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A Ctrl-C in the terminal reaches PostgreSQL too; once it has shut down, its lock file is gone
      // (and embedded-postgres would wait forever for an exit that already happened).
      if (!fs.existsSync(lockFile)) return;
      await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    },
  };
}

/** Creates the database if missing; true when it was created. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount) return false;
    await client.query(`create database "${database.replaceAll('"', '""')}"`);
    return true;
  });
}

/** The interesting lines of the CLI's migration output ("Applying migration …", "up to date"). */
export function migrationSummary(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^Applying migration|up to date|^Seeding/i.test(line));
}

const seedHash = (sql: string) => createHash("sha256").update(sql).digest("hex");

async function ensureSeedTable(client: pg.Client): Promise<void> {
  // The table the Supabase CLI itself records loaded seed files in (`db reset`, `db push --include-seed`).
  await client.query("create schema if not exists supabase_migrations");
  await client.query(
    "create table if not exists supabase_migrations.seed_files (path text not null primary key, hash text not null)",
  );
}

export async function markSeeded(client: pg.Client, sql: string): Promise<void> {
  await ensureSeedTable(client);
  await client.query(
    `insert into supabase_migrations.seed_files (path, hash) values ($1, $2)
     on conflict (path) do update set hash = excluded.hash`,
    [SEED_RECORD_PATH, seedHash(sql)],
  );
}

export async function seedRecorded(databaseUrl: string): Promise<boolean> {
  return withClient(databaseUrl, async (client) => {
    const table = await client.query("select to_regclass('supabase_migrations.seed_files') as t");
    if (!table.rows[0]?.t) return false;
    const row = await client.query("select 1 from supabase_migrations.seed_files where path = $1", [SEED_RECORD_PATH]);
    return (row.rowCount ?? 0) > 0;
  });
}

type SeedOutcome = "seeded" | "already-seeded" | "has-data" | "no-seed-file";

/**
 * Loads supabase/seed.sql once per database: the load is recorded in supabase_migrations.seed_files
 * (where the Supabase CLI records it too). A database that already has users is never seeded.
 */
export async function seedOnce(databaseUrl: string): Promise<SeedOutcome> {
  if (await seedRecorded(databaseUrl)) return "already-seeded";
  const hasUsers = await withClient(databaseUrl, async (client) => {
    const table = await client.query("select to_regclass('public.users') as t");
    if (!table.rows[0]?.t) return false;
    return ((await client.query("select 1 from public.users limit 1")).rowCount ?? 0) > 0;
  });
  if (!fs.existsSync(SEED_FILE)) return "no-seed-file";
  const sql = fs.readFileSync(SEED_FILE, "utf8");
  if (hasUsers) {
    await withClient(databaseUrl, (client) => markSeeded(client, sql));
    return "has-data";
  }
  await seedDatabase(databaseUrl);
  await withClient(databaseUrl, (client) => markSeeded(client, sql));
  return "seeded";
}

/** Known problems print their message only; anything else keeps its stack for debugging. */
export function reportFailure(error: unknown): void {
  if (
    error instanceof CommandError ||
    error instanceof EmbeddedPostgresError ||
    (error as Error)?.name === "ConfigError"
  ) {
    console.error(`\n${(error as Error).message}`);
  } else if (error instanceof Error && /^supabase .* failed:/.test(error.message)) {
    console.error(`\n${error.message.trim()}`);
  } else if (
    (error as NodeJS.ErrnoException)?.code === "ECONNREFUSED" ||
    (error as NodeJS.ErrnoException)?.code === "ENOTFOUND"
  ) {
    console.error(
      `\nCannot reach the database: ${(error as Error).message}. Check DATABASE_URL and that the server is running.`,
    );
  } else {
    console.error(error);
  }
}
