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
  TRUST_PROXY: integer(0, 10, 0),
  LEADERBOARD_WATCH_MS: integer(250, 500, 300),
});

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
      ...shared(secret),
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

/** For tests that switch configuration inside one process. */
export function resetConfigForTests(): void {
  cached = undefined;
}
