/**
 * Applies supabase/migrations with the Supabase CLI (the same tool admins use against Supabase),
 * and loads supabase/seed.sql. Used by the launcher, the db scripts and the test global setup.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { isLocalHost } from "./net";
import { PROJECT_ROOT } from "./paths";
import { withClient } from "./pg-client";

const run = promisify(execFile);
const SUPABASE_BIN = path.join(PROJECT_ROOT, "node_modules", "supabase", "dist", "supabase.js");

/** The CLI wants a local server's URL with sslmode=disable (it tries TLS otherwise). */
function cliDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const local = isLocalHost(url.hostname);
  if (local && !url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  return url.toString();
}

/** Runs one Supabase CLI command against a database; a failure carries the CLI's own output. */
export async function supabaseCli(args: string[], databaseUrl: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [SUPABASE_BIN, ...args, "--db-url", cliDatabaseUrl(databaseUrl)],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return `${stdout}${stderr}`;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`supabase ${args.join(" ")} failed:\n${failure.stderr || failure.stdout || failure.message}`);
  }
}

/**
 * The tables whose query plans matter from the first request. Never analyzed, the planner prices their
 * indexes alike and picks by creation order; analyzed (even empty), the cache triggers use the keys.
 */
export const ANALYZED_TABLES = [
  "public.seller_sales_counts",
  "public.seller_view_counts",
  "public.products",
  "public.product_views",
] as const;

/** ANALYZE the counter tables (and what they are counted from), skipping any not created yet. */
export async function analyzeCounters(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      "select t as name from unnest($1::text[]) t where to_regclass(t) is not null",
      [ANALYZED_TABLES],
    );
    if (rows.length) await client.query(`analyze ${rows.map((r) => r.name).join(", ")}`);
  });
}

export async function migrateDatabase(databaseUrl: string): Promise<string> {
  const output = await supabaseCli(["migration", "up", "--include-all"], databaseUrl);
  await analyzeCounters(databaseUrl);
  return output;
}

export async function seedDatabase(databaseUrl: string): Promise<void> {
  const sql = fs.readFileSync(path.join(PROJECT_ROOT, "supabase", "seed.sql"), "utf8");
  await withClient(databaseUrl, (client) => client.query(sql));
}
