/**
 * counters: what the per-statement counters cost where a per-row design grows, on a fresh migrated database.
 *   bulk      one `insert … select` of views of one product (an admin importing history, spread over a
 *             year), in its own transaction: 1,000, 100,000 and 200,000 rows; the cost of a row of each.
 *   figures   one listed product with 1,000,000 views (100,000 of them in the last 7 days): the reads behind
 *             the pages that show its figure (list_products, get_product, list_my_products,
 *             get_my_top_products as its seller) and get_trending_products(7, 10), through rpc() as the app
 *             calls them: p50/p99.
 *   deleted   a view inserted for a product deleted a moment before (refused by the foreign key, 23503)
 *             against a view of a listed product: the median of each.
 */
import { randomUUID } from "node:crypto";
import { callPostgres } from "../../lib/db/postgres";
import { ANON, type DbSession, type RpcName } from "../../lib/db/types";
import { connect, median, options, percentile, progress } from "./common";

export interface CountersResult {
  bulk: { rows: number; seconds: number; msPerRow: number }[];
  figures: { call: string; views: number; p50: number; p99: number }[];
  deleted: { normalMs: number; deletedMs: number; errors: Record<string, number> };
}

const BULK_SIZES = options.quick ? [1_000, 10_000] : [1_000, 100_000, 200_000];
const HOT_VIEWS = options.quick ? 20_000 : 1_000_000;
const WINDOW_VIEWS = HOT_VIEWS / 10;
const READ_RUNS = options.quick ? 20 : 500;

export async function measureCounters(url: string): Promise<CountersResult> {
  const db = await connect(url);
  try {
    const seller = randomUUID();
    await db.query("insert into auth.users (id, email, raw_user_meta_data) values ($1, $2, $3)", [
      seller,
      `${seller}@bench.test`,
      JSON.stringify({ display_name: "Bench counters seller" }),
    ]);
    const newProduct = async (title: string) =>
      (
        await db.query<{ id: string }>(
          "insert into public.products (seller_id, title, price, status) values ($1, $2, 10, 'active') returning id",
          [seller, title],
        )
      ).rows[0].id;
    // A few other listed products, so the home page has a page to show.
    for (let i = 0; i < 30; i++) await newProduct(`Other ${i}`);

    const bulk: CountersResult["bulk"] = [];
    for (const rows of BULK_SIZES) {
      progress(`counters: bulk insert of ${rows.toLocaleString("en")} views of one product`);
      const product = await newProduct(`Imported ${rows}`);
      const begin = performance.now();
      await db.query(
        `insert into public.product_views (product_id, session_id, viewed_at)
         select $1, gen_random_uuid(), now() - (g % 365) * interval '1 day' - interval '1 hour' from generate_series(1, $2) g`,
        [product, rows],
      );
      const seconds = (performance.now() - begin) / 1000;
      bulk.push({ rows, seconds, msPerRow: (seconds * 1000) / rows });
    }

    progress(`counters: one product with ${HOT_VIEWS.toLocaleString("en")} views`);
    const hot = await newProduct("Viral");
    await db.query(
      `insert into public.product_views (product_id, session_id, viewed_at)
       select $1, gen_random_uuid(),
              case when g <= $3 then now() - (g % 7) * interval '1 day' - interval '1 minute'
                   else now() - (8 + g % 350) * interval '1 day' end
         from generate_series(1, $2) g`,
      [hot, HOT_VIEWS, WINDOW_VIEWS],
    );
    // Vacuumed as well, so autovacuum does not start on the new views during the measurement.
    await db.query("vacuum analyze");
    const asSeller: DbSession = {
      role: "authenticated",
      userId: seller,
      accessToken: "",
      claims: { sub: seller, role: "authenticated" },
    };
    const calls: [string, RpcName, Record<string, unknown>, DbSession][] = [
      ["list_products(24, 0)", "list_products", { p_limit: 24, p_offset: 0 }, ANON],
      ["get_product", "get_product", { p_product_id: hot }, ANON],
      ["list_my_products (its seller)", "list_my_products", {}, asSeller],
      ["get_my_top_products(5) (its seller)", "get_my_top_products", { p_limit: 5 }, asSeller],
      ["get_trending_products(7, 10)", "get_trending_products", { p_days: 7, p_limit: 10 }, ANON],
    ];
    const figures: CountersResult["figures"] = [];
    for (const [label, name, args, session] of calls) {
      progress(`counters: ${label}`);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const call = () => callPostgres(url, name, args as any, session);
      // Warm up as a running server is: its pool's connections open, the function's plans cached.
      for (let i = 0; i < 20; i++) await call();
      const times: number[] = [];
      for (let i = 0; i < READ_RUNS; i++) {
        const begin = performance.now();
        await call();
        times.push(performance.now() - begin);
      }
      figures.push({ call: label, views: HOT_VIEWS, p50: percentile(times, 50), p99: percentile(times, 99) });
    }

    progress("counters: views of a product deleted a moment before");
    const listed = await newProduct("Listed");
    const gone = await newProduct("Deleted");
    await db.query("delete from public.products where id = $1", [gone]);
    const errors: Record<string, number> = {};
    const time = async (product: string) => {
      const begin = performance.now();
      try {
        await db.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
          product,
        ]);
      } catch (error) {
        const code = (error as { code?: string }).code ?? "unknown";
        errors[code] = (errors[code] ?? 0) + 1;
      }
      return performance.now() - begin;
    };
    const normal: number[] = [];
    const deleted: number[] = [];
    for (let i = 0; i < READ_RUNS; i++) {
      normal.push(await time(listed));
      deleted.push(await time(gone));
    }
    return { bulk, figures, deleted: { normalMs: median(normal), deletedMs: median(deleted), errors } };
  } finally {
    await db.end();
  }
}
