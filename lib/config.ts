/**
 * Reads the environment once into one of three modes (DESIGN.md, "Which parts run where"):
 *   embedded - the launcher started the embedded PostgreSQL (APP_MODE=embedded): demo sign-in, and
 *              tokens signed with the Supabase CLI's local development secret.
 *   database - DATABASE_URL points at any PostgreSQL 15+; tokens come from Supabase Auth and are
 *              verified with SUPABASE_JWT_SECRET or a JWKS URL (required). No demo sign-in.
 *   supabase - NEXT_PUBLIC_SUPABASE_URL + anon key: data through supabase-js (unless DATABASE_URL is
 *              also set), sign-in with Supabase Auth.
 * A missing secret stops the app at start with a message naming the variable.
 */
import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
export type AppMode = "embedded" | "database" | "supabase";

export interface AppConfig {
  mode: AppMode;
  transport: "postgres" | "supabase";
  databaseUrl?: string;
  supabase?: { url: string; anonKey: string; serviceRoleKey?: string };
  jwt: { secret?: string; jwksUrl?: string; issuer?: string };
  /**
   * Demo sign-in is wanted (embedded mode). It is only *allowed* once the database proves it is the
   * embedded one the app's launcher started (lib/auth/demo.ts).
   */
  demoSignIn: boolean;
  /** The per-start token the launcher wrote into the embedded database (embedded mode only). */
  embeddedInstanceToken?: string;
}

/** The issuer of demo sign-in tokens (embedded mode). */
export const DEMO_TOKEN_ISSUER = "marketplace-demo-sign-in";

/** The Supabase CLI's well-known local development JWT secret (never valid on a hosted project). */
export const LOCAL_DEV_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): AppConfig {
  const value = (name: string) => env[name]?.trim() || undefined;
  checkSettings(env);
  const databaseUrl = value("DATABASE_URL");
  const supabaseUrl = value("NEXT_PUBLIC_SUPABASE_URL");
  const jwtSecret = value("SUPABASE_JWT_SECRET");
  const jwksUrl = value("SUPABASE_JWKS_URL");
  const issuer = value("SUPABASE_JWT_ISSUER");

  if (value("APP_MODE") === "embedded") {
    if (!databaseUrl)
      throw new ConfigError("APP_MODE=embedded needs DATABASE_URL (the launcher sets it: start with `npm run dev`).");
    return {
      mode: "embedded",
      transport: "postgres",
      databaseUrl,
      jwt: { secret: jwtSecret ?? LOCAL_DEV_JWT_SECRET, issuer: DEMO_TOKEN_ISSUER },
      demoSignIn: true,
      embeddedInstanceToken: value("EMBEDDED_INSTANCE_TOKEN"),
    };
  }

  if (supabaseUrl) {
    const anonKey = value("NEXT_PUBLIC_SUPABASE_ANON_KEY");
    if (!anonKey)
      throw new ConfigError("NEXT_PUBLIC_SUPABASE_URL is set but NEXT_PUBLIC_SUPABASE_ANON_KEY is missing.");
    const serviceRoleKey = value("SUPABASE_SERVICE_ROLE_KEY");
    if (!databaseUrl && !serviceRoleKey) {
      throw new ConfigError(
        "SUPABASE_SERVICE_ROLE_KEY is missing: the server needs it to record anonymous shoppers' views (or set DATABASE_URL).",
      );
    }
    return {
      mode: "supabase",
      transport: databaseUrl ? "postgres" : "supabase",
      databaseUrl,
      supabase: { url: supabaseUrl.replace(/\/+$/, ""), anonKey, serviceRoleKey },
      // Supabase signs with its JWT secret (HS256) or with asymmetric keys published as JWKS.
      jwt: {
        secret: jwtSecret,
        jwksUrl: jwksUrl ?? `${supabaseUrl.replace(/\/+$/, "")}/auth/v1/.well-known/jwks.json`,
        issuer,
      },
      demoSignIn: false,
    };
  }

  if (databaseUrl) {
    if (!jwtSecret && !jwksUrl) {
      throw new ConfigError(
        "DATABASE_URL is set but neither SUPABASE_JWT_SECRET nor SUPABASE_JWKS_URL is: set one so sign-in tokens can be verified.",
      );
    }
    return {
      mode: "database",
      transport: "postgres",
      databaseUrl,
      jwt: { secret: jwtSecret, jwksUrl, issuer },
      demoSignIn: false,
    };
  }

  throw new ConfigError(
    "No database configured. Start with `npm run dev` (embedded PostgreSQL with demo data), or set DATABASE_URL or NEXT_PUBLIC_SUPABASE_URL.",
  );
}

let cached: AppConfig | undefined;

/** The process's configuration, read once. */
export function getConfig(): AppConfig {
  cached ??= readConfig();
  return cached;
}

/**
 * The server's key for what it signs or hashes about anonymous shoppers (viewer_session cookies,
 * client address hashes): VIEW_KEY_SECRET; else, in the embedded mode, a random key made once per
 * installation and kept in `.data/view-key` (the mode's JWT secret is public); else the mode's JWT
 * secret, service key or database URL.
 */
export function viewKeySecret(config: AppConfig = getConfig(), env: Env = process.env): string {
  const configured = env.VIEW_KEY_SECRET?.trim();
  if (configured) return configured;
  if (config.mode === "embedded") return embeddedViewKey();
  return config.jwt.secret || config.supabase?.serviceRoleKey || config.databaseUrl || "";
}

export const EMBEDDED_VIEW_KEY_FILE = path.join(".data", "view-key");
let embeddedKey: string | undefined;

/** Reads `.data/view-key`, creating it with a random key the first time (every process shares it). */
function embeddedViewKey(): string {
  if (embeddedKey) return embeddedKey;
  const file = path.resolve(EMBEDDED_VIEW_KEY_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const key = fs.readFileSync(file, "utf8").trim();
  if (key.length < 32) throw new ConfigError(`${file} holds no usable key: delete it and start again.`);
  return (embeddedKey = key);
}

/** Throws ConfigError, naming the variable, for a setting with a value it does not accept. */
export function checkSettings(env: Env = process.env): void {
  trustProxyHops(env);
  readLimits(env);
}

/**
 * TRUST_PROXY: how many proxies in front of the app append to X-Forwarded-For (1 to 10), or unset
 * (0: clients connect directly). Anything else stops the app rather than being read as unset.
 */
export function trustProxyHops(env: Env = process.env): number {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return 0;
  if (!/^([1-9]|10)$/.test(raw)) {
    throw new ConfigError(
      `TRUST_PROXY=${JSON.stringify(raw)} is not accepted: set it to the number of proxies in front of the app ` +
        "that append to X-Forwarded-For, a whole number from 1 to 10 (e.g. TRUST_PROXY=1 behind one load balancer), " +
        "or leave it unset when clients connect directly.",
    );
  }
  return Number(raw);
}

// ---- Limits and caps (docs/architecture.md, "Limits and caps"); each with its default ----
export const LIMIT_SETTINGS = {
  /** View requests a minute per client address (then 429). */
  VIEW_REQUESTS_PER_MINUTE: 60,
  /** Counted views per seller and month from one IPv4 address or IPv6 /64. */
  VIEW_BUDGET_PER_SELLER: 20,
  /** ... from one IPv6 /56 (a home line's usual allocation). */
  VIEW_BUDGET_PER_SELLER_IPV6_56: 40,
  /** ... from one IPv6 /48 (a site's). */
  VIEW_BUDGET_PER_SELLER_IPV6_48: 100,
  /** Open live-update streams per client address, per app process (then 429). */
  STREAMS_PER_ADDRESS: 4,
  /** Open live-update streams per app process (then 503). */
  STREAMS_PER_PROCESS: 500,
  /** A stream's longest life in seconds; then the server ends it and the browser reconnects. */
  STREAM_MAX_LIFETIME_SECONDS: 900,
} as const;
export type Limits = { -readonly [K in keyof typeof LIMIT_SETTINGS]: number };

export function readLimits(env: Env = process.env): Limits {
  const limits = { ...LIMIT_SETTINGS } as Limits;
  for (const name of Object.keys(LIMIT_SETTINGS) as (keyof Limits)[]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1)
      throw new ConfigError(`${name}=${JSON.stringify(raw)} is not accepted: a whole number of at least 1.`);
    limits[name] = Number(raw);
  }
  return limits;
}

let cachedLimits: Limits | undefined;

/** The process's limits, read once. */
export function getLimits(): Limits {
  cachedLimits ??= readLimits();
  return cachedLimits;
}

/** For tests that switch configuration inside one process. */
export function resetConfigForTests(): void {
  cached = undefined;
  cachedLimits = undefined;
}
