/**
 * `npm run bench:sales`: the sales write path, this tree's migrations against another git ref's (default
 * `main`), back to back on one embedded PostgreSQL. A seller marks a product sold and undoes it (two
 * transactions), through the app's own transport (rpc()'s postgres call, as the server makes it) at
 * BENCH_SALES_CONNECTIONS connections (8), each on its own products; on this tree the sale names a buyer
 * who wrote about the product first, so every sale goes through the ranking rule (message check, the
 * cap's lock and count, the sales row and its counters). Rounds alternate between the two databases;
 * the report is the median rate of each and their ratio. Options: BENCH_SALES_BASE (git ref, `main`),
 * BENCH_ROUNDS (5), BENCH_SECONDS (2), BENCH_SALES_CONNECTIONS (8).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { callPostgres, closePools } from "../../lib/db/postgres";
import type { DbSession } from "../../lib/db/types";
import { withClient } from "../lib/pg-client";
import { PROJECT_ROOT } from "../lib/paths";
import { median, progress, ratio, runWorkers, startMainServer, stopOnInterrupt } from "./common";

const env = process.env;
const BASE = env.BENCH_SALES_BASE ?? "main";
const ROUNDS = Number(env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(env.BENCH_SECONDS ?? 2);
const CONNECTIONS = Number(env.BENCH_SALES_CONNECTIONS ?? 8);
const SELLERS = 64;
const PRODUCTS_PER_WORKER = 32;
const SHOPPERS = 200;

/** The migrations of a git ref (file name, SQL), in order. */
function migrationsAt(ref: string): [string, string][] {
  const names = execFileSync("git", ["ls-tree", "--name-only", ref, "supabase/migrations/"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter((name) => name.endsWith(".sql"))
    .sort();
  return names.map((name) => [
    path.basename(name),
    execFileSync("git", ["show", `${ref}:${name}`], { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 1 << 26 }),
  ]);
}

/** The working tree's migrations. */
function migrationsHere(): [string, string][] {
  const dir = path.join(PROJECT_ROOT, "supabase", "migrations");
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => [name, fs.readFileSync(path.join(dir, name), "utf8")]);
}

interface Subject {
  label: string;
  url: string;
  /** Whether update_product takes p_buyer_id (the ranking rule). */
  namesBuyer: boolean;
  /** Per worker: its products, each with its seller and a shopper who wrote about it. */
  work: { productId: string; sellerId: string; buyerId: string }[][];
  rates: number[];
  errors: Record<string, number>;
}

const sessionOf = (userId: string): DbSession => ({
  role: "authenticated",
  userId,
  accessToken: "",
  claims: { sub: userId, role: "authenticated" },
});

async function round(subject: Subject): Promise<void> {
  const next = Array.from({ length: CONNECTIONS }, () => 0);
  const result = await runWorkers(subject.url, CONNECTIONS, SECONDS, async (_client, worker) => {
    const item = subject.work[worker][next[worker]++ % PRODUCTS_PER_WORKER];
    const session = sessionOf(item.sellerId);
    await callPostgres(
      subject.url,
      "update_product",
      subject.namesBuyer
        ? { p_product_id: item.productId, p_status: "sold", p_buyer_id: item.buyerId }
        : ({ p_product_id: item.productId, p_status: "sold" } as never),
      session,
    );
    await callPostgres(subject.url, "update_product", { p_product_id: item.productId, p_status: "active" }, session);
  });
  subject.rates.push(result.rate);
  for (const [code, n] of Object.entries(result.errors)) subject.errors[code] = (subject.errors[code] ?? 0) + n;
}

const subjects: Subject[] = [];

async function main() {
  stopOnInterrupt();
  const server = await startMainServer();
  try {
    progress(`sales: preparing ${BASE} and this tree`);
    for (const [label, migrations] of [
      [BASE, migrationsAt(BASE)],
      ["this tree", migrationsHere()],
    ] as [string, [string, string][]][]) {
      subjects.push(await prepareDatabase(server.adminUrl, label, migrations));
    }
    const [base, here] = subjects;
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so neither always runs on a warmer machine.
      for (const subject of r % 2 === 0 ? [base, here] : [here, base]) await round(subject);
      progress(
        `sales: round ${r + 1}/${ROUNDS}: ${base.rates.at(-1)!.toFixed(0)} vs ${here.rates.at(-1)!.toFixed(0)} sell+undo/s`,
      );
    }
    const lines = [
      `sales write path (sell naming a buyer + undo, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, medians)`,
      `  ${BASE}: ${median(base.rates).toFixed(0)} sell+undo pairs/s${base.namesBuyer ? "" : " (no buyer: its update_product has none)"}`,
      `  this tree: ${median(here.rates).toFixed(0)} sell+undo pairs/s`,
      `  ratio this tree / ${BASE}: ${ratio(median(here.rates), median(base.rates)).toFixed(2)}x`,
      `  errors: ${BASE} ${JSON.stringify(base.errors)}, this tree ${JSON.stringify(here.errors)}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await closePools();
    await server.stop();
  }
}

async function prepareDatabase(adminUrl: string, label: string, migrations: [string, string][]): Promise<Subject> {
  let built: Subject | undefined;
  const name = `bench_sales_${label.replace(/\W/g, "_")}_${Date.now()}`;
  await withClient(adminUrl, (c) => c.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await withClient(url.toString(), async (c) => {
    for (const [, sql] of migrations) await c.query(sql);
    built = await seedBench(c, label, url.toString());
  });
  return built!;
}

async function seedBench(c: import("pg").ClientBase, label: string, url: string): Promise<Subject> {
  const namesBuyer = (
    await c.query(
      "select exists (select from pg_proc where proname = 'update_product' and 'p_buyer_id' = any(proargnames)) as yes",
    )
  ).rows[0].yes as boolean;
  await c.query(
    `insert into auth.users (id, email, raw_user_meta_data)
     select gen_random_uuid(), 'u' || g || '@bench.test', jsonb_build_object('display_name', 'User ' || g)
       from generate_series(1, $1) g`,
    [SELLERS + SHOPPERS],
  );
  const users = (await c.query("select id from public.users order by id")).rows.map((r) => r.id as string);
  const sellers = users.slice(0, SELLERS);
  const shoppers = users.slice(SELLERS);
  const work: Subject["work"] = [];
  for (let w = 0; w < CONNECTIONS; w++) {
    const items = [];
    for (let i = 0; i < PRODUCTS_PER_WORKER; i++) {
      const sellerId = sellers[(w * PRODUCTS_PER_WORKER + i) % SELLERS];
      const buyerId = shoppers[(w * 31 + i * 7) % SHOPPERS];
      const { rows } = await c.query(
        "insert into public.products (seller_id, title, price, status) values ($1, 'Bench item', 25, 'active') returning id",
        [sellerId],
      );
      await c.query(
        "insert into public.messages (sender_id, recipient_id, product_id, body) values ($1, $2, $3, 'Still available?')",
        [buyerId, sellerId, rows[0].id],
      );
      items.push({ productId: rows[0].id as string, sellerId, buyerId });
    }
    work.push(items);
  }
  await c.query("analyze");
  return { label, url, namesBuyer, work, rates: [], errors: {} };
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
