/**
 * live: GET /api/leaderboard/stream (text/event-stream; a change is `event: change` with JSON data holding
 * `updatedAt`; heartbeats are `: ping` comments), on the production server of the http measurement.
 *   - 200 open clients; commit-to-client latency (p50/p99 over every client and sale) of a sale;
 *   - events per client during a burst of 1,000 views (and the burst's length, to read it per second);
 *   - view ingestion (8 connections, plain inserts with the cache triggers) with the 200 clients and the
 *     watcher running, against the same with no stream client connected.
 * Where the route does not exist (404) the measurement reports "not available" instead of failing.
 */
import http from "node:http";
import { connect, median, options, percentile, progress, runWorkers } from "./common";
import type { AppServer } from "./http";

export type LiveResult =
  | { available: false; reason: string }
  | {
      available: true;
      clients: number;
      connected: number;
      saleLatencyP50Ms: number;
      saleLatencyP99Ms: number;
      missedSales: number;
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
    const { rows: candidates } = await db.query<{ id: string }>(
      "select id from public.products where status = 'active' and price > 0 order by created_at limit 40",
    );
    // Sales: one at a time, each after a quiet second, so every client's next event belongs to it.
    const latencies: number[] = [];
    let missed = 0;
    const sales = options.quick ? 2 : 2 * options.rounds;
    for (let i = 0; i < sales && i < candidates.length; i++) {
      progress(`live: sale ${i + 1}/${sales}, ${clients.length} clients`);
      // More than the 1 s between two events to a client (so the sale gets a leading-edge event), at a
      // random phase of the watcher's polling (a fixed pause would lock onto it).
      await sleep(1200 + Math.random() * 400);
      const before = clients.map((c) => c.events.length);
      await db.query("update public.products set status = 'sold' where id = $1", [candidates[i].id]);
      const committed = performance.now();
      // Until every client has its event, or 2 s (a client without one by then missed it).
      while (performance.now() - committed < 2000 && clients.some((c, k) => c.events.length <= before[k]))
        await sleep(20);
      clients.forEach((c, k) => {
        const next = c.events[before[k]];
        if (next === undefined) missed++;
        else latencies.push(next - committed);
      });
    }
    // Burst: 1,000 views from 8 connections as fast as they go.
    progress("live: burst of 1,000 views");
    await sleep(1500);
    const before = clients.map((c) => c.events.length);
    const products = candidates.slice(sales).map((r) => r.id);
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
      saleLatencyP50Ms: percentile(latencies, 50),
      saleLatencyP99Ms: percentile(latencies, 99),
      missedSales: missed,
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
