/**
 * limits: what the view limits and the stream caps cost, on the production server of the http
 * measurement.
 *   - the view path: POST /api/products/:id/views at 50 connections (autocannon), a signed
 *     viewer_session and a client address drawn from 10,000 per request (so the per-address rate limit
 *     does not refuse: the full path runs every time), against GET /api/health in the same rounds;
 *   - the server process's memory (RSS) with 1,000 open GET /api/leaderboard/stream connections, each
 *     from an address of its own, minus its memory before they opened.
 * Run alone (`npx tsx --conditions=react-server scripts/bench/limits.ts`) it sets up its own database
 * and server and prints the figures: that is how the same measurement runs on another checkout
 * (e.g. `main`) back to back.
 */
import fs from "node:fs";
import http from "node:http";
import autocannon from "autocannon";
import { median, options, progress } from "./common";
import type { AppServer } from "./http";

export interface LimitsResult {
  viewsPerSecond: number;
  viewsNon2xx: number;
  healthPerSecond: number;
  streams: number;
  streamsOpened: number;
  rssBeforeMb: number;
  rssWithStreamsMb: number;
  kbPerStream: number;
}

const BROWSER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const STREAMS = 1000;

const randomAddress = () =>
  `10.${Math.floor(Math.random() * 40)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

/** Resident memory (MB) of a process and its descendants, from /proc. */
function rssMb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let kb = 0;
  const visit = (id: number) => {
    try {
      kb += Number(fs.readFileSync(`/proc/${id}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
    for (const child of children.get(id) ?? []) visit(child);
  };
  visit(pid);
  return kb / 1024;
}

function openStream(url: string, address: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { "x-forwarded-for": address } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`stream answered ${response.statusCode}`));
        return;
      }
      response.on("data", () => {});
      response.on("error", () => {});
      resolve(() => request.destroy());
    });
    request.on("error", reject);
  });
}

/** Measures on `app`, whose database (`databaseUrl`) holds the demo data. */
export async function measureLimits(app: AppServer, databaseUrl: string): Promise<LimitsResult> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ id: string }>("select id from public.products where status = 'active' limit 1");
  await client.end();
  const productId = rows[0].id;
  const viewUrl = `${app.baseUrl}/api/products/${productId}/views`;
  const headers = { "content-type": "application/json", "user-agent": BROWSER_AGENT };
  const first = await fetch(viewUrl, { method: "POST", headers, body: "{}" });
  const cookie = first.headers.get("set-cookie")?.match(/viewer_session=[^;]+/)?.[0];
  if (!cookie) throw new Error(`the views route gave no viewer_session (status ${first.status})`);
  const viewRun = (duration: number) =>
    autocannon({
      url: viewUrl,
      method: "POST",
      connections: 50,
      duration,
      headers: { ...headers, cookie },
      body: "{}",
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, "x-forwarded-for": randomAddress() },
          }),
        },
      ],
    });
  const healthRun = (duration: number) => autocannon({ url: `${app.baseUrl}/api/health`, connections: 50, duration });
  progress("limits: warm-up");
  await viewRun(1);
  await healthRun(1);
  const views: autocannon.Result[] = [];
  const health: autocannon.Result[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    progress(`limits round ${round}/${options.rounds}: POST views and GET /api/health, ${options.httpSeconds}s each`);
    views.push(await viewRun(options.httpSeconds));
    health.push(await healthRun(options.httpSeconds));
  }

  progress(`limits: memory of ${STREAMS} open streams`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssBeforeMb = rssMb(app.pid);
  const streamUrl = `${app.baseUrl}/api/leaderboard/stream`;
  const closers: (() => void)[] = [];
  for (let i = 0; i < STREAMS; i += 50) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(50, STREAMS - i) }, (_, j) =>
        openStream(streamUrl, `10.200.${Math.floor((i + j) / 250)}.${1 + ((i + j) % 250)}`),
      ),
    );
    for (const result of batch) if (result.status === "fulfilled") closers.push(result.value);
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssWithStreamsMb = rssMb(app.pid);
  for (const close of closers) close();
  await new Promise((resolve) => setTimeout(resolve, 1000));

  return {
    viewsPerSecond: median(views.map((r) => r.requests.total / r.duration)),
    viewsNon2xx: views.reduce((n, r) => n + r.non2xx, 0),
    healthPerSecond: median(health.map((r) => r.requests.total / r.duration)),
    streams: STREAMS,
    streamsOpened: closers.length,
    rssBeforeMb,
    rssWithStreamsMb,
    kbPerStream: closers.length ? ((rssWithStreamsMb - rssBeforeMb) * 1024) / closers.length : NaN,
  };
}

async function standalone() {
  const { startMainServer, createDatabase } = await import("./common");
  const { buildApp, startApp } = await import("./http");
  const { seedDatabase } = await import("../lib/migrate");
  const server = await startMainServer();
  const db = await createDatabase(server);
  try {
    await seedDatabase(db.url);
    buildApp();
    const app = await startApp(db.url);
    try {
      console.log(JSON.stringify(await measureLimits(app, db.url)));
    } finally {
      await app.stop();
    }
  } finally {
    await db.drop();
    await server.stop();
  }
}

if (process.argv[1]?.endsWith("limits.ts"))
  standalone().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
