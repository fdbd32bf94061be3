/**
 * startup: what `npm run dev` / `npm start` wait for with the embedded database.
 *   cold  a new data folder: initdb + start, create the database, apply every migration, load seed.sql;
 *   warm  an existing data folder: start, and the migration check that finds nothing to apply.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../lib/net";
import { startEmbeddedPostgres } from "../lib/embedded-postgres";
import { migrateDatabase, seedDatabase } from "../lib/migrate";
import { withClient } from "../lib/pg-client";
import { median, onInterrupt, options, progress } from "./common";

export interface StartupResult {
  coldMs: number;
  warmMs: number;
  cold: number[];
  warm: number[];
}

export async function measureStartup(): Promise<StartupResult> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-startup-")); // empty: the helper initialises it
    try {
      progress(`startup round ${round}/${options.rounds}: cold`);
      let t = performance.now();
      let server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
      let forget = onInterrupt(() => server.stop());
      await withClient(server.adminUrl, (admin) => admin.query("create database marketplace"));
      await migrateDatabase(server.urlFor("marketplace"));
      await seedDatabase(server.urlFor("marketplace"));
      cold.push(performance.now() - t);
      forget();
      await server.stop();

      progress(`startup round ${round}/${options.rounds}: warm`);
      t = performance.now();
      server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
      forget = onInterrupt(() => server.stop());
      await migrateDatabase(server.urlFor("marketplace"));
      warm.push(performance.now() - t);
      forget();
      await server.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { coldMs: median(cold), warmMs: median(warm), cold, warm };
}
