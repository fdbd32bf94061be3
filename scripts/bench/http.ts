/**
 * http: the production build (`next build`, then `next start`) against the embedded database with the demo
 * data, loaded by autocannon at 50 connections: GET /api/leaderboard against GET /api/health (no database:
 * the framework's own limit on this machine). The server is left running for the live measurement.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import { LOCAL_DEV_JWT_SECRET } from "../../lib/config";
import { EMBEDDED_INSTANCE_TOKEN_ENV, markEmbeddedInstance, newEmbeddedInstanceToken } from "../lib/embedded-instance";
import { waitForAnswer } from "../lib/net";
import { NEXT_BIN } from "../lib/paths";
import { median, onInterrupt, options, PROJECT_ROOT, progress } from "./common";

export interface HttpRow {
  route: string;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface AppServer {
  baseUrl: string;
  /** The server process (its memory is measured). */
  pid: number;
  stop(): Promise<void>;
}

/** How often the bench's server asks the database for changes (LEADERBOARD_WATCH_MS, the default). */
export const APP_WATCH_MS = 300;

export function buildApp(): void {
  if (!options.httpBuild) return;
  progress("http: next build (BENCH_HTTP_BUILD=0 reuses the last build)");
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], {
    cwd: PROJECT_ROOT,
    stdio: "pipe",
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

export async function startApp(databaseUrl: string): Promise<AppServer> {
  const port = options.appPort;
  // APP_MODE=embedded (the postgres transport, the local development secret) on the bench's own database,
  // marked as the embedded instance, so the live measurement can sell through the API as a seller.
  const instanceToken = newEmbeddedInstanceToken();
  await markEmbeddedInstance(databaseUrl, instanceToken);
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port)], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      APP_MODE: "embedded",
      DATABASE_URL: databaseUrl,
      [EMBEDDED_INSTANCE_TOKEN_ENV]: instanceToken,
      SUPABASE_JWT_SECRET: LOCAL_DEV_JWT_SECRET,
      PORT: String(port),
      // Behind one proxy (the load generators write X-Forwarded-For), with room for the stream
      // measurements' clients: the bench measures capacity, not the caps.
      TRUST_PROXY: "1",
      STREAMS_PER_ADDRESS: "2000",
      STREAMS_PER_PROCESS: "2000",
      LEADERBOARD_WATCH_MS: String(APP_WATCH_MS),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForAnswer(`${baseUrl}/api/health`, child, {
    timeoutMs: 60_000,
    intervalMs: 250,
    exited: (code) => new Error(`next start exited (${code}):\n${stderr}`),
    timedOut: () => new Error(`next start did not answer within 60 s:\n${stderr}`),
    onTimeout: () => child.kill(),
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      forget();
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const forget = onInterrupt(stop);
  return { baseUrl, pid: child.pid!, stop };
}

export async function measureHttp(app: AppServer): Promise<HttpRow[]> {
  const routes = ["/api/leaderboard?metric=sales&period=month", "/api/health"];
  const samples = new Map<string, autocannon.Result[]>();
  // A first pass compiles the routes and opens the database pool; it is not counted.
  progress("http: warm-up");
  for (const route of routes) await autocannon({ url: `${app.baseUrl}${route}`, connections: 50, duration: 1 });
  for (let round = 1; round <= options.rounds; round++) {
    for (const route of routes) {
      progress(`http round ${round}/${options.rounds}: GET ${route}, 50 connections, ${options.httpSeconds}s`);
      const result = await autocannon({
        url: `${app.baseUrl}${route}`,
        connections: 50,
        duration: options.httpSeconds,
      });
      samples.set(route, [...(samples.get(route) ?? []), result]);
    }
  }
  return routes.map((route) => {
    const results = samples.get(route)!;
    return {
      route,
      requestsPerSecond: median(results.map((r) => r.requests.total / r.duration)),
      p99Ms: median(results.map((r) => r.latency.p99)),
      non2xx: results.reduce((n, r) => n + r.non2xx, 0),
      errors: results.reduce((n, r) => n + r.errors, 0),
    };
  });
}
