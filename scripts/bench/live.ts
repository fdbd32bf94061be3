/**
 * live: GET /api/leaderboard/stream (text/event-stream; a change is `event: change` with JSON data holding
 * `updatedAt`; heartbeats are `: ping` comments), on the production server of the http measurement.
 *   - 200 open clients; commit-to-client latency (p50/p99 over every client and sale) of a sale committed
 *     elsewhere (SQL on the database: the watcher's next poll finds it), and of a sale through this server
 *     (PUT /api/products/:id as its seller: the route wakes the watcher), timed from the request's start;
 *   - events per client during a burst of 1,000 views (and the burst's length, to read it per second);
 *   - view ingestion (8 connections, plain inserts with the cache triggers) with the 200 clients and the
 *     watcher running, against the same with no stream client connected.
 * Where the route does not exist (404) the measurement reports "not available" instead of failing.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import { ACCESS_TOKEN_COOKIE } from "../../lib/auth/cookies";
import { signDemoToken } from "../../lib/auth/tokens";
import { LOCAL_DEV_JWT_SECRET } from "../../lib/config";
import { connect, median, options, percentile, progress, runWorkers } from "./common";
import { APP_WATCH_MS, type AppServer } from "./http";

export type LiveResult =
  | { available: false; reason: string }
  | {
      available: true;
      clients: number;
      connected: number;
      /** A sale committed elsewhere (SQL), found by the watcher's next poll. */
      saleLatencyP50Ms: number;
      saleLatencyP99Ms: number;
      missedSales: number;
      /** A sale through this server's API, which wakes its watcher (from the request's start). */
      apiSaleLatencyP50Ms: number;
      apiSaleLatencyP99Ms: number;
      apiMissedSales: number;
      pollMs: number;
      burstViews: number;
      burstSeconds: number;
      eventsPerClientDuringBurst: number;
      ingestWithWatcher: number;
      ingestWithoutWatcher: number;
    };

interface StreamClient {
  events: number[]; // arrival times (performance.now()) of `change` events
  close(): void;
}

/** Opens one stream; resolves once the response headers arrived (rejects on a non-stream answer). */
function openStream(url: string): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const events: number[] = [];
    const req = http.get(url, { headers: { Accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200 || !String(res.headers["content-type"]).startsWith("text/event-stream")) {
        res.resume();
        reject(
          Object.assign(new Error(`stream answered ${res.statusCode} ${res.headers["content-type"]}`), {
            status: res.statusCode,
          }),
        );
        return;
      }
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
          if (/^event: ?change\s*$/m.test(block)) events.push(performance.now());
        }
      });
      res.on("error", () => {});
      resolve({ events, close: () => req.destroy() });
    });
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureLive(app: AppServer, databaseUrl: string): Promise<LiveResult> {
  const streamUrl = `${app.baseUrl}/api/leaderboard/stream`;
  try {
    const probe = await openStream(streamUrl);
    probe.close();
  } catch (error) {
    const status = (error as { status?: number }).status;
    return {
      available: false,
      reason:
        status === 404
          ? "not available (GET /api/leaderboard/stream answers 404)"
          : `not available (${(error as Error).message})`,
    };
  }
  const clientCount = options.quick ? 20 : 200;
  const openClients = async () => {
    progress(`live: opening ${clientCount} stream clients`);
    const settled = await Promise.allSettled(Array.from({ length: clientCount }, () => openStream(streamUrl)));
    return settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  };
  let clients = await openClients();
  const connected = clients.length;
  const db = await connect(databaseUrl);
  try {
    await sleep(1500); // let the first events (if any) and the watcher settle
    const { rows: candidates } = await db.query<{ id: string; seller_id: string }>(
      "select id, seller_id from public.products where status = 'active' and price > 0 order by created_at limit 40",
    );
    const sales = options.quick ? 2 : 2 * options.rounds;
    // Sales one at a time, each after a quiet second, so every client's next event belongs to it. `prepare`
    // readies a product's sale and gives the function that sells it (resolving once the sale is committed).
    const saleLatencies = async (
      label: string,
      products: typeof candidates,
      prepare: (p: (typeof candidates)[number]) => Promise<() => Promise<void>>,
    ) => {
      const latencies: number[] = [];
      let missed = 0;
      for (let i = 0; i < sales && i < products.length; i++) {
        progress(`live: ${label} sale ${i + 1}/${sales}, ${clients.length} clients`);
        const sell = await prepare(products[i]);
        // More than the 1 s between two events to a client (so the sale gets a leading-edge event), at a
        // random phase of the watcher's polling (a fixed pause would lock onto it).
        await sleep(1200 + Math.random() * 400);
        const before = clients.map((c) => c.events.length);
        const started = performance.now();
        await sell();
        // Until every client has its event, or 2 s (a client without one by then missed it).
        while (performance.now() - started < 2000 && clients.some((c, k) => c.events.length <= before[k]))
          await sleep(5);
        clients.forEach((c, k) => {
          const next = c.events[before[k]];
          if (next === undefined) missed++;
          else latencies.push(next - started);
        });
      }
      return { latencies, missed };
    };
    const elsewhere = await saleLatencies("SQL", candidates.slice(0, sales), async (p) => async () => {
      await db.query("update public.products set status = 'sold' where id = $1", [p.id]);
    });
    // A sale ranks (and so changes the boards) when its buyer wrote to the seller about the product: each
    // API sale gets a new buyer who did, so no buyer reaches the cap of ranked sales.
    const tokens = new Map<string, string>();
    const throughApi = await saleLatencies("API", candidates.slice(sales, 2 * sales), async (p) => {
      const buyer = randomUUID();
      await db.query("insert into auth.users (id, email, raw_user_meta_data) values ($1, $2, $3)", [
        buyer,
        `${buyer}@bench.test`,
        JSON.stringify({ display_name: `Bench buyer ${buyer.slice(0, 8)}` }),
      ]);
      await db.query(
        "insert into public.messages (sender_id, recipient_id, product_id, body) values ($1, $2, $3, 'Is it still available?')",
        [buyer, p.seller_id, p.id],
      );
      const token = tokens.get(p.seller_id) ?? (await signDemoToken(p.seller_id, LOCAL_DEV_JWT_SECRET));
      tokens.set(p.seller_id, token);
      return async () => {
        const res = await fetch(`${app.baseUrl}/api/products/${p.id}`, {
          method: "PUT",
          headers: { "content-type": "application/json", cookie: `${ACCESS_TOKEN_COOKIE}=${token}` },
          body: JSON.stringify({ status: "sold", buyerId: buyer }),
        });
        if (!res.ok) throw new Error(`PUT /api/products/${p.id} answered ${res.status}: ${await res.text()}`);
      };
    });
    // Burst: 1,000 views from 8 connections as fast as they go.
    progress("live: burst of 1,000 views");
    await sleep(1500);
    const before = clients.map((c) => c.events.length);
    const products = candidates.slice(2 * sales).map((r) => r.id);
    let left = 1000;
    const burstStart = performance.now();
    const writers = await Promise.all(Array.from({ length: 8 }, () => connect(databaseUrl)));
    await Promise.all(
      writers.map(async (w) => {
        while (left-- > 0) {
          await w.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
            products[left % products.length],
          ]);
        }
      }),
    );
    const burstSeconds = (performance.now() - burstStart) / 1000;
    await Promise.all(writers.map((w) => w.end()));
    await sleep(1500); // the trailing event
    const perClient = clients.map((c, k) => c.events.length - before[k]);

    const views = (url: string) =>
      runWorkers(url, 8, options.seconds, (c) =>
        c.query("insert into public.product_views (product_id, session_id) values ($1, gen_random_uuid())", [
          products[Math.floor(Math.random() * products.length)],
        ]),
      );
    const withWatcher: number[] = [];
    const without: number[] = [];
    // Alternating: with the clients (and so the watcher) running, then with none, round by round.
    for (let round = 1; round <= options.rounds; round++) {
      if (round > 1) {
        clients = await openClients();
        await sleep(1000);
      }
      progress(`live round ${round}/${options.rounds}: view ingestion with ${clients.length} clients watching`);
      withWatcher.push((await views(databaseUrl)).rate);
      clients.forEach((c) => c.close());
      await sleep(1000); // the last listener gone, the watcher stops
      progress(`live round ${round}/${options.rounds}: view ingestion with no stream client`);
      without.push((await views(databaseUrl)).rate);
    }
    return {
      available: true,
      clients: clientCount,
      connected,
      saleLatencyP50Ms: percentile(elsewhere.latencies, 50),
      saleLatencyP99Ms: percentile(elsewhere.latencies, 99),
      missedSales: elsewhere.missed,
      apiSaleLatencyP50Ms: percentile(throughApi.latencies, 50),
      apiSaleLatencyP99Ms: percentile(throughApi.latencies, 99),
      apiMissedSales: throughApi.missed,
      pollMs: APP_WATCH_MS,
      burstViews: 1000,
      burstSeconds,
      eventsPerClientDuringBurst: median(perClient),
      ingestWithWatcher: median(withWatcher),
      ingestWithoutWatcher: median(without),
    };
  } finally {
    clients.forEach((c) => c.close());
    await db.end();
  }
}
