/**
 * `npm run bench`: the one place where speed is measured (tests never assert a time). Starts its own
 * PostgreSQL (embedded, or BENCH_DATABASE_URL), runs each measurement against the project's design, the
 * seed plan's design and plain inserts, and writes bench/results/latest.md and latest.json; a full run
 * also rewrites the summary table in docs/performance.md.
 * Options: see scripts/bench/common.ts (BENCH_QUICK=1 for a smoke run, BENCH_ONLY=read,mixed, ...).
 * Runs under Node's `react-server` export condition (package.json): it calls the app's server-only
 * database transport (lib/db/postgres.ts) directly.
 */
import fs from "node:fs";
import os from "node:os";
import { closePools } from "../../lib/db/postgres";
import { seedDatabase } from "../lib/migrate";
import { withClient } from "../lib/pg-client";
import {
  createDatabase,
  elapsedSeconds,
  options,
  progress,
  startMainServer,
  stopOnInterrupt,
  type BenchServer,
} from "./common";
import { measureCounters } from "./counters";
import { createDesigns } from "./designs";
import { buildApp, measureHttp, startApp } from "./http";
import { measureLimits } from "./limits";
import { measureLive } from "./live";
import { measureRanking } from "./ranking";
import { measureRead } from "./read";
import {
  PERFORMANCE_DOC,
  updatePerformanceDoc,
  writeResults,
  type ReadServerMissing,
  type ReadServerResult,
  type Results,
} from "./report";
import { STANDARD_MISSING, standardBuildInstalled, startStandardServer } from "./standard-server";
import { measureStartup } from "./startup";
import { measureHot, measureIngest, measureMixed, prepareWriteData } from "./writes";

// The rpc() transport's pool (10 connections by default) must not cap the 32-connection ingest runs.
process.env.DATABASE_POOL_SIZE ??= "32";

const wanted = (key: string) => !options.only || options.only.includes(key);

/** Runs one step and adds its duration (seconds) to the results' timing, with the run's total so far. */
async function timed<T>(results: Results, step: string, run: () => Promise<T>): Promise<T> {
  const begin = performance.now();
  try {
    return await run();
  } finally {
    const timing = (results.timing ??= { totalSeconds: 0, seconds: {} });
    timing.seconds[step] = (performance.now() - begin) / 1000;
    timing.totalSeconds = elapsedSeconds();
  }
}

/** read on the main server and, where installed, a throwaway cluster of the standard build with JIT. */
async function readOnServers(main: BenchServer): Promise<NonNullable<Results["read"]>> {
  const servers: BenchServer[] = [main];
  const missing: ReadServerMissing[] = [];
  if (!standardBuildInstalled())
    missing.push({ server: "standard build with JIT", available: false, reason: STANDARD_MISSING });
  else {
    progress(`read: starting a throwaway cluster of ${options.pgBin}`);
    servers.push(await startStandardServer());
  }
  const databases: { url: string; drop(): Promise<void> }[] = [];
  try {
    for (const server of servers) databases.push(await createDatabase(server));
    // The standard build is there for JIT, which only the largest size's month reads are planned for.
    const measured = await measureRead(
      databases.map((db, i) => ({ url: db.url, label: servers[i].label, largestOnly: i > 0 })),
    );
    const results: (ReadServerResult | ReadServerMissing)[] = measured.map(({ jit, rows, jitOn }, i) => ({
      server: servers[i].label === "standard" ? `standard build (${options.pgBin})` : servers[i].label,
      version: servers[i].version,
      jit,
      rows,
      jitOn,
    }));
    return { servers: [...results, ...missing], trending: measured.find((m) => m.trending)?.trending };
  } finally {
    for (const db of databases) await db.drop();
    for (const server of servers.slice(1)) await server.stop();
  }
}

/** How the ranking and ingest tables name a server: its build and PostgreSQL version. */
const serverLabel = (server: BenchServer) =>
  `${server.label === "standard" ? "standard build, JIT" : server.label}, PostgreSQL ${server.version.split(" ")[1]}`;

/** ranking on the main server and, where installed, on a throwaway cluster of the standard build with JIT. */
async function rankingOnServers(main: BenchServer): Promise<NonNullable<Results["ranking"]>> {
  const servers: BenchServer[] = [main];
  if (standardBuildInstalled()) {
    progress(`ranking: starting a throwaway cluster of ${options.pgBin}`);
    servers.push(await startStandardServer());
  }
  const rows: NonNullable<Results["ranking"]>["rows"] = [];
  let sellers = 0;
  try {
    for (const server of servers) {
      const db = await createDatabase(server);
      try {
        const result = await measureRanking(db.url, serverLabel(server));
        rows.push(...result.rows);
        sellers = result.sellers;
      } finally {
        await db.drop();
      }
    }
  } finally {
    for (const server of servers.slice(1)) await server.stop();
  }
  return { sellers, rows };
}

/** ingest again on a throwaway cluster of the standard build with JIT (full runs only, where installed). */
async function ingestOnStandard(): Promise<NonNullable<Results["ingestStandard"]>> {
  progress(`ingest: starting a throwaway cluster of ${options.pgBin}`);
  const server = await startStandardServer();
  try {
    const db = await createDatabase(server);
    try {
      await withClient(db.url, createDesigns);
      const data = await prepareWriteData(db.url);
      const rows = await measureIngest(db.url, data);
      return { server: serverLabel(server), rows };
    } finally {
      await closePools();
      await db.drop();
    }
  } finally {
    await server.stop();
  }
}

async function main() {
  stopOnInterrupt();
  const main = await startMainServer();
  const results: Results = {
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? "unknown",
      node: process.version,
      postgres: main.version.split(",")[0],
      date: new Date().toISOString(),
      quick: options.quick,
      rounds: options.rounds,
      secondsPerRun: options.seconds,
    },
    timing: { totalSeconds: 0, seconds: {} },
  };
  progress(`${results.machine.postgres}, ${results.machine.cores} cores${options.quick ? ", QUICK mode" : ""}`);
  try {
    if (wanted("read")) {
      results.read = await timed(results, "read", () => readOnServers(main));
      writeResults(results);
    }

    if (wanted("ranking")) {
      results.ranking = await timed(results, "ranking", () => rankingOnServers(main));
      writeResults(results);
    }

    if (wanted("ingest") || wanted("hot") || wanted("mixed")) {
      const db = await createDatabase(main);
      try {
        const data = await timed(results, "write data", async () => {
          await withClient(db.url, createDesigns);
          return prepareWriteData(db.url);
        });
        if (wanted("ingest")) results.ingest = await timed(results, "ingest", () => measureIngest(db.url, data));
        if (wanted("hot")) results.hot = await timed(results, "hot", () => measureHot(db.url, data));
        if (wanted("mixed")) results.mixed = await timed(results, "mixed", () => measureMixed(db.url));
      } finally {
        // The rpc() pools of the "as the server calls it" runs first: dropping the database would end
        // their idle connections under them ("terminating connection due to administrator command").
        await closePools();
        await db.drop();
      }
      writeResults(results);
    }
    if (wanted("ingest") && !options.quick && standardBuildInstalled()) {
      results.ingestStandard = await timed(results, "ingest, standard build", ingestOnStandard);
      writeResults(results);
    }

    if (wanted("counters")) {
      const db = await createDatabase(main);
      try {
        results.counters = await timed(results, "counters", () => measureCounters(db.url));
      } finally {
        await closePools();
        await db.drop();
      }
      writeResults(results);
    }

    if (wanted("http") || wanted("live") || wanted("limits")) {
      const db = await createDatabase(main);
      try {
        const app = await timed(results, "app build and start", async () => {
          await seedDatabase(db.url);
          buildApp();
          progress("http: next start");
          return startApp(db.url);
        });
        try {
          if (wanted("http")) results.http = await timed(results, "http", () => measureHttp(app));
          if (wanted("live")) results.live = await timed(results, "live", () => measureLive(app, db.url));
          if (wanted("limits")) results.limits = await timed(results, "limits", () => measureLimits(app, db.url));
        } finally {
          await app.stop();
        }
      } finally {
        await db.drop();
      }
      writeResults(results);
    }

    if (wanted("startup")) {
      results.startup = await timed(results, "startup", measureStartup);
    }
  } finally {
    await main.stop();
  }
  results.timing!.totalSeconds = elapsedSeconds();
  const files = writeResults(results);
  progress(`wrote ${files.md} and ${files.json}`);
  // Only a full run (every measurement, default output) speaks for the project in docs/performance.md.
  if (!options.only && !options.quick && !process.env.BENCH_OUT && updatePerformanceDoc(results)) {
    // In the project's format, so `npm run format:check` stays green after a run.
    const prettier = await import("prettier");
    const config = (await prettier.resolveConfig(PERFORMANCE_DOC)) ?? {};
    const text = fs.readFileSync(PERFORMANCE_DOC, "utf8");
    fs.writeFileSync(PERFORMANCE_DOC, await prettier.format(text, { ...config, filepath: PERFORMANCE_DOC }));
    progress("updated the table in docs/performance.md");
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
