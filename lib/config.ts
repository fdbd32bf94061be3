/**
 * The app's settings: the one module that reads `process.env` (besides the NEXT_PUBLIC_ values Next.js
 * inlines into the browser bundle). The environment is validated with zod once, into one of three modes
 * (docs/architecture.md, "Where data and sign-in come from"); each mode carries exactly the settings
 * its transport and its sign-in need, so callers never have to assert that one is there:
 *   embedded - the launcher started the embedded PostgreSQL (APP_MODE=embedded): demo sign-in, and
 *              tokens signed with the Supabase CLI's local development secret.
 *   database - DATABASE_URL points at any PostgreSQL 15+; tokens come from Supabase Auth and are
 *              verified with SUPABASE_JWT_SECRET or a JWKS URL (required). No demo sign-in.
 *   supabase - NEXT_PUBLIC_SUPABASE_URL + anon key: data through supabase-js (unless DATABASE_URL is
 *              also set), sign-in with Supabase Auth.
 * A missing or malformed setting stops the app at start with a message naming the variable.
 * Every setting and its default is listed in .env.example. To add one: add it to `envSchema`, then to
 * `SharedSettings` (every mode) or to the mode that uses it, and to .env.example.
 */
import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

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

/** Empty or blank variables count as unset. */
const unsetIfBlank = (value: unknown) => (typeof value === "string" ? value.trim() || undefined : value);
const text = z.preprocess(unsetIfBlank, z.string().optional());
const url = z.preprocess(unsetIfBlank, z.url().optional());
const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(unsetIfBlank, z.coerce.number().int().min(min).max(max).default(fallback));

const envSchema = z.object({
  APP_MODE: z.preprocess(unsetIfBlank, z.enum(["embedded"]).optional()),
  DATABASE_URL: url,
  DATABASE_POOL_SIZE: integer(1, 100, 10),
  NEXT_PUBLIC_SUPABASE_URL: url,
  NEXT_PUBLIC_SUPABASE_ANON_KEY: text,
  SUPABASE_SERVICE_ROLE_KEY: text,
  SUPABASE_JWT_SECRET: text,
  SUPABASE_JWKS_URL: url,
  SUPABASE_JWT_ISSUER: text,
  EMBEDDED_INSTANCE_TOKEN: text,
  VIEW_KEY_SECRET: text,
  TRUST_PROXY: z.preprocess(
    unsetIfBlank,
    z.coerce
      .number()
      .int()
      .min(0)
      .max(10)
      .default(0)
      .catch(({ input }) => {
        throw new ConfigError(
          `TRUST_PROXY=${JSON.stringify(input)} is not accepted: set it to the number of proxies in front of the app ` +
            "that append to X-Forwarded-For, a whole number from 1 to 10 (e.g. TRUST_PROXY=1 behind one load " +
            "balancer), or leave it unset (or 0) when clients connect directly.",
        );
      }),
  ),
  LEADERBOARD_WATCH_MS: integer(250, 500, 300),
  // ---- Limits and caps (docs/architecture.md, "Limits and caps") ----
  /** View requests a minute per client address (then 429). */
  VIEW_REQUESTS_PER_MINUTE: integer(1, 1_000_000, 60),
  /** Counted views per seller and month from one IPv4 address or IPv6 /64 ... */
  VIEW_BUDGET_PER_SELLER: integer(1, 1_000_000, 20),
  /** ... from one IPv6 /56 (a home line's usual allocation) ... */
  VIEW_BUDGET_PER_SELLER_IPV6_56: integer(1, 1_000_000, 40),
  /** ... and from one IPv6 /48 (a site's). */
  VIEW_BUDGET_PER_SELLER_IPV6_48: integer(1, 1_000_000, 100),
  /** Open live-update streams per client address, per app process (then 429). */
  STREAMS_PER_ADDRESS: integer(1, 100_000, 4),
  /** Open live-update streams per app process (then 503). */
  STREAMS_PER_PROCESS: integer(1, 100_000, 500),
  /** A stream's longest life in seconds; then the server ends it and the browser reconnects. */
  STREAM_MAX_LIFETIME_SECONDS: integer(1, 86_400, 900),
});

/** The limits and caps, by their variables' names. */
export type Limits = Pick<
  z.infer<typeof envSchema>,
  | "VIEW_REQUESTS_PER_MINUTE"
  | "VIEW_BUDGET_PER_SELLER"
  | "VIEW_BUDGET_PER_SELLER_IPV6_56"
  | "VIEW_BUDGET_PER_SELLER_IPV6_48"
  | "STREAMS_PER_ADDRESS"
  | "STREAMS_PER_PROCESS"
  | "STREAM_MAX_LIFETIME_SECONDS"
>;

export type Env = Record<string, string | undefined>;

/** A `pg` pool on one database. */
export interface PostgresTransport {
  kind: "postgres";
  databaseUrl: string;
  poolSize: number;
}

/** A Supabase project's API. */
export interface SupabaseSettings {
  url: string;
  anonKey: string;
  serviceRoleKey?: string;
}

export interface SupabaseTransport extends SupabaseSettings {
  kind: "supabase";
}

export interface JwtSettings {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
}

/** Settings every mode has. */
interface SharedSettings {
  /** How many proxies in front of the app append to X-Forwarded-For (0: use the socket's address). */
  trustProxyHops: number;
  /** How often the change watcher asks the database whether the leaderboard changed (ms). */
  leaderboardWatchMs: number;
  /** The key for what the server signs or hashes about anonymous shoppers (cookies, address hashes). */
  viewKeySecret: string;
  limits: Limits;
}

export interface EmbeddedConfig extends SharedSettings {
  mode: "embedded";
  transport: PostgresTransport;
  jwt: { secret: string; issuer: string };
  /** The per-start token the launcher wrote into the embedded database (demo sign-in needs it). */
  embeddedInstanceToken?: string;
}

export interface DatabaseConfig extends SharedSettings {
  mode: "database";
  transport: PostgresTransport;
  jwt: JwtSettings;
}

export interface SupabaseConfig extends SharedSettings {
  mode: "supabase";
  transport: PostgresTransport | SupabaseTransport;
  supabase: SupabaseSettings;
  jwt: JwtSettings;
}

export type AppConfig = EmbeddedConfig | DatabaseConfig | SupabaseConfig;
export type AppMode = AppConfig["mode"];

function parseEnv(env: Env): z.infer<typeof envSchema> {
  // TRUST_PROXY throws its own ConfigError (what it accepts is worth a sentence).
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid environment: ${problems.join("; ")}.`);
}

export function readConfig(env: Env = process.env): AppConfig {
  const settings = parseEnv(env);
  const {
    DATABASE_URL: databaseUrl,
    NEXT_PUBLIC_SUPABASE_URL: supabaseUrl,
    SUPABASE_JWT_SECRET: jwtSecret,
    SUPABASE_JWKS_URL: jwksUrl,
    SUPABASE_JWT_ISSUER: issuer,
  } = settings;
  const shared = (fallbackKey: string | undefined) => ({
    trustProxyHops: settings.TRUST_PROXY,
    leaderboardWatchMs: settings.LEADERBOARD_WATCH_MS,
    viewKeySecret: settings.VIEW_KEY_SECRET ?? fallbackKey ?? "",
    limits: {
      VIEW_REQUESTS_PER_MINUTE: settings.VIEW_REQUESTS_PER_MINUTE,
      VIEW_BUDGET_PER_SELLER: settings.VIEW_BUDGET_PER_SELLER,
      VIEW_BUDGET_PER_SELLER_IPV6_56: settings.VIEW_BUDGET_PER_SELLER_IPV6_56,
      VIEW_BUDGET_PER_SELLER_IPV6_48: settings.VIEW_BUDGET_PER_SELLER_IPV6_48,
      STREAMS_PER_ADDRESS: settings.STREAMS_PER_ADDRESS,
      STREAMS_PER_PROCESS: settings.STREAMS_PER_PROCESS,
      STREAM_MAX_LIFETIME_SECONDS: settings.STREAM_MAX_LIFETIME_SECONDS,
    },
  });
  const postgres = (databaseUrl: string): PostgresTransport => ({
    kind: "postgres",
    databaseUrl,
    poolSize: settings.DATABASE_POOL_SIZE,
  });

  if (settings.APP_MODE === "embedded") {
    if (!databaseUrl)
      throw new ConfigError("APP_MODE=embedded needs DATABASE_URL (the launcher sets it: start with `npm run dev`).");
    const secret = jwtSecret ?? LOCAL_DEV_JWT_SECRET;
    return {
      mode: "embedded",
      transport: postgres(databaseUrl),
      jwt: { secret, issuer: DEMO_TOKEN_ISSUER },
      embeddedInstanceToken: settings.EMBEDDED_INSTANCE_TOKEN,
      // The embedded mode's JWT secret is public: its key is a random one of this installation.
      ...shared(settings.VIEW_KEY_SECRET ?? embeddedViewKey()),
    };
  }

  if (supabaseUrl) {
    const anonKey = settings.NEXT_PUBLIC_SUPABASE_ANON_KEY;
    if (!anonKey)
      throw new ConfigError("NEXT_PUBLIC_SUPABASE_URL is set but NEXT_PUBLIC_SUPABASE_ANON_KEY is missing.");
    const serviceRoleKey = settings.SUPABASE_SERVICE_ROLE_KEY;
    if (!databaseUrl && !serviceRoleKey) {
      throw new ConfigError(
        "SUPABASE_SERVICE_ROLE_KEY is missing: the server needs it to record anonymous shoppers' views (or set DATABASE_URL).",
      );
    }
    const supabase = { url: supabaseUrl.replace(/\/+$/, ""), anonKey, serviceRoleKey };
    return {
      mode: "supabase",
      transport: databaseUrl ? postgres(databaseUrl) : { kind: "supabase", ...supabase },
      supabase,
      // Supabase signs with its JWT secret (HS256) or with asymmetric keys published as JWKS.
      jwt: { secret: jwtSecret, jwksUrl: jwksUrl ?? `${supabase.url}/auth/v1/.well-known/jwks.json`, issuer },
      ...shared(jwtSecret ?? serviceRoleKey ?? databaseUrl),
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
      transport: postgres(databaseUrl),
      jwt: { secret: jwtSecret, jwksUrl, issuer },
      ...shared(jwtSecret ?? databaseUrl),
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

/** The process's limits and caps. */
export function getLimits(): Limits {
  return getConfig().limits;
}

/** Throws ConfigError, naming the variable, for any setting with a value it does not accept. */
export function checkSettings(env: Env = process.env): void {
  parseEnv(env);
}

export const EMBEDDED_VIEW_KEY_FILE = path.join(".data", "view-key");

/**
 * The embedded mode's key: `.data/view-key`, created with a random key the first time (every process
 * of this installation shares it; it survives restarts, so cookies stay valid).
 */
function embeddedViewKey(): string {
  const file = path.resolve(EMBEDDED_VIEW_KEY_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const key = fs.readFileSync(file, "utf8").trim();
  if (key.length < 32) throw new ConfigError(`${file} holds no usable key: delete it and start again.`);
  return key;
}

/** For tests that switch configuration inside one process. */
export function resetConfigForTests(): void {
  cached = undefined;
}
