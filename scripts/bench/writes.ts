/**
 * ingest, hot and mixed: write workloads against the three designs, alternating designs within each round.
 *   ingest  counted views per second at 1, 8 and 32 connections, spread over 1,000 sellers: as plain inserts
 *           into product_views, and (project, seed) through record_product_view as the server calls it.
 *   hot     the same at 8 connections (record_product_view and plain inserts, as ingest) with every view on one
 *           seller (50 products), and on one product, against the same spread over 1,000 sellers.
 *   mixed   8 connections on 2 sellers and 16 products: sells, unsells, drafts, inserts of already-sold
 *           products dated in past months, deletes, and views across three months; with and without deletes.
 */
import pg from "pg";
import { callPostgres } from "../../lib/db/postgres";
import { SERVICE_ROLE } from "../../lib/db/types";
import { addCounts, connect, median, options, pick, progress, runWorkers, type RunResult } from "./common";
import { addProducts, addSellers, DESIGNS, SCHEMA, type Design } from "./designs";

const SPREAD_SELLERS = 1_000;
const PRODUCTS_PER_SELLER = 5;
const HOT_PRODUCTS = 50;

const insertView = (design: Design) =>
  `insert into ${SCHEMA[design]}.product_views (product_id, session_id) values ($1, gen_random_uuid())`;

/** record_product_view of a seed design, the way lib/db/postgres.ts sends it (role, claims, one round trip). */
const seedRpc = (schema: string, product: string) =>
  `select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true), ` +
  `set_config('TimeZone', 'UTC', true); select to_json(${schema}.record_product_view('${product}', gen_random_uuid())) as result`;

type Variant = { label: string; design: Design; via: "insert" | "rpc" };
const VARIANTS: Variant[] = [
  { label: "project, record_product_view", design: "project", via: "rpc" },
  { label: "seed, record_product_view", design: "seed", via: "rpc" },
  { label: "seed + indexes, record_product_view", design: "seedIndexed", via: "rpc" },
  ...DESIGNS.map((design) => ({ label: `${design}, insert`, design, via: "insert" as const })),
  { label: "seed + indexes, insert", design: "seedIndexed", via: "insert" },
];

async function viewRun(url: string, variant: Variant, connections: number, products: string[]): Promise<RunResult> {
  if (variant.via === "rpc" && variant.design === "project") {
    // Open the transport's pool connections before the clock starts, as a running server has them.
    await Promise.all(
      Array.from({ length: connections }, () => callPostgres(url, "get_leaderboard_last_updated", {}, SERVICE_ROLE)),
    );
    return runWorkers(url, connections, options.seconds, () =>
      callPostgres(
        url,
        "record_product_view",
        // A fresh address key each time, as many shoppers would (an anonymous view needs an address).
        { p_product_id: pick(products), p_session_id: crypto.randomUUID(), p_client_keys: [crypto.randomUUID()] },
        SERVICE_ROLE,
      ),
    );
  }
  if (variant.via === "rpc")
    return runWorkers(url, connections, options.seconds, (c) =>
      c.query(seedRpc(SCHEMA[variant.design], pick(products))),
    );
  const sql = insertView(variant.design);
  return runWorkers(url, connections, options.seconds, (c) => c.query(sql, [pick(products)]));
}

export interface RateRow {
  label: string;
  design: Design;
  connections: number;
  rate: number;
  rounds: number[];
  errors: Record<string, number>;
}

/**
 * Adds one run to the row of `key` (created from `fields` on its first run): its rate to the rounds, its
 * failures to the counts. The row's `rate` is a placeholder until medianRates() fills it in.
 */
function addRun<Fields extends object>(
  rows: Map<string, Fields & { rate: number; rounds: number[]; errors: Record<string, number> }>,
  key: string,
  fields: Fields,
  result: RunResult,
): void {
  const row = rows.get(key) ?? { ...fields, rate: 0, rounds: [], errors: {} };
  row.rounds.push(result.rate);
  addCounts(row.errors, result.errors);
  rows.set(key, row);
}

/** Every row with its rate: the median of its rounds. */
const medianRates = <Row extends { rate: number; rounds: number[] }>(rows: Map<string, Row>): Row[] =>
  [...rows.values()].map((r) => ({ ...r, rate: median(r.rounds) }));

export async function prepareWriteData(
  url: string,
): Promise<{ spread: string[]; hotSeller: string[]; hotProduct: string[] }> {
  const db = await connect(url);
  try {
    const sellers = await addSellers(db, SPREAD_SELLERS, "writer");
    const spread = await addProducts(db, sellers, PRODUCTS_PER_SELLER);
    const hotSeller = [
      ...spread.slice(0, PRODUCTS_PER_SELLER),
      ...(await addProducts(db, [sellers[0]], HOT_PRODUCTS - PRODUCTS_PER_SELLER)),
    ];
    await db.query("analyze");
    return { spread, hotSeller, hotProduct: [hotSeller[0]] };
  } finally {
    await db.end();
  }
}

export async function measureIngest(url: string, data: { spread: string[] }): Promise<RateRow[]> {
  const rows = new Map<string, RateRow>();
  const connectionCounts = options.quick ? [1, 8] : [1, 8, 32];
  for (let round = 1; round <= options.rounds; round++) {
    for (const connections of connectionCounts) {
      for (const variant of VARIANTS) {
        progress(`ingest round ${round}/${options.rounds}: ${variant.label}, ${connections} connections`);
        const result = await viewRun(url, variant, connections, data.spread);
        addRun(
          rows,
          `${variant.label}@${connections}`,
          { label: variant.label, design: variant.design, connections },
          result,
        );
      }
    }
  }
  return medianRates(rows);
}

/** A hot row: the ingest variant (`label`) with the views going to `shape`. */
export interface HotRow extends RateRow {
  shape: string;
}

export const HOT_SPREAD = "spread over 1,000 sellers";

export async function measureHot(
  url: string,
  data: { spread: string[]; hotSeller: string[]; hotProduct: string[] },
): Promise<HotRow[]> {
  const rows = new Map<string, HotRow>();
  const connections = 8;
  const shapes: [string, string[]][] = [
    [HOT_SPREAD, data.spread],
    ["one seller", data.hotSeller],
    ["one product", data.hotProduct],
  ];
  for (let round = 1; round <= options.rounds; round++) {
    for (const [shape, products] of shapes) {
      for (const variant of VARIANTS) {
        progress(`hot round ${round}/${options.rounds}: ${variant.label}, ${shape}`);
        const result = await viewRun(url, variant, connections, products);
        addRun(
          rows,
          `${variant.label}@${shape}`,
          { label: variant.label, design: variant.design, connections, shape },
          result,
        );
      }
    }
  }
  return medianRates(rows);
}

// ---------------------------------------------------------------------------------------------
// mixed
// ---------------------------------------------------------------------------------------------
const MIXED_PRODUCTS = 16;
const MIXED_SESSIONS = 64; // a small pool of viewers, so some views repeat (23505 is the expected error)

/** The 16 products of the mixed workload: shared by the workers; a deleted one is replaced by a new one. */
interface MixedState {
  sellers: string[];
  products: string[];
  sessions: string[];
}

async function mixedOp(c: pg.Client, design: Design, state: MixedState, withDeletes: boolean): Promise<void> {
  const s = SCHEMA[design];
  const r = Math.random() * 100;
  const slot = Math.floor(Math.random() * state.products.length);
  const product = state.products[slot];
  if (withDeletes && r < 3) {
    // Delete, and list a replacement so the workload keeps 16 products.
    const seller = pick(state.sellers);
    const { rows } = await c.query<{ id: string }>(
      `with gone as (delete from ${s}.products where id = $1 returning id)
       insert into ${s}.products (seller_id, title, price, status) values ($2, 'Replacement', 10, 'active') returning id`,
      [product, seller],
    );
    state.products[slot] = rows[0].id;
  } else if (r < 20) {
    await c.query(`update ${s}.products set status = 'sold' where id = $1 and status = 'active'`, [product]);
  } else if (r < 32) {
    await c.query(`update ${s}.products set status = 'active' where id = $1 and status <> 'active'`, [product]);
  } else if (r < 38) {
    await c.query(`update ${s}.products set status = 'draft' where id = $1 and status = 'active'`, [product]);
  } else if (r < 43) {
    // An import of a sale that happened in one of the two previous months (it stays out of the 16).
    const monthsAgo = 1 + Math.floor(Math.random() * 2);
    await c.query(
      `insert into ${s}.products (seller_id, title, price, status, created_at, sold_at)
       values ($1, 'Imported sale', 10, 'sold', now() - make_interval(months => $2, days => 1), now() - make_interval(months => $2))`,
      [pick(state.sellers), monthsAgo],
    );
  } else {
    const monthsAgo = Math.floor(Math.random() * 3);
    await c.query(
      `insert into ${s}.product_views (product_id, session_id, viewed_at) values ($1, $2, now() - make_interval(months => $3))`,
      [product, pick(state.sessions), monthsAgo],
    );
  }
}

export interface MixedRow {
  design: Design;
  withDeletes: boolean;
  rate: number;
  rounds: number[];
  errors: Record<string, number>;
  /** Rows of seller_leaderboard_drift() after the project's runs (must be 0). */
  drift?: number;
}

export async function measureMixed(url: string): Promise<MixedRow[]> {
  const db = await connect(url);
  const sellers = await addSellers(db, 2, "mixed");
  const sessions = Array.from({ length: MIXED_SESSIONS }, () => crypto.randomUUID());
  const fresh = async (): Promise<Record<Design, MixedState>> => {
    const ids = await addProducts(db, sellers, MIXED_PRODUCTS / 2);
    return Object.fromEntries(DESIGNS.map((d) => [d, { sellers, products: [...ids], sessions }])) as Record<
      Design,
      MixedState
    >;
  };
  const rows = new Map<string, MixedRow>();
  for (let round = 1; round <= options.rounds; round++) {
    for (const withDeletes of [true, false]) {
      const states = await fresh();
      for (const design of DESIGNS) {
        progress(`mixed round ${round}/${options.rounds}: ${design}, ${withDeletes ? "with" : "without"} deletes`);
        const result = await runWorkers(url, 8, options.seconds, (c) =>
          mixedOp(c, design, states[design], withDeletes),
        );
        addRun(rows, `${design}@${withDeletes}`, { design, withDeletes }, result);
      }
    }
  }
  const drift = (await db.query("select count(*)::int as n from public.seller_leaderboard_drift()")).rows[0]
    .n as number;
  await db.end();
  return medianRates(rows).map((r) => (r.design === "project" ? { ...r, drift } : r));
}
