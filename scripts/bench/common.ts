/**
 * What every measurement shares: options, progress, statistics, databases and worker loops.
 *
 * Options (environment variables; `npm run bench` with none finishes in a few minutes on 2 cores):
 *   BENCH_QUICK=1          tiny sizes and one short round of everything (a smoke run, well under a minute)
 *   BENCH_ONLY=read,mixed  run only these measurements (read ranking ingest hot mixed counters http live limits startup)
 *   BENCH_ROUNDS=3         rounds per figure (each figure is the median of its rounds)
 *   BENCH_SECONDS=0.6      seconds per write run (ingest, hot, mixed, live ingestion)
 *   BENCH_SELLERS=10000,100000  seller counts of the read measurement (24 months of history each)
 *   BENCH_VIEWS=1000000    views of the recompute-from-source reference (read)
 *   BENCH_HTTP_SECONDS=3   seconds per autocannon run; BENCH_HTTP_BUILD=0 reuses an existing .next build
 *   BENCH_DATABASE_URL     an admin URL of a server to use instead of the embedded one (it creates and
 *                          drops its own databases there)
 *   BENCH_PG_BIN=/usr/lib/postgresql/15/bin  the "standard build with JIT" of the read measurement
 *   BENCH_OUT=bench/results  where latest.md and latest.json go
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../lib/net";
import { startEmbeddedPostgres, type EmbeddedServer } from "../lib/embedded-postgres";
import { migrateDatabase } from "../lib/migrate";
import { PROJECT_ROOT } from "../lib/paths";
import { withClient } from "../lib/pg-client";

export { PROJECT_ROOT };

const env = process.env;
const quick = env.BENCH_QUICK === "1";
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const list = (name: string, fallback: number[]) => (env[name] ? env[name]!.split(",").map(Number) : fallback);

export const options = {
  quick,
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(",").map((s) => s.trim()) : null,
  rounds: num("BENCH_ROUNDS", quick ? 1 : 3),
  seconds: num("BENCH_SECONDS", quick ? 0.4 : 0.6),
  sellers: list("BENCH_SELLERS", quick ? [1_000] : [10_000, 100_000]),
  views: num("BENCH_VIEWS", quick ? 20_000 : 1_000_000),
  months: 24,
  httpSeconds: num("BENCH_HTTP_SECONDS", quick ? 1 : 3),
  httpBuild: env.BENCH_HTTP_BUILD !== "0",
  databaseUrl: env.BENCH_DATABASE_URL,
  pgBin: env.BENCH_PG_BIN ?? "/usr/lib/postgresql/15/bin",
  out: path.resolve(PROJECT_ROOT, env.BENCH_OUT ?? "bench/results"),
  appPort: num("BENCH_APP_PORT", 3105),
};

const started = Date.now();
/** Seconds since the bench started (the run's total, once it ends). */
export const elapsedSeconds = (): number => (Date.now() - started) / 1000;
/** One progress line per step, with the time since the bench started. */
export function progress(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[bench ${s}s] ${message}\n`);
}

export const median = (values: number[]): number => {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

export const ratio = (a: number, b: number): number => (b > 0 ? a / b : NaN);

/** What must be stopped if the bench is interrupted (Ctrl-C): the servers it started. */
const cleanups = new Set<() => Promise<void>>();
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
/** Called by the runner only: a module that merely imports the bench (a test) must keep its own signals. */
export function stopOnInterrupt(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping what the bench started`);
      void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
    });
  }
}

/** A server the bench may create databases on; `stop` cleans up whatever the bench started. */
export interface BenchServer {
  label: string;
  adminUrl: string;
  version: string;
  stop(): Promise<void>;
}

export async function serverVersion(adminUrl: string): Promise<string> {
  return withClient(adminUrl, async (c) => (await c.query("select version() as v")).rows[0].v as string);
}

/** The embedded PostgreSQL (the project's helper), or BENCH_DATABASE_URL when given. */
export async function startMainServer(): Promise<BenchServer> {
  if (options.databaseUrl) {
    return {
      label: "BENCH_DATABASE_URL",
      adminUrl: options.databaseUrl,
      version: await serverVersion(options.databaseUrl),
      stop: async () => {},
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pg-"));
  let server: EmbeddedServer;
  try {
    server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const stop = async () => {
    forget();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const forget = onInterrupt(stop);
  return { label: "embedded", adminUrl: server.adminUrl, version: await serverVersion(server.adminUrl), stop };
}

/** A fresh, migrated database on a server; `drop` removes it. */
export async function createDatabase(server: BenchServer): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  await withClient(server.adminUrl, (admin) => admin.query(`create database "${name}"`));
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      await closeWorkerClients(url.toString());
      await withClient(server.adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

export async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // A client error on an idle connection must not end the bench.
  c.on("error", () => {});
  return c;
}

export interface RunResult {
  /** Operations that succeeded (failed ones are only counted in `errors`). */
  ops: number;
  /** Succeeded operations per second. */
  rate: number;
  /** Failed operations by SQLSTATE. */
  errors: Record<string, number>;
}

/**
 * Worker connections, kept open from one run to the next on the same database (a new backend's start is
 * not what a run measures); closed when the bench's database is dropped.
 */
const idleWorkers = new Map<string, pg.Client[]>();
const deadWorkers = new WeakSet<pg.Client>();

async function takeWorkers(url: string, count: number): Promise<pg.Client[]> {
  const idle = (idleWorkers.get(url) ?? []).filter((c) => !deadWorkers.has(c));
  const reused = idle.splice(0, count);
  idleWorkers.set(url, idle);
  const fresh = await Promise.all(
    Array.from({ length: count - reused.length }, async () => {
      const c = await connect(url);
      c.on("error", () => deadWorkers.add(c));
      c.on("end", () => deadWorkers.add(c));
      return c;
    }),
  );
  return [...reused, ...fresh];
}

async function closeWorkerClients(url: string): Promise<void> {
  const idle = idleWorkers.get(url) ?? [];
  idleWorkers.delete(url);
  await Promise.allSettled(idle.map((c) => c.end()));
}

/**
 * `connections` clients each run `op` back to back for `seconds`; every op is its own transaction.
 * Each client first runs `op` once before the clock starts: a backend's first statements of a workload
 * load catalog caches and compile the PL/pgSQL functions it calls, which in a short run at 32 connections
 * on 2 cores would otherwise be much of the run. Failures are counted by SQLSTATE, not in the rate, and
 * the loop goes on (the workload decides what a failure means).
 */
export async function runWorkers(
  url: string,
  connections: number,
  seconds: number,
  op: (client: pg.Client, worker: number) => Promise<unknown>,
): Promise<RunResult> {
  const clients = await takeWorkers(url, connections);
  await Promise.all(clients.map((c, worker) => op(c, worker).catch(() => {})));
  let ops = 0;
  const errors: Record<string, number> = {};
  const begin = performance.now();
  const deadline = begin + seconds * 1000;
  await Promise.all(
    clients.map(async (c, worker) => {
      while (performance.now() < deadline) {
        try {
          await op(c, worker);
          ops++;
        } catch (error) {
          const code = (error as { code?: string }).code ?? "client";
          errors[code] = (errors[code] ?? 0) + 1;
        }
      }
    }),
  );
  const rate = ops / ((performance.now() - begin) / 1000);
  idleWorkers.set(url, [...(idleWorkers.get(url) ?? []), ...clients]);
  return { ops, rate, errors };
}

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Adds every count of `more` into `into` (errors by SQLSTATE over rounds). */
export function addCounts(into: Record<string, number>, more: Record<string, number>): Record<string, number> {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}
