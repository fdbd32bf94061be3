/**
 * Route handlers and server modules under test, against a real database:
 *   setUpEmbeddedApp() gives the test file its own database and configures the app against it in the
 *                     embedded mode (as `npm run dev` does), before the file's own beforeAll runs;
 *   callRoute()       calls a route handler the way the app's browser client does and reads the answer.
 */
import { NextRequest } from "next/server";
import { beforeAll } from "vitest";
import { ACCESS_TOKEN_COOKIE } from "../../lib/auth/cookies";
import { resetConfigForTests } from "../../lib/config";
import { createTestDatabase, type TestDatabase } from "./db";

export interface EmbeddedApp {
  /** The file's database (available from the first beforeAll on). */
  readonly db: TestDatabase;
  /** Puts the configuration back to the embedded mode on this database (after a test changed it). */
  useEmbeddedMode(): void;
}

/** Call at the top of a test file, before its own beforeAll. `env` adds settings (e.g. a pool size). */
export function setUpEmbeddedApp(env: Record<string, string> = {}): EmbeddedApp {
  let db: TestDatabase | undefined;
  const app: EmbeddedApp = {
    get db() {
      if (!db) throw new Error("The test database is created in beforeAll: use it from a hook or a test.");
      return db;
    },
    useEmbeddedMode() {
      process.env.APP_MODE = "embedded";
      process.env.DATABASE_URL = app.db.url;
      delete process.env.SUPABASE_JWT_SECRET;
      Object.assign(process.env, env);
      resetConfigForTests();
    },
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    app.useEmbeddedMode();
  });
  return app;
}

export type RouteHandler = (
  request: NextRequest,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

/** A browser's User-Agent (requests without one are treated as bots by the view route). */
export const BROWSER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

export interface RouteCall {
  method?: string;
  path: string;
  /** The route's `[id]` parameter. */
  id?: string;
  /** Sent as Authorization: Bearer. */
  bearer?: string;
  /** Sent as the session cookie (what a browser does). */
  cookieToken?: string;
  cookies?: Record<string, string>;
  json?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Calls a route handler as the app's client (lib/api/client.ts) would: a browser's agent, JSON on every write. */
export async function callRoute(
  route: RouteHandler,
  { method = "GET", path, id, bearer, cookieToken, cookies = {}, json, rawBody, headers = {} }: RouteCall,
) {
  const allCookies = { ...cookies, ...(cookieToken ? { [ACCESS_TOKEN_COOKIE]: cookieToken } : {}) };
  const cookieHeader = Object.entries(allCookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
  const body = rawBody ?? (json === undefined ? undefined : JSON.stringify(json));
  const request = new NextRequest(`http://localhost${path}`, {
    method,
    body,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(cookieHeader ? { cookie: cookieHeader } : {}),
      "user-agent": BROWSER_AGENT,
      ...(method === "GET" ? {} : { "content-type": "application/json" }),
      ...headers,
    },
  });
  const params: Record<string, string> = id === undefined ? {} : { id };
  const response = await route(request, { params: Promise.resolve(params) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
