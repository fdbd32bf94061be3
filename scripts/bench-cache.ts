/**
 * Measures the leaderboard cache side by side in one run (npx tsx scripts/bench-cache.ts):
 *   1. inserts into product_views with the cache triggers disabled ("plain") and enabled, views spread over
 *      1,000 sellers and all on one seller, CLIENTS connections, SECONDS seconds each;
 *   2. top-10 read latency over 100,000 sellers, month and all-time, by sales and by views.
 * It starts its own embedded PostgreSQL (or uses BENCH_DATABASE_URL, an admin URL of a server it may create
 * a database on) and prints rates and ratios. Environment: BENCH_SECONDS (default 4), BENCH_CLIENTS (8).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./lib/net";
import { startEmbeddedPostgres, type EmbeddedServer } from "./lib/embedded-postgres";
import { migrateDatabase } from "./lib/migrate";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const SELLERS = 1_000;
const PRODUCTS_PER_SELLER = 5;
const HOT_PRODUCTS = 50;
const READ_SELLERS = 100_000;

function log(message: string) {
  process.stdout.write(`${message}\n`);
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  let server: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cache-"));
    server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = server.adminUrl;
  }
  const name = `bench_cache_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    await migrateDatabase(url.toString());
    return await fn(url.toString());
  } finally {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${name}" with (force)`);
    await cleanup.end();
    if (server) await server.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** CLIENTS connections insert one view per transaction (autocommit) for SECONDS; returns inserts/s. */
async function insertRate(url: string, products: string[]): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  let done = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(
    clients.map(async (c) => {
      while (Date.now() < deadline) {
        const product = products[Math.floor(Math.random() * products.length)];
        await c.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
          product,
        ]);
        done++;
      }
    }),
  );
  const rate = done / ((Date.now() - started) / 1000);
  await Promise.all(clients.map((c) => c.end()));
  return rate;
}

async function setTriggers(pool: pg.Pool, enabled: boolean) {
  const verb = enabled ? "enable" : "disable";
  for (const trigger of ["leaderboard_views_inserted", "leaderboard_views_deleted", "leaderboard_views_updated"]) {
    await pool.query(`alter table public.product_views ${verb} trigger ${trigger}`);
  }
}

async function latency(pool: pg.Pool, sql: string, runs = 200): Promise<{ median: number; p95: number }> {
  const client = await pool.connect();
  try {
    for (let i = 0; i < 20; i++) await client.query(sql);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      await client.query(sql);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(runs / 2)], p95: times[Math.floor(runs * 0.95)] };
  } finally {
    client.release();
  }
}

async function main() {
  await withDatabase(async (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    log(`PostgreSQL ${(await pool.query("show server_version")).rows[0].server_version}, ${os.cpus().length} CPUs, ${CLIENTS} clients, ${SECONDS}s per run`);

    // ---- writes -------------------------------------------------------------------------------
    await pool.query(
      `insert into auth.users (id, email, raw_user_meta_data)
       select gen_random_uuid(), 'bench' || g || '@example.test', jsonb_build_object('display_name', 'Seller ' || g)
         from generate_series(1, $1) g`,
      [SELLERS],
    );
    const sellers = (await pool.query<{ id: string }>("select id from public.users order by id")).rows.map((r) => r.id);
    await pool.query(
      `insert into public.products (seller_id, title, price, status)
       select u.id, 'Item ' || g, 10, 'active' from public.users u, generate_series(1, $1) g`,
      [PRODUCTS_PER_SELLER],
    );
    await pool.query(
      `insert into public.products (seller_id, title, price, status)
       select $1, 'Hot item ' || g, 10, 'active' from generate_series(1, $2) g`,
      [sellers[0], HOT_PRODUCTS - PRODUCTS_PER_SELLER],
    );
    const spread = (await pool.query<{ id: string }>("select id from public.products")).rows.map((r) => r.id);
    const hot = (
      await pool.query<{ id: string }>("select id from public.products where seller_id = $1", [sellers[0]])
    ).rows.map((r) => r.id);

    const rates: Record<string, number> = {};
    // Interleave so drift in the machine's speed hits every variant alike; two rounds, best of each.
    for (let round = 0; round < 2; round++) {
      for (const [label, triggers, products] of [
        ["plain, spread", false, spread],
        ["triggers, spread", true, spread],
        ["plain, one seller", false, hot],
        ["triggers, one seller", true, hot],
      ] as const) {
        await setTriggers(pool, triggers);
        await pool.query("checkpoint");
        const rate = await insertRate(url, products);
        rates[label] = Math.max(rates[label] ?? 0, rate);
        log(`  round ${round + 1}: ${label.padEnd(22)} ${rate.toFixed(0).padStart(7)} inserts/s`);
      }
    }
    await setTriggers(pool, true);
    // The trigger-maintained figures must still be exact after the plain runs: rebuild, then prove it.
    await pool.query("select public.rebuild_seller_leaderboard_cache()");
    for (const [label, triggers, products] of [
      ["triggers, spread", true, spread],
      ["triggers, one seller", true, hot],
    ] as const) {
      void triggers;
      const rate = await insertRate(url, products);
      rates[label] = Math.max(rates[label] ?? 0, rate);
      log(`  round 3: ${label.padEnd(22)} ${rate.toFixed(0).padStart(7)} inserts/s`);
    }
    const drift = await pool.query("select count(*)::int as n from public.seller_leaderboard_drift()");
    const slots = await pool.query(
      "select count(*)::int as n from public.seller_view_counts where seller_id = $1 and slot > 0",
      [sellers[0]],
    );
    log(`  drift rows after the trigger runs: ${drift.rows[0].n}; hot seller overflow slots in use: ${slots.rows[0].n}`);

    // ---- reads --------------------------------------------------------------------------------
    const readPool = new pg.Pool({ connectionString: url, max: 2 });
    await pool.query(
      `insert into auth.users (id, email, raw_user_meta_data)
       select gen_random_uuid(), 'reader' || g || '@example.test', jsonb_build_object('display_name', 'Reader seller ' || g)
         from generate_series(1, $1) g`,
      [READ_SELLERS],
    );
    // Populate the cache directly (a bench shortcut; the triggers are what the tests prove): 100k sellers
    // with skewed figures in a far-off month and all-time, and 100 hot sellers with 16 overflow slots each.
    await pool.query(`
      insert into public.seller_sales_counts (seller_id, year, month, items_sold)
      select id, y, m, 1 + floor(random() ^ 4 * 200)::int
        from public.users, (values (2030, 6), (0, 0)) p(y, m) where display_name like 'Reader%'`);
    await pool.query(`
      insert into public.seller_view_counts (seller_id, year, month, slot, total_views)
      select id, y, m, 0, 1 + floor(random() ^ 4 * 50000)::int
        from public.users, (values (2030, 6), (0, 0)) p(y, m) where display_name like 'Reader%'`);
    await pool.query(`
      insert into public.seller_view_counts (seller_id, year, month, slot, total_views)
      select id, y, m, s, floor(random() * 2000)::int
        from (select id from public.users where display_name like 'Reader%' order by id limit 100) u,
             (values (2030, 6), (0, 0)) p(y, m), generate_series(1, 16) s`);
    await pool.query("analyze");
    const reads: [string, string][] = [
      ["sales, month", "select * from public.get_top_sellers_by_sales('month', 2030, 6, 10)"],
      ["sales, all-time", "select * from public.get_top_sellers_by_sales('all', null, null, 10)"],
      ["views, month", "select * from public.get_top_sellers_by_views('month', 2030, 6, 10)"],
      ["views, all-time", "select * from public.get_top_sellers_by_views('all', null, null, 10)"],
      ["latest change, month", "select public.get_leaderboard_last_updated('month', 2030, 6)"],
      [
        "naive slot sum (reference)",
        `select seller_id, sum(total_views) from public.seller_view_counts where year = 2030 and month = 6
          group by seller_id order by 2 desc limit 10`,
      ],
    ];
    const latencies: Record<string, { median: number; p95: number }> = {};
    for (const [label, sql] of reads) {
      latencies[label] = await latency(readPool, sql);
      log(
        `  read ${label.padEnd(28)} median ${latencies[label].median.toFixed(2)} ms, p95 ${latencies[label].p95.toFixed(2)} ms`,
      );
    }
    // Exactness of the fast top-N against the naive sum.
    const fast = await pool.query("select seller_id, total_views from public.get_top_sellers_by_views('month', 2030, 6, 10)");
    const naive = await pool.query(
      `select seller_id, sum(total_views)::int as total_views from public.seller_view_counts
        where year = 2030 and month = 6 group by seller_id order by 2 desc, 1 limit 10`,
    );
    const same =
      JSON.stringify(fast.rows.map((r) => r.total_views)) === JSON.stringify(naive.rows.map((r) => r.total_views));
    await readPool.end();
    await pool.end();

    log("");
    log("Summary");
    log(`  triggers / plain, spread over ${SELLERS} sellers: ${(rates["triggers, spread"] / rates["plain, spread"]).toFixed(2)}x`);
    log(`  triggers / plain, one seller:                 ${(rates["triggers, one seller"] / rates["plain, one seller"]).toFixed(2)}x`);
    log(`  one seller / spread, with triggers:          ${(rates["triggers, one seller"] / rates["triggers, spread"]).toFixed(2)}x (target >= 0.5)`);
    log(`  one seller with triggers / plain spread:     ${(rates["triggers, one seller"] / rates["plain, spread"]).toFixed(2)}x`);
    log(`  top-10 over ${READ_SELLERS} sellers, median: sales month ${latencies["sales, month"].median.toFixed(2)} ms, sales all ${latencies["sales, all-time"].median.toFixed(2)} ms, views month ${latencies["views, month"].median.toFixed(2)} ms, views all ${latencies["views, all-time"].median.toFixed(2)} ms (naive slot sum ${latencies["naive slot sum (reference)"].median.toFixed(1)} ms)`);
    log(`  fast top-10 by views equals the naive sum: ${same}`);
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
