/**
 * Starts one PostgreSQL for the whole test run (the embedded server, or the one in DATABASE_URL),
 * migrates a template database once with the Supabase CLI, and provides its URL. Each test file
 * clones its own database from the template (tests/helpers/db.ts), so files run in parallel.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { freePort } from "../../scripts/lib/net";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../scripts/lib/embedded-postgres";
import { markEmbeddedInstance, newEmbeddedInstanceToken } from "../../scripts/lib/embedded-instance";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { PROJECT_ROOT } from "../../scripts/lib/paths";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
    /** Written into the template (so into every test database): the app's proof of the embedded database. */
    embeddedInstanceToken: string;
  }
}

const TEMPLATE = "marketplace_test_template";

export default async function setup(project: TestProject) {
  const instanceToken = newEmbeddedInstanceToken();
  let server: EmbeddedServer | undefined;
  let adminUrl = process.env.DATABASE_URL;
  const dataDir = path.join(PROJECT_ROOT, ".test-data", randomUUID());
  if (!adminUrl) {
    server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = server.adminUrl;
  }

  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    // Test databases of an earlier, interrupted run (only ours: they share the template's prefix).
    const stale = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname like 'marketplace_test_%'",
    );
    for (const { datname } of stale.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.query(`create database "${TEMPLATE}"`);
    await admin.end();

    const templateUrl = new URL(adminUrl);
    templateUrl.pathname = `/${TEMPLATE}`;
    await migrateDatabase(templateUrl.toString());
    // Test databases stand for the embedded database the launcher starts: mark them the same way.
    await markEmbeddedInstance(templateUrl.toString(), instanceToken);
  } catch (error) {
    // A failed migration must not leave the server running behind the failed run.
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  project.provide("adminDatabaseUrl", adminUrl);
  project.provide("templateDatabase", TEMPLATE);
  project.provide("embeddedInstanceToken", instanceToken);

  return async () => {
    if (server) {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    } else {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      const left = await cleanup.query<{ datname: string }>(
        "select datname from pg_database where datname like 'marketplace_test_%'",
      );
      for (const { datname } of left.rows) await cleanup.query(`drop database if exists "${datname}" with (force)`);
      await cleanup.end();
    }
  };
}
